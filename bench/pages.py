"""Response times and query counts of the main pages on a federation of realistic size.

Creates a throw-away test database, fills one federation with 25 projects, 15 municipalities,
60 agencies and 600 users (the size of Skaraborg in DOMAIN §1), and one project with 3 starts
and 300 referrals, then requests each page 30 times through Django's test client and prints
median / p95 milliseconds and queries per request.

    make bench            # or: DEBUG=1 .venv/bin/python bench/pages.py
"""

import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fokus.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

REPEAT = 30


def populate():
    from fokus.models import Agency, Federation, Membership, Municipality, Project, User
    from fokus.roles import Role

    federation = Federation.objects.create(name="Bänkförbundet", slug="bench")
    municipalities = Municipality.objects.bulk_create(
        Municipality(federation=federation, name=f"Kommun {i:02}") for i in range(15)
    )
    agencies = Agency.objects.bulk_create(
        Agency(
            federation=federation,
            kind="social_services",
            name=f"Part {i:02}",
            municipality=municipalities[i % 15],
        )
        for i in range(60)
    )
    projects = Project.objects.bulk_create(
        Project(
            federation=federation,
            name=f"Insats {i:02}",
            owner="Kommun",
            start_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
        )
        for i in range(25)
    )
    for project in projects:
        project.municipalities.set(municipalities[:5])
    users = User.objects.bulk_create(
        User(email=f"person{i}@bench.example", full_name=f"Person {i}", federation=federation)
        for i in range(600)
    )
    memberships = []
    for i, user in enumerate(users):
        if i % 3 == 0:
            memberships.append(
                Membership(
                    user=user,
                    federation=federation,
                    role=Role.CASE_OFFICER,
                    agency=agencies[i % 60],
                )
            )
        else:
            memberships.append(
                Membership(
                    user=user,
                    federation=federation,
                    role=Role.COORDINATOR,
                    project=projects[i % 25],
                )
            )
    memberships.append(Membership(user=users[1], federation=federation, role=Role.FEDERATION_ADMIN))
    Membership.objects.bulk_create(memberships)
    return users[1], projects[0]


def populate_referrals(project):
    """Three starts and 300 referrals in the project (a busy year of a large förbund), 40 of
    them queued for one ärendemöte."""
    from datetime import timedelta

    from django.utils import timezone

    from cohorts.models import Cohort
    from demo.referrals import demo_personnummer
    from fokus.models import Agency
    from referrals.models import CaseGroupMeeting, Referral

    today = timezone.localdate()
    municipalities = list(project.municipalities.all()[:3])
    cohorts = [
        Cohort.objects.create(
            project=project, municipality=m, start_date=today + timedelta(days=30 * (i + 1))
        )
        for i, m in enumerate(municipalities)
    ]
    meeting = CaseGroupMeeting.objects.create(project=project, date=today + timedelta(days=7))
    agencies = list(Agency.objects.filter(federation=project.federation)[:8])
    coordinator = project.memberships.filter(role="coordinator").first().user
    statuses = ["submitted"] * 40 + ["accepted", "declined", "wait_listed", "withdrawn"] * 65
    Referral.objects.bulk_create(
        Referral(
            federation=project.federation,
            project=project,
            cohort=cohorts[i % 3],
            referring_agency=agencies[i % 8],
            created_by=coordinator,
            status=status,
            name=f"Person {i}",
            personnummer=demo_personnummer(f"19{60 + i % 40}0101", 980 + i % 20),
            home_municipality=municipalities[i % 3],
            submitted_at=timezone.now(),
            wait_listed_at=timezone.now() if status == "wait_listed" else None,
            meeting=meeting if status == "submitted" else None,
        )
        for i, status in enumerate(statuses)
    )
    return coordinator, meeting


def populate_participants(project, coordinator):
    """The 65 accepted referrals become active participants of one start, with 12 group
    sessions of attendance, 10 individual talks each and a three-goal action plan."""
    from datetime import timedelta

    from django.utils import timezone

    from participants.models import (
        ActionPlan,
        Attendance,
        ClientMeeting,
        Enrolment,
        Goal,
        GroupSession,
    )
    from referrals.models import Referral

    today = timezone.localdate()
    start = today - timedelta(weeks=13)
    cohort = project.cohorts.order_by("start_date").first()
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            federation=project.federation,
            project=project,
            cohort=cohort,
            referral=referral,
            status="active",
            coordinator=coordinator,
            enrolled_on=start,
            planned_exit_on=start + timedelta(days=365),
        )
        for referral in Referral.objects.filter(project=project, status="accepted")
    )
    sessions = GroupSession.objects.bulk_create(
        GroupSession(
            cohort=cohort,
            date=start + timedelta(weeks=week),
            duration_minutes=180,
            theme="health",
            recorded_by=coordinator,
        )
        for week in range(12)
    )
    Attendance.objects.bulk_create(
        Attendance(session=s, enrolment=e, status=("present", "absent", "excused")[(i + j) % 3])
        for i, s in enumerate(sessions)
        for j, e in enumerate(enrolments)
    )
    ClientMeeting.objects.bulk_create(
        ClientMeeting(
            enrolment=e,
            kind="individual",
            talk_form="walk",
            date=start + timedelta(weeks=week, days=2),
            duration_minutes=45,
            notes="Anteckning",
            recorded_by=coordinator,
        )
        for e in enrolments
        for week in range(10)
    )
    plans = ActionPlan.objects.bulk_create(ActionPlan(enrolment=e, version=3) for e in enrolments)
    Goal.objects.bulk_create(
        Goal(plan=plan, text=f"Mål {n}", responsible="participant", position=n)
        for plan in plans
        for n in range(3)
    )
    return cohort, enrolments[0]


def measure(client: Client, url: str) -> tuple[float, float, int]:
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.95) - 1], len(queries)


def main() -> None:
    # Not setup_test_environment(): its template instrumentation copies every context the test
    # client sees and would triple the cost of form-heavy pages. Only what the client needs:
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        admin, project = populate()
        client = Client()
        client.force_login(admin)
        pages = [
            ("start page", "/"),
            ("project list (25)", "/projects/"),
            ("project detail", f"/projects/{project.pk}/"),
            ("user list (600, page of 50)", "/manage/users/"),
            ("agency list (60)", "/manage/agencies/"),
            ("access log", "/manage/access-log/"),
        ]
        print(f"{'page':36} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, url in pages:
            median, p95, queries = measure(client, url)
            print(f"{label:36} {median:10.1f} {p95:8.1f} {queries:8}")
        coordinator, meeting = populate_referrals(project)
        client.force_login(coordinator)
        referral_pages = [
            ("referral list (300, page of 50)", "/referrals/"),
            ("ärendemöte (40 queued)", f"/meetings/{meeting.pk}/"),
            ("meeting minutes", f"/meetings/{meeting.pk}/minutes/"),
            ("quota board (3 starts)", f"/projects/{project.pk}/places/"),
            ("referral counts", f"/projects/{project.pk}/referral-counts/"),
        ]
        if os.environ.get("FOKUS_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
            client.get(os.environ["FOKUS_PROFILE"].replace("MEETING", str(meeting.pk)))
            profiler.disable()
            pstats.Stats(profiler).sort_stats(
                os.environ.get("FOKUS_PROFILE_SORT", "cumulative")
            ).print_stats(25)
            return
        for label, url in referral_pages:
            median, p95, queries = measure(client, url)
            print(f"{label:36} {median:10.1f} {p95:8.1f} {queries:8}")
        cohort, enrolment = populate_participants(project, coordinator)
        participant_pages = [
            ("participant list (65)", f"/projects/{project.pk}/participants/"),
            ("due list (65 active)", f"/projects/{project.pk}/due/"),
            ("group sessions grid (65 × 12)", f"/cohorts/{cohort.pk}/sessions/"),
            ("participant page (22 events)", f"/participants/{enrolment.public_id}/"),
        ]
        for label, url in participant_pages:
            median, p95, queries = measure(client, url)
            print(f"{label:36} {median:10.1f} {p95:8.1f} {queries:8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

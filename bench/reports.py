"""Response times and query counts of a project's final report, web page and PDF, with 2,000
participants.

Creates a throw-away test database with one federation, one project over three municipalities
and 12 starts, 2,000 participants (rolling intake for a sixth of them) with a rating at
enrolment and two quarterly ones, 1,200 of them exited with reason, destination and an exit
rating and a 90-day follow-up (900 done), 2,300 referrals from 4 agencies, and a partner
survey of 8 questions answered by 36 of 40 contacts. Then requests the final report's page,
its PDF and the interim report of one half-year through Django's test client and prints
median / p95 milliseconds and queries per request.

    DEBUG=1 FOKUS_DATA_DIR=$PWD/var/bench .venv/bin/python bench/reports.py
"""

import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fokus.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PARTICIPANTS = 2000
REPEAT_PAGE = 10
REPEAT_PDF = 5


def populate():
    from django.utils import timezone

    from cohorts.models import Cohort
    from fokus.models import Agency, Federation, Membership, Municipality, Project, User
    from fokus.roles import Role
    from participants.models import Enrolment, FollowUp
    from referrals.models import Referral
    from stepladder.models import Ladder, Rating, Step

    federation = Federation.objects.create(name="Bänkförbundet", slug="bench")
    municipalities = Municipality.objects.bulk_create(
        Municipality(federation=federation, name=name)
        for name in ("Ljungby", "Älmhult", "Markaryd")
    )
    agencies = Agency.objects.bulk_create(
        [
            Agency(federation=federation, kind="employment_service", name="Arbetsförmedlingen"),
            Agency(federation=federation, kind="social_insurance", name="Försäkringskassan"),
            Agency(federation=federation, kind="region", name="Region Kronoberg"),
            Agency(
                federation=federation,
                kind="social_services",
                name="Ljungby socialtjänst",
                municipality=municipalities[0],
            ),
        ]
    )
    project = Project.objects.create(
        federation=federation,
        name="Fokus 2.1",
        owner="Ljungby kommun",
        description="Samordnad rehabilitering för personer långt från arbetsmarknaden.",
        start_date=date(2020, 1, 1),
        end_date=date(2022, 12, 31),
    )
    project.municipalities.set(municipalities)
    staff = User.objects.create_user("kansli@bench.example", "x", federation=federation)
    coordinator = User.objects.create_user("koordinator@bench.example", "x", federation=federation)
    Membership.objects.bulk_create(
        [
            Membership(user=staff, federation=federation, role=Role.FEDERATION_STAFF),
            Membership(
                user=coordinator, federation=federation, role=Role.COORDINATOR, project=project
            ),
        ]
    )
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            project=project,
            municipality=municipalities[i % 3],
            start_date=date(2020, 2, 1) + timedelta(days=75 * i),
            places=200,
            places_per_agency=50,
            group_weeks=(12, 8, 10)[i % 3],
            period_months=(12, 9, 10)[i % 3],
        )
        for i in range(12)
    )
    referrals = Referral.objects.bulk_create(
        Referral(
            federation=federation,
            project=project,
            cohort=cohorts[i % 12] if i % 6 else None,
            referring_agency=agencies[i % 4],
            created_by=coordinator,
            status="exited" if i < PARTICIPANTS and i % 5 < 3 else "enrolled",
            submitted_at=timezone.make_aware(
                timezone.datetime(2020, 1, 15) + timedelta(days=i % 1000)
            ),
            name=f"Deltagare {i}",
            gender=("woman", "man", "other")[i % 3] if i % 17 else "",
            home_municipality=municipalities[(i // 3) % 3],
        )
        for i in range(PARTICIPANTS + 300)
    )
    enrolments = []
    for i, referral in enumerate(referrals[:PARTICIPANTS]):
        cohort = referral.cohort
        enrolled = cohort.start_date if cohort else date(2020, 3, 1) + timedelta(days=i % 900)
        exited = i % 5 < 3
        enrolments.append(
            Enrolment(
                federation=federation,
                project=project,
                cohort=cohort,
                referral=referral,
                status="exited" if exited else "active",
                coordinator=coordinator,
                enrolled_on=enrolled,
                planned_exit_on=enrolled + timedelta(days=365),
                exited_on=enrolled + timedelta(days=200 + i % 150) if exited else None,
                exit_reason=("work", "health", "studies", "completed_period")[i % 4]
                if exited
                else "",
                destination=("studies", "none", "other_programme")[i % 3] if exited else "",
                receiving_party="Arbetsförmedlingen" if exited else "",
                exit_plan="Plan" if exited else "",
            )
        )
    enrolments = Enrolment.objects.bulk_create(enrolments)
    steps = list(Step.objects.filter(ladder=Ladder.objects.get(is_default=True)).order_by("number"))
    ratings = []
    for i, e in enumerate(enrolments):
        ratings.append(
            Rating(
                enrolment=e,
                rated_on=e.enrolled_on,
                kind="enrolment",
                step=steps[i % 3],
                rated_by=coordinator,
            )
        )
        for quarter in (1, 2):
            ratings.append(
                Rating(
                    enrolment=e,
                    rated_on=e.enrolled_on + timedelta(days=91 * quarter),
                    kind="quarterly",
                    step=steps[(i + quarter) % 4],
                    rated_by=coordinator,
                )
            )
        if e.exited_on:
            ratings.append(
                Rating(
                    enrolment=e,
                    rated_on=e.exited_on,
                    kind="exit",
                    step=steps[2 + i % 4],
                    rated_by=coordinator,
                )
            )
    Rating.objects.bulk_create(ratings)
    FollowUp.objects.bulk_create(
        FollowUp(
            enrolment=e,
            due_on=e.exited_on + timedelta(days=90),
            done_on=e.exited_on + timedelta(days=90) if i % 4 else None,
            self_sufficient=bool(i % 2) if i % 4 else None,
            income_source=("salary", "activity_support", "sickness_compensation")[i % 3]
            if i % 4
            else "",
            occupation="work" if i % 4 else "",
            recorded_by=coordinator if i % 4 else None,
            recorded_at=timezone.now() if i % 4 else None,
        )
        for i, e in enumerate(e for e in enrolments if e.exited_on)
    )
    populate_survey(project, coordinator, agencies)
    return staff, project


def populate_survey(project, coordinator, agencies):
    """The partner survey "Samverkan" (DOMAIN §8): 40 invited, 36 answered."""
    from django.utils import timezone

    from surveys.models import (
        Answer,
        Contact,
        Invitation,
        Option,
        Question,
        Response,
        Survey,
    )

    survey = Survey.objects.create(
        federation=project.federation,
        project=project,
        name="Samverkan",
        audience="partners",
        created_by=coordinator,
    )
    often = Question.objects.create(
        survey=survey, position=1, kind="single", text="Hur ofta har du haft kontakt?"
    )
    options = Option.objects.bulk_create(
        Option(question=often, position=n, text=text)
        for n, text in enumerate(
            ["Varje vecka", "Någon gång i månaden", "Varannan månad", "Mer sällan"], start=1
        )
    )
    scales = [
        Question.objects.create(
            survey=survey,
            position=n,
            kind="scale",
            text=f"Skalfråga {n}",
            scale_max=4,
            scale_min_label="svårt",
            scale_max_label="lätt",
        )
        for n in range(2, 8)
    ]
    comments = Question.objects.create(survey=survey, position=8, kind="text", text="Övrigt")
    for n in range(40):
        contact = Contact.objects.create(
            project=project, name=f"Kontakt {n}", agency=agencies[n % 4], email=f"k{n}@b.example"
        )
        invitation = Invitation.objects.create(
            survey=survey,
            contact=contact,
            token_hash=f"{n:064d}",
            expires_on=date(2022, 12, 31),
            sent_at=timezone.now(),
        )
        if n >= 36:
            continue
        response = Response.objects.create(
            survey=survey, channel="personal", invitation=invitation, answered_on=date(2022, 6, 1)
        )
        Answer.objects.create(response=response, question=often).options.add(options[n % 4])
        Answer.objects.bulk_create(
            [
                Answer(response=response, question=q, scale_value=1 + (n + q.position) % 4)
                for q in scales
            ]
            + [Answer(response=response, question=comments, text="Bra samarbete")]
        )


def measure(client: Client, url: str, repeat: int) -> tuple[float, float, int]:
    timings = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[max(int(len(timings) * 0.95) - 1, 0)], len(queries)


def main() -> None:
    # As bench/pages.py: no setup_test_environment(), only what the client needs.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        staff, project = populate()
        client = Client()
        client.force_login(staff)
        # The first PDF loads WeasyPrint, Pango and the fonts: measured apart.
        start = time.perf_counter()
        client.get(f"/projects/{project.pk}/reports/final/pdf/")
        first_pdf = (time.perf_counter() - start) * 1000
        pages = [
            ("final report page", f"/projects/{project.pk}/reports/final/", REPEAT_PAGE),
            ("final report PDF", f"/projects/{project.pk}/reports/final/pdf/", REPEAT_PDF),
            ("interim report page", f"/projects/{project.pk}/reports/interim/2021/1/", REPEAT_PAGE),
            (
                "interim report PDF",
                f"/projects/{project.pk}/reports/interim/2021/1/pdf/",
                REPEAT_PDF,
            ),
            (
                "table export (steps, xlsx)",
                f"/projects/{project.pk}/reports/final/tables/steps.xlsx",
                REPEAT_PAGE,
            ),
        ]
        print(f"{PARTICIPANTS} participants; first PDF (loads WeasyPrint) {first_pdf:.0f} ms")
        print(f"{'page':32} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for label, url, repeat in pages:
            median, p95, queries = measure(client, url, repeat)
            print(f"{label:32} {median:10.1f} {p95:8.1f} {queries:8}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()

"""A running start for the demo federation: participants in their tenth week with talks, group
sessions and attendance (one with two absences in a row), action plans, and one who has ended
and awaits the 90-day follow-up. All people are fictional; personnummer use serials 986–993,
which Skatteverket never gives to real people. Dates are relative to today."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort
from demo.referrals import demo_personnummer
from fokus.models import Agency, Municipality, Project, User
from participants import plans
from participants.models import (
    ActionPlanVersion,
    Attendance,
    ClientMeeting,
    Enrolment,
    GroupSession,
    MeetingKind,
)
from participants.services import enrolment_exit, enrolment_start
from referrals.models import (
    Consent,
    ConsentMethod,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from stepladder.models import Marker
from stepladder.project_ladder import ladder_for
from stepladder.services import rating_create

PARTICIPANTS = [
    # name, birth date, serial, gender, talk forms in turn
    ("Fredrik Låtsasson", "19860211", 986, "man"),
    ("Greta Övningsdotter", "19910723", 987, "woman"),
    ("Hassan Exempelzadeh", "19790505", 988, "man"),
    ("Ingrid Prov", "19951130", 989, "woman"),
    ("Jonas Testlund", "19830817", 990, "man"),
    ("Karin Demoberg", "19770304", 991, "woman"),
]
THEMES = ["motivation", "self_esteem", "stress", "sleep", "diet", "health", "labour_market"]
TALK_FORMS = ["office", "walk", "home_visit", "remote", "accompanying"]


def _accepted_referral(project, cohort, person, officer, deciding, municipality, agency, today):
    name, birth, serial, gender = person
    referral = Referral.objects.create(
        federation=project.federation,
        project=project,
        cohort=cohort,
        referring_agency=agency,
        created_by=officer,
        status=ReferralStatus.ACCEPTED,
        name=name,
        personnummer=demo_personnummer(birth, serial),
        gender=gender,
        home_municipality=municipality,
        street_address=f"Påhittade vägen {serial - 980}",
        postal_code="999 99",
        city=municipality.name,
        far_from_labour_market="yes",
        long_term_unemployed="yes",
        needs_rehabilitation="yes",
        sufficient_swedish="yes",
        officer_name=officer.full_name,
        officer_email=officer.email,
        officer_workplace=agency.name,
        submitted_at=timezone.now() - timedelta(days=90),
        decided_by=deciding,
        decided_at=timezone.now() - timedelta(days=80),
    )
    Consent.objects.create(
        referral=referral,
        consents_social_services=True,
        consents_af=True,
        consents_fk=True,
        consents_region=True,
        consents_project=True,
        method=ConsentMethod.IN_PERSON,
        given_on=today - timedelta(days=92),
        place=agency.name,
        recorded_by=officer,
    )
    # `at` is set on insert; the demo's history is dated as it would have happened.
    submitted = ReferralStatusChange.objects.create(
        referral=referral, status=ReferralStatus.SUBMITTED, by=officer
    )
    accepted = ReferralStatusChange.objects.create(
        referral=referral, status=ReferralStatus.ACCEPTED, by=deciding, cohort=cohort
    )
    ReferralStatusChange.objects.filter(pk=submitted.pk).update(at=referral.submitted_at)
    ReferralStatusChange.objects.filter(pk=accepted.pk).update(at=referral.decided_at)
    return Enrolment.objects.create(
        federation=project.federation, project=project, cohort=cohort, referral=referral
    )


@transaction.atomic
def seed_participants(*, project: Project) -> None:
    today = timezone.localdate()
    municipality = Municipality.objects.get(federation=project.federation, name="Ekeby")
    first = PARTICIPANTS[0]
    if Referral.objects.filter(
        project=project, personnummer=demo_personnummer(first[1], first[2])
    ).exists():
        return  # seeded before: the demo is idempotent
    start = today - timedelta(weeks=10)
    cohort = Cohort.objects.create(
        project=project,
        municipality=municipality,
        start_date=start,
        places=16,
        places_per_agency=4,
        period_months=10,
    )
    coordinator = User.objects.get(email="koordinator@demo.fokus.example")
    deciding = User.objects.get(email="arendegrupp@demo.fokus.example")
    officers = [
        (
            User.objects.get(email="handlaggare.af@demo.fokus.example"),
            Agency.objects.get(federation=project.federation, name="Arbetsförmedlingen"),
        ),
        (
            User.objects.get(email="handlaggare.fk@demo.fokus.example"),
            Agency.objects.get(federation=project.federation, name="Försäkringskassan"),
        ),
    ]
    enrolments = []
    for index, person in enumerate(PARTICIPANTS):
        officer, agency = officers[index % 2]
        enrolment = _accepted_referral(
            project, cohort, person, officer, deciding, municipality, agency, today
        )
        enrolment = enrolment_start(
            actor=coordinator,
            enrolment=enrolment,
            coordinator=coordinator,
            enrolled_on=start,
            income_source_before=["social_assistance", "sickness_benefit"][index % 2],
            occupation_before="job_seeking",
            education_level="upper_secondary",
        )
        intake = ClientMeeting.objects.create(
            enrolment=enrolment,
            kind=MeetingKind.INTAKE,
            date=start,
            start_time=time(10),
            duration_minutes=60,
            next_step="Två individuella samtal innan gruppen startar.",
            recorded_by=coordinator,
        )
        intake.coordinators.add(coordinator)
        # Weekly talks; the fourth participant's stopped three weeks ago (due list), the third
        # participant's when she found work.
        last_week = {2: 6, 3: 4}.get(index, 7)
        for week in range(1, last_week + 1):
            talk = ClientMeeting.objects.create(
                enrolment=enrolment,
                kind=MeetingKind.INDIVIDUAL,
                talk_form=TALK_FORMS[(week + index) % len(TALK_FORMS)],
                date=start + timedelta(weeks=week, days=2),
                duration_minutes=45,
                notes="Pratade om veckan som gått och om målen i planen.",
                next_step="Nytt samtal nästa vecka.",
                recorded_by=coordinator,
            )
            talk.coordinators.add(coordinator)
        plans.goal_save(
            actor=coordinator,
            enrolment=enrolment,
            text="Hitta en rutin för sömn och måltider",
            responsible="participant",
            status="in_progress",
            target_date=start + timedelta(weeks=12),
        )
        goal = plans.goal_save(
            actor=coordinator,
            enrolment=enrolment,
            text="Pröva på arbete genom praktik",
            responsible="agency",
            responsible_agency=agency,
            status="planned",
            target_date=start + timedelta(weeks=30),
        )
        plans.goal_save(
            actor=coordinator,
            enrolment=enrolment,
            parent=goal,
            text="Besöka två arbetsplatser",
            responsible="project",
            status="planned",
            follow_up_on=start + timedelta(weeks=14),
        )
        enrolments.append(enrolment)

    exited_on = start + timedelta(weeks=6, days=3)
    # Nine weekly sessions so far; the last participant missed the last two without reason.
    for week in range(9):
        session = GroupSession.objects.create(
            cohort=cohort,
            date=start + timedelta(weeks=week + 1),
            start_time=time(9),
            duration_minutes=cohort.session_minutes,
            theme=THEMES[week % len(THEMES)],
            recorded_by=coordinator,
        )
        for index, enrolment in enumerate(enrolments):
            if index == 2 and session.date > exited_on:
                continue
            status = "present"
            if index == len(enrolments) - 1 and week >= 7:
                status = "absent"
            elif (week + index) % 5 == 0:
                status = "excused"
            Attendance.objects.create(session=session, enrolment=enrolment, status=status)

    _rate(enrolments, coordinator, start)

    # One participant found work and ended early; the 90-day follow-up is coming up.
    enrolment_exit(
        actor=coordinator,
        enrolment=enrolments[2],
        exited_on=exited_on,
        exit_reason="work",
        destination="work_subsidised",
        destination_extent_percent=75,
        receiving_party="Arbetsförmedlingen Ekeby, handläggare för lönestöd",
        exit_plan="Anställning med lönestöd på lager; avstämning med AF efter tre månader.",
        income_source_after="salary",
        occupation_after="work",
        occupation_extent_percent=75,
    )
    _rate_on(enrolments[2], exited_on, "exit", 5, coordinator, "Fick anställning med lönestöd.")
    _date_history(enrolments, start, exited_on)


# Steps at enrolment and five weeks in; the last participant went back when absences began.
STEPS = [(1, 2), (2, 3), (2, 4), (1, 2), (2, 3), (2, 3, 2)]


def _rate_on(enrolment, day, kind, number, coordinator, comment=""):
    ladder = ladder_for(enrolment.project)
    step = ladder.steps.get(number=number)
    rating_create(
        actor=coordinator,
        enrolment=enrolment,
        rated_on=day,
        kind=kind,
        step=step,
        markers=Marker.objects.filter(step__ladder=ladder, step__number__lte=number),
        comment=comment,
    )


def _rate(enrolments, coordinator, start) -> None:
    for enrolment, steps in zip(enrolments, STEPS, strict=True):
        _rate_on(enrolment, start, "enrolment", steps[0], coordinator)
        _rate_on(enrolment, start + timedelta(weeks=5), "extra", steps[1], coordinator)
        if len(steps) > 2:
            _rate_on(
                enrolment,
                start + timedelta(weeks=9),
                "extra",
                steps[2],
                coordinator,
                "Har uteblivit från gruppen två veckor i rad.",
            )


def _date_history(enrolments, start, exited_on) -> None:
    """The services stamp the enrolment and the exit with today; move them to their days."""
    zone = timezone.get_current_timezone()
    for status, day in ((ReferralStatus.ENROLLED, start), (ReferralStatus.EXITED, exited_on)):
        ReferralStatusChange.objects.filter(
            referral__enrolment__in=enrolments, status=status
        ).update(at=datetime.combine(day, time(11), tzinfo=zone))
    ActionPlanVersion.objects.filter(plan__enrolment__in=enrolments).update(
        at=datetime.combine(start + timedelta(days=2), time(13), tzinfo=zone)
    )

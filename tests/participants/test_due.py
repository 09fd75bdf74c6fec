"""The coordinators' due list: each rule's date, and the overdue / upcoming boundaries
(overdue = the date has passed; upcoming = within 7 days, planned exits within 30)."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.roles import Role
from participants.due import due_list
from participants.models import Attendance, ClientMeeting, Enrolment, GroupSession, MeetingKind
from participants.services import enrolment_exit, enrolment_start
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TALK = _("Individual talk (none in 14 days)")
FOLLOW_UP_MEETING = _("Follow-up meeting with the parties")
PLANNED_EXIT = _("Planned exit")
FOLLOW_UP_90 = _("90-day follow-up")
ABSENCES = _("Two unexcused absences in a row")
NOT_STARTED = _("Start the participation")


def _shown(today, enrolments=None):
    """{what: (due_on, 'overdue' | 'upcoming')} for the participations given (default all)."""
    result = due_list(enrolments or Enrolment.objects.all(), today)
    shown = {}
    for state, items in (("overdue", result.overdue), ("upcoming", result.upcoming)):
        for item in items:
            shown[str(item.what)] = (item.due_on, state)
    return shown


def _meeting(enrolment, coordinator, kind, day, **fields):
    return ClientMeeting.objects.create(
        enrolment=enrolment,
        kind=kind,
        talk_form="walk" if kind == MeetingKind.INDIVIDUAL else "",
        date=day,
        duration_minutes=60,
        recorded_by=coordinator,
        **fields,
    )


# Enrolled 2026-09-01 without any talk: the first talk is due 14 days later, 2026-09-15.
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 9, 7), None),  # eight days ahead: not shown yet
        (date(2026, 9, 8), (date(2026, 9, 15), "upcoming")),  # seven days ahead
        (date(2026, 9, 15), (date(2026, 9, 15), "upcoming")),  # due today is not late
        (date(2026, 9, 16), (date(2026, 9, 15), "overdue")),
    ],
)
def test_an_individual_talk_is_due_14_days_after_the_last(started, today, expected):
    assert _shown(today).get(TALK) == expected


def test_a_held_individual_talk_moves_the_next_one(started, coordinator):
    _meeting(started, coordinator, MeetingKind.INDIVIDUAL, date(2026, 9, 10))
    # A talk the participant missed does not count.
    _meeting(
        started, coordinator, MeetingKind.INDIVIDUAL, date(2026, 9, 20), participant_attended=False
    )
    # Neither does an exit or follow-up meeting.
    _meeting(started, coordinator, MeetingKind.EXTERNAL, date(2026, 9, 21))

    assert _shown(date(2026, 9, 24))[TALK] == (date(2026, 9, 24), "upcoming")
    assert _shown(date(2026, 9, 25))[TALK] == (date(2026, 9, 24), "overdue")


def test_the_follow_up_meeting_is_due_three_months_after_enrolment(started, coordinator):
    assert TALK in _shown(date(2026, 11, 24))
    assert FOLLOW_UP_MEETING not in _shown(date(2026, 11, 23))
    assert _shown(date(2026, 11, 24))[FOLLOW_UP_MEETING] == (date(2026, 12, 1), "upcoming")
    assert _shown(date(2026, 12, 2))[FOLLOW_UP_MEETING] == (date(2026, 12, 1), "overdue")

    _meeting(started, coordinator, MeetingKind.FOLLOW_UP, date(2026, 12, 3))

    assert FOLLOW_UP_MEETING not in _shown(date(2026, 12, 4))


def test_the_cohort_s_period_drives_the_planned_exit_and_its_due_date(accept, cohort, coordinator):
    """A ten-month start: enrolled 2026-01-31, planned exit 2026-11-30, on the due list
    from 30 days before."""
    cohort.period_months = 10
    cohort.save()
    enrolment = enrolment_start(
        actor=coordinator,
        enrolment=accept(),
        coordinator=coordinator,
        enrolled_on=date(2026, 1, 31),
        income_source_before="none",
        occupation_before="other",
        education_level="unknown",
    )
    assert enrolment.planned_exit_on == date(2026, 11, 30)

    assert PLANNED_EXIT not in _shown(date(2026, 10, 30))
    assert _shown(date(2026, 10, 31))[PLANNED_EXIT] == (date(2026, 11, 30), "upcoming")
    assert _shown(date(2026, 11, 30))[PLANNED_EXIT] == (date(2026, 11, 30), "upcoming")
    assert _shown(date(2026, 12, 1))[PLANNED_EXIT] == (date(2026, 11, 30), "overdue")


def test_the_90_day_follow_up_is_due_after_the_exit_until_recorded(started, coordinator):
    enrolment_exit(
        actor=coordinator,
        enrolment=started,
        exited_on=date(2026, 11, 2),
        exit_reason="work",
        destination="work_unsubsidised",
        destination_extent_percent=100,
        receiving_party="Arbetsgivaren",
        exit_plan="Anställning",
        income_source_after="salary",
        occupation_after="work",
    )
    # Exited: no more talks or planned exits are due; the follow-up is, on 2027-01-31. (The
    # step ladder and the reports add their own exit items.)
    participant_rules = {TALK, FOLLOW_UP_MEETING, PLANNED_EXIT, FOLLOW_UP_90, ABSENCES}

    def shown(day):
        return {what: due for what, due in _shown(day).items() if what in participant_rules}

    assert shown(date(2027, 1, 23)) == {}
    assert shown(date(2027, 1, 24)) == {FOLLOW_UP_90: (date(2027, 1, 31), "upcoming")}
    assert shown(date(2027, 2, 1)) == {FOLLOW_UP_90: (date(2027, 1, 31), "overdue")}

    follow_up = started.follow_up
    follow_up.done_on = date(2027, 2, 2)
    follow_up.self_sufficient = True
    follow_up.income_source = "salary"
    follow_up.occupation = "work"
    follow_up.recorded_by = coordinator
    follow_up.recorded_at = timezone.now()
    follow_up.save()

    assert shown(date(2027, 2, 3)) == {}


def test_two_unexcused_absences_in_a_row_flag_the_participant(started, cohort, coordinator):
    def session(day, status):
        s = GroupSession.objects.create(
            cohort=cohort,
            date=day,
            start_time=time(9),
            duration_minutes=180,
            theme="stress",
            recorded_by=coordinator,
        )
        Attendance.objects.create(session=s, enrolment=started, status=status)

    session(date(2026, 9, 8), "absent")
    session(date(2026, 9, 15), "excused")
    session(date(2026, 9, 22), "absent")
    assert ABSENCES not in _shown(date(2026, 9, 23))

    session(date(2026, 9, 29), "absent")
    assert _shown(date(2026, 9, 30))[ABSENCES] == (date(2026, 9, 29), "overdue")

    session(date(2026, 10, 6), "present")
    assert ABSENCES not in _shown(date(2026, 10, 7))


def test_an_accepted_participation_is_due_to_start_on_the_start_date(accepted):
    # The cohort starts 2026-09-01.
    assert NOT_STARTED not in _shown(date(2026, 8, 24))
    assert _shown(date(2026, 8, 25))[NOT_STARTED] == (date(2026, 9, 1), "upcoming")
    assert _shown(date(2026, 9, 2))[NOT_STARTED] == (date(2026, 9, 1), "overdue")


# --- The page ---------------------------------------------------------------------------------


def due_url(project):
    return reverse("participants:due-list", args=[project.pk])


@pytest.fixture
def on(monkeypatch):
    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    return set_today


def test_the_page_lists_overdue_and_upcoming(persona_client, started, project_a, on):
    on(date(2026, 9, 16))
    response = persona_client("coordinator").get(due_url(project_a))

    assert response.status_code == 200
    html = response.text
    overdue, upcoming = html.split('id="upcoming-heading"')
    assert TALK in overdue
    assert reverse("participants:participant-detail", args=[started.public_id]) in overdue
    assert TALK not in upcoming
    assert FOLLOW_UP_MEETING not in html  # due 2026-12-01: more than a week ahead


def test_the_page_filters_by_municipality_cohort_and_coordinator(
    persona_client, accept, started, project_a, cohort, municipality_a2, coordinator, on
):
    project_a.municipalities.add(municipality_a2)
    colleague = make_user(
        project_a.federation,
        "koordinator.kollega@a.example",
        "Kim Kollega",
        (Role.COORDINATOR, {"project": project_a}),
    )
    other_cohort = Cohort.objects.create(
        project=project_a, municipality=municipality_a2, start_date=date(2026, 9, 1)
    )
    elsewhere = enrolment_start(
        actor=coordinator,
        enrolment=accept("981", cohort=other_cohort),
        coordinator=colleague,
        enrolled_on=date(2026, 9, 1),
        income_source_before="none",
        occupation_before="other",
        education_level="unknown",
    )
    Enrolment.objects.filter(pk=elsewhere.pk).update(cohort=other_cohort)
    on(date(2026, 9, 16))
    client = persona_client("coordinator")
    started_url = reverse("participants:participant-detail", args=[started.public_id])
    elsewhere_url = reverse("participants:participant-detail", args=[elsewhere.public_id])

    for params, shown, hidden in [
        ({}, [started_url, elsewhere_url], []),
        ({"municipality": municipality_a2.pk}, [elsewhere_url], [started_url]),
        ({"cohort": cohort.pk}, [started_url], [elsewhere_url]),
        ({"coordinator": coordinator.pk}, [started_url], [elsewhere_url]),
    ]:
        html = client.get(due_url(project_a), params).text
        for url in shown:
            assert url in html, params
        for url in hidden:
            assert url not in html, params


@pytest.mark.parametrize("params", [{"cohort": "x"}, {"coordinator": "999999"}])
def test_a_bad_filter_is_a_400_not_a_500(persona_client, project_a, params):
    response = persona_client("coordinator").get(due_url(project_a), params)

    assert response.status_code == 400


def test_the_page_runs_a_constant_number_of_queries(
    persona_client, accept, project_a, cohort, coordinator, on
):
    cohort.places_per_agency = 16
    cohort.save()
    on(date(2026, 9, 16))

    def start(serial):
        enrolment_start(
            actor=coordinator,
            enrolment=accept(serial),
            coordinator=coordinator,
            enrolled_on=date(2026, 9, 1),
            income_source_before="none",
            occupation_before="other",
            education_level="unknown",
        )

    def count():
        client = persona_client("coordinator")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(due_url(project_a))
        assert response.status_code == 200
        return len(queries)

    start("980")
    few = count()
    for serial in range(981, 989):
        start(str(serial))
    many = count()

    assert many == few

"""Attendance figures: the rate per participation and the early-warning flag after two
unexcused absences in a row (participants.attendance), and their partial template."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from participants.attendance import (
    AttendanceSummary,
    absence_flags,
    attendance_rates,
    attendance_summaries,
    attendance_summary,
)
from participants.models import Attendance, Enrolment, GroupSession

pytestmark = pytest.mark.django_db

FLAG = "Two unexcused absences in a row"


@pytest.fixture
def people(accept):
    """Three accepted participations (attendance is counted whatever the status)."""
    return [accept("981"), accept("982"), accept("983")]


@pytest.fixture
def attend(cohort, coordinator):
    """attend(enrolment, day, status, at=None, in_cohort=None): one session and its row.
    Sessions are shared per (cohort, date, time), as in a real start."""

    def make(enrolment: Enrolment, day: date, status: str, at=None, in_cohort=None):
        session, _created = GroupSession.objects.get_or_create(
            cohort=in_cohort or cohort,
            date=day,
            start_time=at,
            defaults={"duration_minutes": 180, "theme": "stress", "recorded_by": coordinator},
        )
        return Attendance.objects.create(session=session, enrolment=enrolment, status=status)

    return make


def history(attend, enrolment, statuses, start=1):
    """One session a day from 1 September, oldest first."""
    for n, status in enumerate(statuses, start=start):
        attend(enrolment, date(2026, 9, n), status)


# --- The flag ----------------------------------------------------------------------------------


def test_it_flags_two_unexcused_absences_in_a_row(people, attend):
    anna = people[0]
    history(attend, anna, ["present", "absent", "absent"])
    assert absence_flags([anna.pk]) == {anna.pk: date(2026, 9, 3)}


@pytest.mark.parametrize(
    "statuses",
    [
        ["absent"],  # only one absence
        ["absent", "absent", "present"],  # present afterwards clears the flag
        ["absent", "excused", "absent"],  # an excused absence in between breaks the row
        ["absent", "absent", "excused"],  # the latest was excused
        ["excused", "excused"],  # excused absences do not count
        ["absent", "absent", "present", "absent"],  # an old row does not count
        [],
    ],
)
def test_it_does_not_flag(people, attend, statuses):
    anna = people[0]
    history(attend, anna, statuses)
    assert absence_flags([anna.pk]) == {}
    assert attendance_summary(anna).flagged is False


def test_it_counts_absences_in_two_starts_as_one_participation(
    people, attend, project_a, municipality_a2
):
    """A participant moved to another start: the row continues across the starts."""
    other = Cohort.objects.create(
        project=project_a, municipality=municipality_a2, start_date=date(2026, 9, 1)
    )
    anna = people[0]
    attend(anna, date(2026, 9, 1), "present")
    attend(anna, date(2026, 9, 2), "absent")
    attend(anna, date(2026, 9, 3), "absent", in_cohort=other)
    assert absence_flags([anna.pk]) == {anna.pk: date(2026, 9, 3)}


def test_it_orders_sessions_of_one_day_by_time(people, attend):
    anna, bertil = people[:2]
    attend(anna, date(2026, 9, 1), "absent")
    attend(anna, date(2026, 9, 2), "absent", at=time(9, 0))
    attend(anna, date(2026, 9, 2), "present", at=time(13, 0))
    attend(bertil, date(2026, 9, 1), "present")
    attend(bertil, date(2026, 9, 2), "present", at=time(9, 0))
    attend(bertil, date(2026, 9, 2), "absent", at=time(13, 0))
    attend(bertil, date(2026, 9, 3), "absent")
    assert absence_flags([anna.pk, bertil.pk]) == {bertil.pk: date(2026, 9, 3)}


def test_it_flags_each_participation_on_its_own_in_one_query(
    people, attend, django_assert_num_queries
):
    anna, bertil, cecilia = people
    history(attend, anna, ["absent", "absent"])
    history(attend, bertil, ["absent", "present"])
    history(attend, cecilia, ["present", "absent", "absent", "absent"])
    with django_assert_num_queries(1):
        flags = absence_flags([anna.pk, bertil.pk, cecilia.pk])
    assert flags == {anna.pk: date(2026, 9, 2), cecilia.pk: date(2026, 9, 4)}
    # Only the participations asked about.
    assert absence_flags([bertil.pk, cecilia.pk]) == {cecilia.pk: date(2026, 9, 4)}


def test_it_asks_nothing_for_no_participations(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert absence_flags([]) == {}
        assert attendance_rates([]) == {}


# --- Rates -------------------------------------------------------------------------------------


def test_it_counts_the_attendance_rate(people, attend, django_assert_num_queries):
    anna, bertil, cecilia = people
    history(attend, anna, ["present"] * 9 + ["absent", "absent", "excused"])
    history(attend, bertil, ["present", "present", "absent"])
    with django_assert_num_queries(1):
        rates = attendance_rates([anna.pk, bertil.pk, cecilia.pk])
    assert rates[anna.pk] == AttendanceSummary(present=9, absent=2, excused=1)
    assert rates[anna.pk].total == 12
    assert rates[anna.pk].rate == Decimal("0.75")
    assert rates[anna.pk].percent == 75
    assert rates[bertil.pk].percent == 67  # 2 of 3, rounded half up
    assert cecilia.pk not in rates  # no session recorded


def test_it_summarises_one_participation_in_two_queries(people, attend, django_assert_num_queries):
    anna = people[0]
    history(attend, anna, ["present", "excused", "absent", "absent"])
    with django_assert_num_queries(2):
        summary = attendance_summary(anna)
    assert (summary.present, summary.absent, summary.excused, summary.total) == (1, 2, 1, 4)
    assert summary.rate == Decimal("0.25")
    assert summary.flagged is True
    assert summary.flagged_since == date(2026, 9, 4)


def test_it_has_no_rate_before_the_first_session(people):
    summary = attendance_summary(people[0])
    assert summary.total == 0
    assert summary.rate is None
    assert summary.percent is None
    assert summary.flagged is False


def test_it_summarises_a_list_with_a_row_for_everyone(people, attend):
    anna, bertil, cecilia = people
    history(attend, anna, ["absent", "absent"])
    history(attend, bertil, ["present"])
    summaries = attendance_summaries([anna.pk, bertil.pk, cecilia.pk])
    assert summaries[anna.pk].flagged_since == date(2026, 9, 2)
    assert summaries[bertil.pk].percent == 100
    assert summaries[cecilia.pk] == AttendanceSummary()


# --- The partial template ----------------------------------------------------------------------


def test_the_partial_shows_the_figures_and_the_flag_as_text():
    summary = AttendanceSummary(present=9, absent=2, excused=1, flagged_since=date(2026, 9, 29))
    html = " ".join(
        render_to_string("participants/_attendance_summary.html", {"attendance": summary}).split()
    )
    assert "75&nbsp;%" in html
    assert "(9" in html and "12" in html
    assert "alert-warning" in html
    assert escape(_(FLAG)) in html
    assert date_format(date(2026, 9, 29), "SHORT_DATE_FORMAT") in html


def test_the_partial_shows_no_flag_when_there_is_none():
    html = render_to_string(
        "participants/_attendance_summary.html", {"attendance": AttendanceSummary(present=3)}
    )
    assert "100&nbsp;%" in html
    assert "alert" not in html
    html = render_to_string(
        "participants/_attendance_summary.html", {"attendance": AttendanceSummary()}
    )
    assert escape(_("No group sessions recorded yet.")) in html

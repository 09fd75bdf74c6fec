"""Step ratings on the due list (`stepladder.due.ratings`): at enrolment, every N months from
the enrolment with month ends kept, and at exit; in a constant number of queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from participants import due
from participants.models import Enrolment
from participants.services import enrolment_exit, enrolment_start
from stepladder.due import ratings, regular_rating_due
from stepladder.models import Ladder, ProjectLadder, Rating, RatingKind, Step

pytestmark = pytest.mark.django_db

AT_ENROLMENT = _("Step rating at enrolment")
AT_EXIT = _("Step rating at exit")


def regular(months=3):
    return ngettext(
        "Step rating (every month)", "Step rating (every %(months)d months)", months
    ) % {"months": months}


def _items(today, enrolments=None):
    """{what: due_on} of the rule's items, whether shown on the list yet or not."""
    return {
        str(item.what): item.due_on
        for item in ratings(enrolments or Enrolment.objects.all(), today)
    }


@pytest.fixture
def start(accept, coordinator):
    """start(date, serial) → an active participation enrolled that day, for twelve months."""

    def make(enrolled_on, serial="980"):
        return enrolment_start(
            actor=coordinator,
            enrolment=accept(serial),
            coordinator=coordinator,
            enrolled_on=enrolled_on,
            income_source_before="none",
            occupation_before="other",
            education_level="unknown",
        )

    return make


def _record(enrolment, coordinator, kind, *days, step_number=2):
    """Ratings straight into the table: these tests are about dates, not the service's rules."""
    step = Step.objects.get(ladder__is_default=True, number=step_number)
    for day in days:
        Rating.objects.create(
            enrolment=enrolment, rated_on=day, kind=kind, step=step, rated_by=coordinator
        )


def test_it_is_on_the_due_list():
    assert ratings in due.DUE_RULES


@pytest.mark.parametrize(
    ("enrolled_on", "interval", "expected"),
    [
        # Month ends stay month ends: each date is counted from the enrolment.
        (
            date(2026, 1, 31),
            3,
            [date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31), date(2027, 1, 31)],
        ),
        (
            date(2026, 11, 30),
            3,
            [date(2027, 2, 28), date(2027, 5, 30), date(2027, 8, 30), date(2027, 11, 30)],
        ),
        (
            date(2026, 2, 28),
            2,
            [date(2026, 4, 28), date(2026, 6, 28), date(2026, 8, 28), date(2026, 10, 28)],
        ),
        (date(2028, 2, 29), 12, [date(2029, 2, 28), date(2030, 2, 28), date(2031, 2, 28)]),
    ],
)
def test_it_counts_each_regular_rating_from_the_enrolment(enrolled_on, interval, expected):
    assert [regular_rating_due(enrolled_on, interval, n) for n in range(len(expected))] == expected


@pytest.mark.parametrize(
    ("enrolled_on", "recorded", "expected"),
    [
        (date(2026, 1, 31), 0, date(2026, 4, 30)),
        (date(2026, 1, 31), 1, date(2026, 7, 31)),
        (date(2026, 1, 31), 2, date(2026, 10, 31)),
        # The fourth would fall on the planned exit (2027-01-31): the exit rating takes over.
        (date(2026, 1, 31), 3, None),
        (date(2026, 11, 30), 0, date(2027, 2, 28)),
        (date(2026, 11, 30), 1, date(2027, 5, 30)),
        (date(2026, 11, 30), 2, date(2027, 8, 30)),
        (date(2026, 11, 30), 3, None),
    ],
)
def test_the_next_regular_rating_follows_the_number_recorded(
    start, coordinator, enrolled_on, recorded, expected
):
    enrolment = start(enrolled_on)
    _record(
        enrolment,
        coordinator,
        RatingKind.QUARTERLY,
        *[regular_rating_due(enrolled_on, 3, n) for n in range(recorded)],
    )
    # Extra ratings do not count as regular ones.
    _record(enrolment, coordinator, RatingKind.EXTRA, enrolled_on)

    assert _items(date(2026, 12, 1)).get(regular()) == expected


def test_it_takes_the_interval_from_the_project(start, coordinator, project_a):
    ProjectLadder.objects.create(
        project=project_a, ladder=Ladder.objects.get(is_default=True), interval_months=2
    )
    enrolment = start(date(2026, 2, 28))
    _record(enrolment, coordinator, RatingKind.QUARTERLY, date(2026, 4, 28))

    items = _items(date(2026, 6, 1))
    assert items[regular(2)] == date(2026, 6, 28)
    assert regular(3) not in items
    # Twelve months: the sixth would fall on the planned exit, 2027-02-28.
    _record(enrolment, coordinator, RatingKind.QUARTERLY, *[date(2026, m, 28) for m in (6, 8, 10)])
    assert _items(date(2026, 11, 1))[regular(2)] == date(2026, 12, 28)
    _record(enrolment, coordinator, RatingKind.QUARTERLY, date(2026, 12, 28))
    assert regular(2) not in _items(date(2027, 1, 1))


def test_the_enrolment_rating_is_due_on_the_enrolment_date_until_made(start, coordinator):
    enrolment = start(date(2026, 9, 1))
    assert _items(date(2026, 9, 1))[AT_ENROLMENT] == date(2026, 9, 1)

    # A regular rating is not the enrolment rating.
    _record(enrolment, coordinator, RatingKind.QUARTERLY, date(2026, 9, 2))
    assert _items(date(2026, 9, 5))[AT_ENROLMENT] == date(2026, 9, 1)

    _record(enrolment, coordinator, RatingKind.ENROLMENT, date(2026, 9, 3))
    assert AT_ENROLMENT not in _items(date(2026, 9, 5))


def test_it_shows_overdue_and_upcoming_ratings_on_the_list(start):
    start(date(2026, 9, 1))

    listed = due.due_list(Enrolment.objects.all(), date(2026, 11, 24))
    overdue = {str(item.what): item.due_on for item in listed.overdue}
    upcoming = {str(item.what): item.due_on for item in listed.upcoming}
    assert overdue[AT_ENROLMENT] == date(2026, 9, 1)
    assert upcoming[regular()] == date(2026, 12, 1)
    # Eight days ahead: not on the list yet.
    listed = due.due_list(Enrolment.objects.all(), date(2026, 11, 23))
    assert regular() not in {str(item.what) for item in listed.upcoming}


def test_each_item_links_to_a_new_rating_of_its_kind(start):
    enrolment = start(date(2026, 9, 1))
    url = reverse("stepladder:rating-create", args=[enrolment.public_id])

    links = {str(item.what): item.action_url for item in ratings(Enrolment.objects.all(), date.max)}
    assert links == {
        AT_ENROLMENT: f"{url}?kind=enrolment",
        regular(): f"{url}?kind=quarterly",
    }


def _exit(enrolment, coordinator, exited_on):
    return enrolment_exit(
        actor=coordinator,
        enrolment=enrolment,
        exited_on=exited_on,
        exit_reason="completed_period",
        destination="studies",
        receiving_party="Komvux",
        exit_plan="Studier",
        income_source_after="study_support",
        occupation_after="studies",
    )


def test_the_exit_rating_is_due_on_the_exit_date_for_30_days(start, coordinator, today):
    today(date(2027, 6, 1))
    enrolment = _exit(start(date(2026, 9, 1)), coordinator, date(2027, 5, 20))

    # Nothing else is due for an exited participation: not enrolment, not regular ratings.
    assert _items(date(2027, 5, 20)) == {AT_EXIT: date(2027, 5, 20)}
    assert _items(date(2027, 6, 19)) == {AT_EXIT: date(2027, 5, 20)}
    # After 30 days it can no longer be recorded, so it leaves the list.
    assert _items(date(2027, 6, 20)) == {}

    _record(enrolment, coordinator, RatingKind.EXIT, date(2027, 5, 25))
    assert _items(date(2027, 5, 26)) == {}


def test_an_exit_rating_made_before_the_exit_ends_the_regular_ones(start, coordinator):
    enrolment = start(date(2026, 9, 1))
    _record(enrolment, coordinator, RatingKind.ENROLMENT, date(2026, 9, 1))
    _record(enrolment, coordinator, RatingKind.EXIT, date(2026, 11, 20))

    assert _items(date(2026, 11, 21)) == {}


def test_nothing_is_due_before_the_start(accepted):
    assert _items(date(2026, 9, 1)) == {}


def _queries(today):
    with CaptureQueriesContext(connection) as queries:
        items = list(ratings(Enrolment.objects.all(), today))
    return len(queries), items


def test_it_runs_the_same_queries_for_2_and_10_participations(start, coordinator, project_a):
    ProjectLadder.objects.create(
        project=project_a, ladder=Ladder.objects.get(is_default=True), interval_months=2
    )
    for i in range(2):
        _record(
            start(date(2026, 9, 1), serial=str(980 + i)),
            coordinator,
            RatingKind.ENROLMENT,
            date(2026, 9, 1),
        )
    two, items = _queries(date(2026, 12, 1))
    assert len(items) == 2

    for i in range(2, 10):
        start(date(2026, 9, 1), serial=str(980 + i))
    ten, items = _queries(date(2026, 12, 1))
    assert len(items) == 2 + 8 * 2
    assert two == ten == 2

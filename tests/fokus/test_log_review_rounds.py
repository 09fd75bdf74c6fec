"""Review rounds: a period marked as reviewed, refused when it overlaps, and the months left."""

# ruff: noqa: F811  (the fixtures imported from tests.fokus.logreview_world)
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext

from fokus.logreview.services import LogReviewError, log_review_mark
from fokus.models import AccessAction, AccessLogEntry, LogReview
from tests.fokus.logreview_world import (  # noqa: F401  (fixtures)
    add,
    at,
    log_reviewer,
    reviewer_client,
    row,
)

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-11-15")]

URL = "/manage/log-review/"
MARK = "/manage/log-review/mark/"


def mark(actor, start="2026-10-01", end="2026-10-31", comment="Gick igenom flaggorna."):
    return log_review_mark(
        actor=actor,
        period_start=date.fromisoformat(start),
        period_end=date.fromisoformat(end),
        comment=comment,
    )


def test_it_marks_a_month_as_reviewed_with_the_flags_seen_and_logs_it(log_reviewer, coordinator):
    add(*[row(coordinator, AccessAction.REFUSED, at("2026-10-07")) for _ in range(5)])
    add(row(coordinator, AccessAction.EXPORT, at("2026-10-08")))

    review = mark(log_reviewer)

    assert (review.federation_id, review.reviewed_by, review.flags_seen) == (
        log_reviewer.federation_id,
        log_reviewer,
        2,
    )
    logged = AccessLogEntry.objects.get(actor=log_reviewer, action=AccessAction.CREATE)
    assert logged.object_type == "fokus.logreview"
    assert "2026-10-01–2026-10-31" in logged.detail


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2026-10-01", "2026-10-31"),  # the same month again
        ("2026-10-15", "2026-11-05"),  # overlaps its end
        ("2026-09-01", "2026-10-01"),  # overlaps its first day
    ],
)
def test_it_refuses_a_period_that_overlaps_a_review(log_reviewer, federation_admin, start, end):
    mark(log_reviewer)

    with pytest.raises(LogReviewError) as refused:
        mark(federation_admin, start, end)

    assert "2026-10-01–2026-10-31" in refused.value.messages[0]
    assert "Lena Loggranskare" in refused.value.messages[0]
    assert LogReview.objects.count() == 1


def test_it_lets_another_federation_review_the_same_month(log_reviewer, outsider_admin):
    mark(log_reviewer)
    mark(outsider_admin)

    assert LogReview.objects.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "comment", "message"),
    [
        ("2026-10-31", "2026-10-01", "Ok", "The period ends before it starts."),
        (
            "2026-11-01",
            "2026-11-15",
            "Ok",
            "Only a period that has ended can be marked as reviewed.",
        ),
        ("2026-10-01", "2026-10-31", "  ", "Write what you checked and what you found."),
    ],
)
def test_it_refuses_a_period_it_cannot_review(log_reviewer, start, end, comment, message):
    with pytest.raises(LogReviewError) as refused:
        mark(log_reviewer, start, end, comment)

    assert refused.value.messages == [gettext(message)]
    assert not LogReview.objects.exists()


def test_it_refuses_the_review_to_other_roles(federation_staff):
    with pytest.raises(PermissionDenied):
        mark(federation_staff)


def test_it_shows_which_of_the_last_twelve_months_are_unreviewed(reviewer_client, log_reviewer):
    mark(log_reviewer)
    mark(log_reviewer, "2026-09-01", "2026-09-15")

    response = reviewer_client.get(URL)

    months = [(m.start, m.is_reviewed, bool(m.reviews)) for m, _url in response.context["months"]]
    assert len(months) == 12
    assert months[0] == (date(2026, 10, 1), True, True)
    assert months[1] == (date(2026, 9, 1), False, True)  # half of it
    assert months[2] == (date(2026, 8, 1), False, False)
    assert months[-1][0] == date(2025, 11, 1)
    assert "Lena Loggranskare" in response.text


def test_it_shows_the_refusal_on_the_page_and_keeps_the_comment(reviewer_client, log_reviewer):
    mark(log_reviewer)

    response = reviewer_client.post(
        MARK, {"period_start": "2026-10-10", "period_end": "2026-10-20", "comment": "Min text"}
    )

    assert response.status_code == 200
    assert response.context["mark_form"].non_field_errors()
    assert "Min text" in response.text
    assert LogReview.objects.count() == 1


def test_it_answers_a_bad_date_with_the_form(reviewer_client):
    response = reviewer_client.post(MARK, {"period_start": "igår", "comment": "x"})

    assert response.status_code == 200
    assert response.context["mark_form"].errors["period_start"]
    assert not LogReview.objects.exists()


def test_it_refuses_get_on_the_mark_url(reviewer_client):
    assert reviewer_client.get(MARK).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_it_marks_a_review_through_the_page_in_autocommit(reviewer_client, log_reviewer):
    response = reviewer_client.post(
        MARK,
        {"period_start": "2026-10-01", "period_end": "2026-10-31", "comment": "Inga avvikelser."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("manage:log-review") + (
        "?date_from=2026-10-01&date_to=2026-10-31"
    )
    review = LogReview.objects.get()
    assert (review.reviewed_by, review.comment) == (log_reviewer, "Inga avvikelser.")
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CREATE, object_type="fokus.logreview"
    ).exists()

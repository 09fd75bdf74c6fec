"""Review rounds: marking a period of the access log as reviewed, and the months waiting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fokus import policy
from fokus.audit import log_access
from fokus.logreview import flags
from fokus.logreview.filters import LogFilters
from fokus.models import AccessAction, AccessLogEntry, Federation, LogReview, User

MONTHS_SHOWN = 12


class LogReviewError(ValidationError):
    pass


@transaction.atomic
def log_review_mark(
    *, actor: User, period_start: date, period_end: date, comment: str
) -> LogReview:
    """Mark the period as reviewed by `actor`, with the number of flags it shows now. A period
    that overlaps an earlier round of the federation is refused."""
    policy.require_log_review(actor)
    if period_end < period_start:
        raise LogReviewError(_("The period ends before it starts."))
    if period_end >= timezone.localdate():
        raise LogReviewError(_("Only a period that has ended can be marked as reviewed."))
    if not comment.strip():
        raise LogReviewError(_("Write what you checked and what you found."))
    # One round at a time per federation: the overlap check below must see every other one.
    Federation.objects.select_for_update().get(pk=actor.federation_id)
    overlapping = LogReview.objects.filter(
        federation_id=actor.federation_id,
        period_start__lte=period_end,
        period_end__gte=period_start,
    ).first()
    if overlapping is not None:
        raise LogReviewError(
            _(
                "The period overlaps a review already made (%(period)s, by %(user)s): "
                "choose days that have not been reviewed."
            )
            % {"period": overlapping, "user": overlapping.reviewed_by}
        )
    seen = flags.compute(
        AccessLogEntry.objects.for_user(actor), LogFilters(period_start, period_end)
    )
    review = LogReview.objects.create(
        federation_id=actor.federation_id,
        period_start=period_start,
        period_end=period_end,
        reviewed_by=actor,
        comment=comment.strip(),
        flags_seen=len(seen),
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=review,
        detail=f"access log reviewed {review}, {len(seen)} flags",
    )
    return review


@dataclass(frozen=True)
class Month:
    start: date
    end: date
    reviews: list[LogReview]

    @property
    def label(self) -> str:
        return date_format(self.start, "F Y")

    @property
    def is_reviewed(self) -> bool:
        """Every day of the month lies in a review round."""
        covered = self.start
        for review in sorted(self.reviews, key=lambda r: r.period_start):
            if review.period_start > covered:
                return False
            covered = max(covered, review.period_end + timedelta(days=1))
        return covered > self.end


def recent_months(reviews, *, today: date) -> list[Month]:
    """The `MONTHS_SHOWN` months before the current one, newest first, each with the rounds
    that cover part of it. `reviews` is the federation's rounds (one query)."""
    reviews = list(reviews)
    months = []
    end = today.replace(day=1) - timedelta(days=1)
    for _i in range(MONTHS_SHOWN):
        start = end.replace(day=1)
        touching = [r for r in reviews if r.period_start <= end and r.period_end >= start]
        months.append(Month(start, end, touching))
        end = start - timedelta(days=1)
    return months

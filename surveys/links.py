"""What every survey link shares: how long it is valid, its address, and whether it was
answered.

Personal tokens are never stored: an invitation keeps only `hash_token(token)`, and the plain
token exists in the e-mail (or on the one printed list) alone. That is why a reminder, or a new
printed list, has to issue a *new* token — there is nothing to re-send — and the old link stops
working when its hash is replaced. Partner surveys are sent by `surveys.partners`, participant
surveys' links made by `surveys.distribution`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from fokus import request_context
from surveys.models import Invitation, Response

# A personal link is valid this long unless the coordinator chooses another date.
DEFAULT_VALID_DAYS = 21


def default_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_VALID_DAYS)


def personal_url(token: str) -> str:
    return request_context.current().absolute_url(reverse("surveys:answer-personal", args=[token]))


def anonymous_url(token: str) -> str:
    """An anonymous link's address, from its plain token (stored only as a hash, like the
    personal ones: the token is at hand only where the link was just made)."""
    return request_context.current().absolute_url(reverse("surveys:answer-anonymous", args=[token]))


def answered_q() -> Q:
    """An invitation is answered once it has a response (answered_at is set with it)."""
    return Q(answered_at__isnull=False) | Q(
        Exists(Response.objects.filter(invitation=OuterRef("pk")))
    )


def with_answered(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """The invitations with `has_answered`."""
    return invitations.annotate(
        has_answered=ExpressionWrapper(answered_q(), output_field=BooleanField())
    )

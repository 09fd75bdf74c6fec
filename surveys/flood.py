"""Limits on a cohort's anonymous link, which anyone holding the link (or a photo of its QR code)
can answer as often as they like.

- Per client and link: at most `ANSWERS_PER_CLIENT_PER_HOUR` answers an hour. A client is its
  address (from `fokus.request_context`), kept only as an HMAC of the address and the link with
  the site's secret key, so the stored value neither gives the address back nor follows a
  client from one link to another.
- Per link: at most `ANSWERS_PER_LINK_PER_MINUTE` a minute, whoever sends them.
- Per link: in all at most `ANSWERS_PER_PERSON` times the people the survey is for (see
  `answer_cap`).

The counts are rows in PostgreSQL, read and written while the caller holds the link's row
lock, so several gunicorn workers, or two posts at the same moment, cannot pass a limit
together. A participant group answering on the venue's wifi shares one address: the limit per
client is set for a group session, not for one person.
"""

from __future__ import annotations

import math
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from fokus import request_context
from participants.models import Enrolment
from surveys.models import AnonymousLink, AnonymousSubmission, Channel, Response

# Room for a whole start answering together on the venue's wifi (one shared address); a
# flood from one client is stopped here, and by the cap per link below long before 833 %.
ANSWERS_PER_CLIENT_PER_HOUR = 20
ANSWERS_PER_LINK_PER_MINUTE = 30
# A link takes at most this many answers per person the survey is for (a few people answer
# twice, a paper answer may be typed in as well), and never more than the absolute cap, even
# for a start with very many places.
ANSWERS_PER_PERSON = Decimal("1.5")
ANSWERS_PER_LINK_MAX = 300

CLIENT_WINDOW = timedelta(hours=1)
LINK_WINDOW = timedelta(minutes=1)
_HMAC_SALT = "fokus.surveys.flood.client"


class TooManyAnswers(Exception):
    """Over a rate limit: try again in `retry_after` seconds. Nothing was stored."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def client_hash(link: AnonymousLink) -> str:
    address = request_context.current().ip_address or "unknown"
    return salted_hmac(_HMAC_SALT, f"{link.pk}:{address}", algorithm="sha256").hexdigest()


def people_for(link: AnonymousLink) -> int:
    """The people the link is for: its start's participants (accepted, active or exited), or,
    before anyone is registered, the start's places."""
    participants = Enrolment.objects.filter(
        cohort_id=link.cohort_id,
        status__in=[
            Enrolment.Status.ACCEPTED,
            Enrolment.Status.ACTIVE,
            Enrolment.Status.EXITED,
        ],
    ).count()
    return participants or link.cohort.places


def answer_cap(link: AnonymousLink) -> int:
    return min(math.ceil(people_for(link) * ANSWERS_PER_PERSON), ANSWERS_PER_LINK_MAX)


def answers_so_far(link: AnonymousLink) -> int:
    """The start's anonymous answers to the survey, also through an earlier link of the start."""
    return Response.objects.filter(
        survey_id=link.survey_id, cohort_id=link.cohort_id, channel=Channel.ANONYMOUS
    ).count()


def is_full(link: AnonymousLink) -> bool:
    return answers_so_far(link) >= answer_cap(link)


@transaction.atomic
def submission_record(*, link: AnonymousLink) -> None:
    """Count one answer through the link, or raise TooManyAnswers. The caller holds the link's
    row lock (`select_for_update`) in the transaction that stores the answer."""
    now = timezone.now()
    submissions = AnonymousSubmission.objects.filter(link_id=link.pk)
    # Data minimisation: nothing older than the longest window is needed.
    submissions.filter(submitted_at__lte=now - CLIENT_WINDOW).delete()
    client = client_hash(link)
    by_client = submissions.filter(client_hash=client, submitted_at__gt=now - CLIENT_WINDOW)
    if by_client.count() >= ANSWERS_PER_CLIENT_PER_HOUR:
        oldest = by_client.order_by("submitted_at").values_list("submitted_at", flat=True)[0]
        raise TooManyAnswers(_seconds_until(oldest + CLIENT_WINDOW, now))
    recent = submissions.filter(submitted_at__gt=now - LINK_WINDOW)
    if recent.count() >= ANSWERS_PER_LINK_PER_MINUTE:
        oldest = recent.order_by("submitted_at").values_list("submitted_at", flat=True)[0]
        raise TooManyAnswers(_seconds_until(oldest + LINK_WINDOW, now))
    AnonymousSubmission.objects.create(link=link, client_hash=client, submitted_at=now)


def _seconds_until(moment, now) -> int:
    return max(1, math.ceil((moment - now).total_seconds()))

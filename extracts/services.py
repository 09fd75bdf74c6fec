"""The one write of a register extract: the access-log row saying who produced it."""

from __future__ import annotations

from django.db import transaction

from extracts.collect import Extract
from fokus.audit import log_access
from fokus.models import AccessAction, AccessLogEntry, User

# What the log calls an extract; the access log page and audits search for it.
LOG_DETAIL = "register extract"


@transaction.atomic
def extract_log(*, actor: User, extract: Extract, fmt: str) -> AccessLogEntry:
    """An EXPORT row naming the referrals the extract covered, never the personnummer. It is
    not tied to those rows as its object, so it is not itself part of the next extract: the
    same data gives the same extract."""
    if extract.is_empty:
        detail = f"{LOG_DETAIL} ({fmt}): nothing found"
    else:
        detail = f"{LOG_DETAIL} ({fmt}): referrals {', '.join(extract.referral_ids)}"
    return log_access(
        actor=actor,
        action=AccessAction.EXPORT,
        federation_id=extract.federation.pk,
        detail=detail,
    )

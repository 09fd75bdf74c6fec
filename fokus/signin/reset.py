"""Password-reset requests: rate-limited per address and per client, answered the same way
whether or not the address has an account. Each request is one access-log row, which is also
what the limits count (so they hold across server processes)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from fokus import request_context
from fokus.audit import log_access
from fokus.models import AccessAction, AccessLogEntry, User

WINDOW = timedelta(hours=1)


def normalised_address(raw: str) -> str:
    return (raw or "").strip().lower()


def _recent():
    return AccessLogEntry.objects.filter(
        action=AccessAction.PASSWORD_RESET, at__gte=timezone.now() - WINDOW
    )


def client_is_flooding() -> bool:
    """Whether this client asked for more resets within the hour than anyone plausibly does."""
    ip = request_context.current().ip_address
    if ip is None:
        return False
    return _recent().filter(ip_address=ip).count() >= settings.FOKUS_PASSWORD_RESETS_PER_CLIENT


@transaction.atomic
def password_reset_requested(*, address: str) -> bool:
    """Log the request; whether a mail may go to `address` (False past its hourly limit: the
    person already has links in their inbox). The answer on the page is the same either way."""
    address = normalised_address(address)
    earlier = _recent().filter(actor_label=address).count()
    # The account's federation, when there is one, so its admins see the request in their log.
    federation_id = (
        User.objects.filter(email__iexact=address).values_list("federation_id", flat=True).first()
    )
    log_access(
        actor=None,
        actor_label=address,
        action=AccessAction.PASSWORD_RESET,
        federation_id=federation_id,
    )
    return earlier < settings.FOKUS_PASSWORD_RESETS_PER_ADDRESS

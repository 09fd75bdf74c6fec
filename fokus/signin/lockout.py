"""Who is guessing: the account and the client address that django-axes counts failures by.

Failures are counted per account (guesses from many addresses still lock it) and per account
from one address; never per address alone, because a whole office behind one NAT address would
be locked out by one person's typos. An address that fails against many accounts (password
spraying) is caught separately by `address_is_spraying`, with a much higher limit.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone

from fokus.request_context import client_ip


def username_of(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """The account a login attempt is for, as the login form posts it (`username`), in the
    form the database matches it: "Kim@A.example" and "kim@a.example " are one account."""
    if credentials and credentials.get("username"):
        raw = credentials["username"]
    else:
        raw = getattr(request, "POST", {}).get("username")
    return raw.strip().lower() if isinstance(raw, str) and raw.strip() else None


def address_is_spraying(request: HttpRequest) -> bool:
    """Whether this address has failed more logins, over all accounts, within the cool-off
    period than any office plausibly does."""
    ip = client_ip(request)
    if ip is None:
        return False
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.FOKUS_LOGIN_ADDRESS_FAILURE_LIMIT

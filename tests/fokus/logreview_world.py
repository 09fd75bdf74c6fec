"""Rows and personas shared by the access-log review tests."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from fokus.models import AccessLogEntry
from fokus.roles import Role
from tests import world
from tests.clock import STOCKHOLM


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=STOCKHOLM)


def row(actor, action, when: datetime, obj=None, **fields) -> AccessLogEntry:
    """A log row at a given moment (`log_access` writes them at now)."""
    values = {
        "actor": actor,
        "actor_label": actor.email,
        "federation_id": actor.federation_id,
        "action": action,
        "at": when,
    }
    if obj is not None:
        values.update(
            object_type=obj._meta.label_lower,
            object_id=str(getattr(obj, "public_id", None) or obj.pk),
            object_label=str(obj),
        )
    values.update(fields)
    return AccessLogEntry(**values)


def add(*rows: AccessLogEntry) -> list[AccessLogEntry]:
    return AccessLogEntry.objects.bulk_create(rows)


@pytest.fixture
def log_reviewer(fed_a):
    return world.make_user(
        fed_a, "loggranskare@a.example", "Lena Loggranskare", (Role.LOG_REVIEWER, {})
    )


@pytest.fixture
def reviewer_client(client, log_reviewer):
    client.force_login(log_reviewer)
    return client

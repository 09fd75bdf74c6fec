"""Which access-log rows are about a participant, and what the log needs to know of them.

fokus cannot import the apps that hold participants, so they register here, from their
`AppConfig.ready`: an object type (`referrals.referral`, the `object_type` that `log_access`
writes) and a function returning their rows annotated with

- `subject_project_id`: the project the participant belongs to,
- `subject_protected`: whether the person has protected identity (skyddade personuppgifter).

The log's `object_id` is the row's `public_id` (`fokus.audit.log_access`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Case, OuterRef, QuerySet, Subquery, UUIDField, Value, When
from django.db.models.functions import Cast

SUBJECTS: dict[str, Callable[[], QuerySet]] = {}
# `object_id` is cast to a UUID only on rows that hold one (CASE evaluates its branch only when
# the condition holds), so the lookup uses the unique index on `public_id`.
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


def register(object_type: str, rows: Callable[[], QuerySet]) -> None:
    SUBJECTS[object_type] = rows


def object_types() -> list[str]:
    return sorted(SUBJECTS)


def _matching(rows: QuerySet) -> QuerySet:
    """The subject row a log row (the outer query) is about."""
    return rows.filter(public_id=Cast(OuterRef("object_id"), UUIDField()))


def annotation(field: str, default=None) -> Case:
    """An expression for log rows: `field` ("subject_project_id" or "subject_protected") of
    the participant the row is about, `default` for rows about something else."""
    whens = [
        When(
            object_type=object_type,
            object_id__regex=UUID_PATTERN,
            then=Subquery(_matching(rows()).values(field)[:1]),
        )
        for object_type, rows in sorted(SUBJECTS.items())
    ]
    if not whens:
        return Value(default)
    return Case(*whens, default=Value(default))

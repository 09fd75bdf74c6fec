"""Rows of the access log worth a reviewer's look, for one period.

Each flag is computed with one aggregate query (grouped by user and day, user and participant,
or user and action) and links to the review page filtered to the rows behind it. The
thresholds:

- **Many participants opened in a day** (`SPIKE_*`): a user's views of referrals and
  participations on one day are at least `SPIKE_MINIMUM` (10) and more than `SPIKE_FACTOR`
  (3) times their median per day over the `BASELINE_DAYS` (90) days before it, days without
  a view counted as 0. The median is taken in Python over the per-day counts the database
  returns, at most one number per user and day.
- **A participant of a project the user no longer has a role in**: the view came after one
  of the user's memberships in the participant's project was removed (the log's own DELETE
  row of that membership, its project from the membership's history), and the user held no
  other role in that project at the time.
- **Protected identity**: any view, print or export of a person with protected identity.
- **Many refusals** (`REFUSALS_PER_DAY`): at least 5 refused pages (403/404) on one day.
- **Exports and prints**: every export and print of the period, counted per user and kind.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.apps import apps
from django.db.models import CharField, Count, Exists, Max, OuterRef, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus.logreview import subjects
from fokus.logreview.filters import LogFilters, period_bounds
from fokus.models import AccessAction, AccessLogEntry, Membership

SPIKE_FACTOR = 3
SPIKE_MINIMUM = 10
BASELINE_DAYS = 90
REFUSALS_PER_DAY = 5

SPIKE = "spike"
REMOVED_ROLE = "removed_role"
PROTECTED = "protected"
REFUSALS = "refusals"
EXPORTS = "exports"

TITLES = {
    SPIKE: _("Many participants opened in one day"),
    REMOVED_ROLE: _("Opened a participant of a project after the role there was removed"),
    PROTECTED: _("Looked at a person with protected identity"),
    REFUSALS: _("Many refused attempts in one day"),
    EXPORTS: _("Exports and prints"),
}


@dataclass(frozen=True)
class Flag:
    kind: str
    user: str
    count: int
    query: dict = field(default_factory=dict)  # the review page's filters for its rows
    day: date | None = None
    subject: str = ""  # the participant's label, or the kind of export
    baseline: float | None = None

    @property
    def title(self):
        return TITLES[self.kind]


def _day():
    return TruncDate("at", tzinfo=timezone.get_current_timezone())


def _user_key(row) -> str:
    """What the page filters by: the user's public id, or the label of a row without one."""
    return str(row["actor__public_id"] or row["user_label"])


def _in(entries: QuerySet, start: date, end: date) -> QuerySet:
    first, last = period_bounds(start, end)
    return entries.filter(at__gte=first, at__lte=last)


def _participant_rows(entries: QuerySet, *actions: str) -> QuerySet:
    return entries.filter(action__in=actions, object_type__in=subjects.object_types())


def spikes(entries: QuerySet, filters: LogFilters) -> list[Flag]:
    start, end = filters.period_start, filters.period_end
    daily = (
        _in(_participant_rows(entries, AccessAction.VIEW), start - timedelta(BASELINE_DAYS), end)
        .annotate(day=_day())
        .values("actor_id", "actor__public_id", "day")
        .annotate(n=Count("pk"), user_label=Max("actor_label"))
        .order_by()
    )
    per_user = defaultdict(dict)
    for row in daily:
        per_user[row["actor_id"]][row["day"]] = row
    flags = []
    for days in per_user.values():
        for day, row in sorted(days.items()):
            if day < start or row["n"] < SPIKE_MINIMUM:
                continue
            before = [day - timedelta(i) for i in range(1, BASELINE_DAYS + 1)]
            median = statistics.median(days[d]["n"] if d in days else 0 for d in before)
            if row["n"] > SPIKE_FACTOR * median:
                flags.append(
                    Flag(
                        SPIKE,
                        row["user_label"],
                        row["n"],
                        filters.query(
                            user=_user_key(row),
                            action=AccessAction.VIEW,
                            date_from=day,
                            date_to=day,
                            participant="",
                        ),
                        day=day,
                        baseline=median,
                    )
                )
    return flags


def removed_roles(entries: QuerySet, filters: LogFilters) -> list[Flag]:
    membership_events = apps.get_model("fokus", "MembershipEvent")
    removal = AccessLogEntry.objects.filter(
        action=AccessAction.DELETE,
        object_type="fokus.membership",
        object_id=Cast(OuterRef("id"), CharField()),
        at__lt=OuterRef(OuterRef("at")),
    )
    removed = membership_events.objects.filter(
        user_id=OuterRef("actor_id"), project_id=OuterRef("subject_project_id")
    ).filter(Exists(removal))
    holds = Membership.objects.filter(
        user_id=OuterRef("actor_id"),
        project_id=OuterRef("subject_project_id"),
        created_at__lt=OuterRef("at"),
    )
    rows = (
        _in(_participant_rows(entries, AccessAction.VIEW), filters.period_start, filters.period_end)
        .annotate(subject_project_id=subjects.annotation("subject_project_id"))
        .filter(Exists(removed))
        .exclude(Exists(holds))
        .annotate(day=_day())
        .values("actor_id", "actor__public_id", "object_id", "day")
        .annotate(n=Count("pk"), user_label=Max("actor_label"), label=Max("object_label"))
        .order_by("day")
    )
    return [
        Flag(
            REMOVED_ROLE,
            row["user_label"],
            row["n"],
            filters.query(
                user=_user_key(row),
                participant=row["object_id"],
                action=AccessAction.VIEW,
                date_from=row["day"],
                date_to=row["day"],
            ),
            day=row["day"],
            subject=row["label"],
        )
        for row in rows
    ]


def protected(entries: QuerySet, filters: LogFilters) -> list[Flag]:
    rows = (
        _in(
            _participant_rows(entries, AccessAction.VIEW, AccessAction.PRINT, AccessAction.EXPORT),
            filters.period_start,
            filters.period_end,
        )
        .annotate(protected=subjects.annotation("subject_protected", False))
        .filter(protected=True)
        .values("actor_id", "actor__public_id", "object_id")
        .annotate(n=Count("pk"), user_label=Max("actor_label"), label=Max("object_label"))
        .order_by("user_label")
    )
    return [
        Flag(
            PROTECTED,
            row["user_label"],
            row["n"],
            filters.query(user=_user_key(row), participant=row["object_id"], action=""),
            subject=row["label"],
        )
        for row in rows
    ]


def refusals(entries: QuerySet, filters: LogFilters) -> list[Flag]:
    rows = (
        _in(entries.filter(action=AccessAction.REFUSED), filters.period_start, filters.period_end)
        .annotate(day=_day())
        .values("actor_id", "actor__public_id", "day")
        .annotate(n=Count("pk"), user_label=Max("actor_label"))
        .filter(n__gte=REFUSALS_PER_DAY)
        .order_by("day")
    )
    return [
        Flag(
            REFUSALS,
            row["user_label"],
            row["n"],
            filters.query(
                user=_user_key(row),
                action=AccessAction.REFUSED,
                participant="",
                date_from=row["day"],
                date_to=row["day"],
            ),
            day=row["day"],
        )
        for row in rows
    ]


def exports(entries: QuerySet, filters: LogFilters) -> list[Flag]:
    rows = (
        _in(
            entries.filter(action__in=[AccessAction.EXPORT, AccessAction.PRINT]),
            filters.period_start,
            filters.period_end,
        )
        .values("actor_id", "actor__public_id", "action")
        .annotate(n=Count("pk"), user_label=Max("actor_label"))
        .order_by("user_label", "action")
    )
    return [
        Flag(
            EXPORTS,
            row["user_label"],
            row["n"],
            filters.query(user=_user_key(row), action=row["action"], participant=""),
            subject=AccessAction(row["action"]).label,
        )
        for row in rows
    ]


def compute(entries: QuerySet, filters: LogFilters) -> list[Flag]:
    """Every flag of the filters' period, over `entries` (the user's scoped log rows)."""
    return [
        *spikes(entries, filters),
        *removed_roles(entries, filters),
        *protected(entries, filters),
        *refusals(entries, filters),
        *exports(entries, filters),
    ]

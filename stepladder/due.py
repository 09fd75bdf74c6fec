"""Step ratings on the coordinators' due list (registered in `participants.due.DUE_RULES`).

A rating is due at enrolment, then every N months from the enrolment (N per project, three by
default), and at exit. The k-th regular rating falls on the enrolment date plus k·N months,
counted from the enrolment each time so that month ends stay month ends (30 November →
28 February → 30 May). The next one due follows the number of regular ratings recorded, so a
missed rating stays on the list until it is made.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import add_months
from participants.due import DueItem
from participants.models import Enrolment
from stepladder.models import DEFAULT_INTERVAL_MONTHS, ProjectLadder, RatingKind
from stepladder.services import EXIT_RATING_DAYS


def regular_rating_due(enrolled_on: date, interval_months: int, recorded: int) -> date:
    """When the next regular rating falls after `recorded` regular ones."""
    return add_months(enrolled_on, (recorded + 1) * interval_months)


def _create_url(enrolment: Enrolment, kind: str) -> str:
    url = reverse("stepladder:rating-create", args=[enrolment.public_id])
    return f"{url}?kind={kind}"


def ratings(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    """Two queries whatever the number of participations: the participations with their
    ratings counted by kind, and the projects' rating intervals."""
    exit_window_opened = today - timedelta(days=EXIT_RATING_DAYS)
    rows = list(
        enrolments.filter(
            Q(status=Enrolment.Status.ACTIVE)
            # After the exit, the exit rating can be recorded only for a while.
            | Q(status=Enrolment.Status.EXITED, exited_on__gte=exit_window_opened)
        ).annotate(
            enrolment_ratings=Count("ratings", filter=Q(ratings__kind=RatingKind.ENROLMENT)),
            regular_ratings=Count("ratings", filter=Q(ratings__kind=RatingKind.QUARTERLY)),
            exit_ratings=Count("ratings", filter=Q(ratings__kind=RatingKind.EXIT)),
        )
    )
    if not rows:
        return
    intervals = dict(
        ProjectLadder.objects.filter(project_id__in={row.project_id for row in rows}).values_list(
            "project_id", "interval_months"
        )
    )
    for enrolment in rows:
        if enrolment.exit_ratings:
            continue
        if enrolment.status == Enrolment.Status.EXITED:
            yield DueItem(
                enrolment,
                enrolment.exited_on,
                _("Step rating at exit"),
                _create_url(enrolment, RatingKind.EXIT),
            )
            continue
        if not enrolment.enrolment_ratings:
            yield DueItem(
                enrolment,
                enrolment.enrolled_on,
                _("Step rating at enrolment"),
                _create_url(enrolment, RatingKind.ENROLMENT),
            )
        months = intervals.get(enrolment.project_id, DEFAULT_INTERVAL_MONTHS)
        due_on = regular_rating_due(enrolment.enrolled_on, months, enrolment.regular_ratings)
        # From the planned exit on, the exit rating takes over.
        if due_on < enrolment.planned_exit_on:
            yield DueItem(
                enrolment,
                due_on,
                ngettext(
                    "Step rating (every month)",
                    "Step rating (every %(months)d months)",
                    months,
                )
                % {"months": months},
                _create_url(enrolment, RatingKind.QUARTERLY),
            )

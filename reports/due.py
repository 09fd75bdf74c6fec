"""Follow-up and exit reports on the coordinators' due list (registered in
`participants.due.DUE_RULES` by `ReportsConfig.ready`).

The follow-up reports fall three and six months after the enrolment (`add_months`, so that
31 August gives 30 November and 28 February), for active participations; the exit report on
the exit date. Each stays on the list until a report of its kind is *finalised*: a draft is
not yet a report the agencies have. A participation registered in error needs no exit report.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cohorts.models import add_months
from participants.due import DueItem
from participants.models import Enrolment, ExitReason
from reports.models import ParticipantReport, ParticipantReportKind, ReportStatus

Kind = ParticipantReportKind

FOLLOW_UP_MONTHS = {Kind.FOLLOW_UP_3: 3, Kind.FOLLOW_UP_6: 6}

WHAT = {
    Kind.FOLLOW_UP_3: _("Follow-up report (3 months)"),
    Kind.FOLLOW_UP_6: _("Follow-up report (6 months)"),
    Kind.EXIT: _("Exit report"),
}


def follow_up_report_due(enrolled_on: date, kind: str) -> date:
    return add_months(enrolled_on, FOLLOW_UP_MONTHS[kind])


def _final(kind: str) -> Exists:
    return Exists(
        ParticipantReport.objects.filter(
            enrolment=OuterRef("pk"), kind=kind, status=ReportStatus.FINAL
        )
    )


def _draft(kind: str) -> Subquery:
    return Subquery(
        ParticipantReport.objects.filter(
            enrolment=OuterRef("pk"), kind=kind, status=ReportStatus.DRAFT
        ).values("pk")[:1]
    )


def _action_url(enrolment: Enrolment, kind: str, draft_pk: int | None) -> str:
    # Straight to the draft when one is being written; else a new report of the kind.
    if draft_pk:
        return reverse("reports:participant-report-edit", args=[draft_pk])
    url = reverse("reports:participant-report-create", args=[enrolment.public_id])
    return f"{url}?kind={kind}"


def reports(enrolments: QuerySet, today: date) -> Iterable[DueItem]:
    """One query whatever the number of participations."""
    kinds = [Kind.FOLLOW_UP_3, Kind.FOLLOW_UP_6, Kind.EXIT]
    rows = (
        enrolments.filter(status__in=[Enrolment.Status.ACTIVE, Enrolment.Status.EXITED])
        .exclude(status=Enrolment.Status.EXITED, exit_reason=ExitReason.REGISTERED_IN_ERROR)
        .annotate(
            **{f"final_{kind}": _final(kind) for kind in kinds},
            **{f"draft_{kind}": _draft(kind) for kind in kinds},
        )
    )
    for enrolment in rows:
        if enrolment.status == Enrolment.Status.ACTIVE:
            for kind in (Kind.FOLLOW_UP_3, Kind.FOLLOW_UP_6):
                if getattr(enrolment, f"final_{kind}"):
                    continue
                yield DueItem(
                    enrolment,
                    follow_up_report_due(enrolment.enrolled_on, kind),
                    WHAT[kind],
                    _action_url(enrolment, kind, getattr(enrolment, f"draft_{kind}")),
                )
        elif not getattr(enrolment, f"final_{Kind.EXIT}"):
            yield DueItem(
                enrolment,
                enrolment.exited_on,
                WHAT[Kind.EXIT],
                _action_url(enrolment, Kind.EXIT, getattr(enrolment, f"draft_{Kind.EXIT}")),
            )

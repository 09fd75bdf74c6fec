"""Follow-up and exit reports for one participant (DOMAIN §7, §3 steps 7–8): the kinds and
when each can be written, a participation's reports for its coordinators, and what a report
shows (`report_context`).

A coordinator creates a draft of a kind (one report chain per kind and participation), writes
the mapping, the summary and the recommendations, previews it and finalises it
(`reports.services.participant_report_*`). Finalising renders the PDF once and stores it with
its SHA-256: from then on the stored file is what is downloaded, whatever happens to the data
afterwards. A correction is a re-issue: a new draft version that copies the texts and, once
finalised, supersedes the old version. The old one stays downloadable by the coordinators;
the agencies only ever get the latest.

The preview (HTML) and the PDF are rendered from the same template,
templates/reports/participant_report.html, with the same context, `report_context`.

Who gets a finalised report: `reports.sharing`. Who may write, finalise, re-issue and read
one, and which reports a case officer sees: `fokus.policy.reports`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from fokus.models import Agency
from participants.attendance import attendance_summary
from participants.models import ClientMeeting, Enrolment, MeetingKind
from participants.plans import current_goals
from reports.models import KIND_ORDER, ParticipantReport, ParticipantReportKind, ReportStatus
from reports.sharing import sharing_agencies
from stepladder.progress import ratings_of, trajectory_for

Kind = ParticipantReportKind

# Follow-up reports are written while the participation runs; the exit report once it has
# ended. After a consent withdrawal nothing is written or shared any more.
CREATE_STATUSES = {
    Kind.FOLLOW_UP_3: (Enrolment.Status.ACCEPTED, Enrolment.Status.ACTIVE),
    Kind.FOLLOW_UP_6: (Enrolment.Status.ACCEPTED, Enrolment.Status.ACTIVE),
    Kind.EXIT: (Enrolment.Status.EXITED,),
}

# Download names say what the file is and when, never whom it is about.
FILENAME_STEMS = {
    Kind.FOLLOW_UP_3: "uppfoljningsrapport",
    Kind.FOLLOW_UP_6: "uppfoljningsrapport",
    Kind.EXIT: "avslutningsrapport",
}

TEMPLATE = "reports/participant_report.html"
PDF_TEMPLATE = "reports/participant_report_pdf.html"
TEXT_FIELDS = ("mapping", "summary", "recommendations")


# --- A participation's reports ----------------------------------------------------------------


def _successor(**condition) -> Exists:
    return Exists(ParticipantReport.objects.filter(supersedes=OuterRef("pk"), **condition))


def with_superseded(reports: QuerySet) -> QuerySet:
    """Annotate `is_superseded`: a finalised later version replaces this one."""
    return reports.annotate(is_superseded=_successor(status=ReportStatus.FINAL))


def reports_of(enrolment: Enrolment) -> list[ParticipantReport]:
    """Every report of the participation for its coordinators: drafts, finals, superseded.
    The caller has checked that the user coordinates it."""
    reports = (
        with_superseded(enrolment.reports.all())
        .annotate(has_successor=_successor())
        .select_related("finalised_by", "created_by", "supersedes")
        .prefetch_related("shared_with")
    )
    reports = sorted(reports, key=lambda report: report.kind_order)
    for report in reports:
        # The caller's participation: `can_reissue` reads its status without a query each.
        report.enrolment = enrolment
    return reports


def kinds_available(enrolment: Enrolment) -> list[str]:
    """The kinds a new report can be created of now: allowed by the participation's status,
    and none of that kind yet (a finalised one is corrected by re-issuing it). One query."""
    allowed = [kind for kind in KIND_ORDER if enrolment.status in CREATE_STATUSES[kind]]
    if not allowed:
        return []
    taken = set(enrolment.reports.values_list("kind", flat=True))
    return [kind for kind in allowed if kind not in taken]


def filename(report: ParticipantReport) -> str:
    """e.g. "uppfoljningsrapport-2026-12-01.pdf", "avslutningsrapport-2027-08-31-v2.pdf"."""
    day = timezone.localdate(report.finalised_at) if report.finalised_at else timezone.localdate()
    version = f"-v{report.version}" if report.version > 1 else ""
    return f"{FILENAME_STEMS[report.kind]}-{day:%Y-%m-%d}{version}.pdf"


# --- The report's content -------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingCount:
    kind: str
    label: str
    count: int
    attended: int


def _meetings(enrolment: Enrolment) -> tuple[list[MeetingCount], list[ClientMeeting]]:
    """Meetings held, counted per type and listed by date and type. Never the notes or the next
    step: those are the coordinators' working notes. Two queries."""
    rows = (
        ClientMeeting.objects.filter(enrolment=enrolment)
        .values("kind")
        .annotate(count=Count("pk"), attended=Count("pk", filter=Q(participant_attended=True)))
        .order_by()
    )
    by_kind = {row["kind"]: row for row in rows}
    counts = [
        MeetingCount(kind, label, by_kind[kind]["count"], by_kind[kind]["attended"])
        for kind, label in MeetingKind.choices
        if kind in by_kind
    ]
    meetings = list(
        ClientMeeting.objects.filter(enrolment=enrolment)
        .only("enrolment_id", "date", "start_time", "kind", "talk_form", "participant_attended")
        .order_by("date", "start_time", "pk")
    )
    return counts, meetings


def report_context(report: ParticipantReport, *, shared_with: list[Agency] | None = None) -> dict:
    """Everything the report shows, for the preview and the PDF alike. A constant number of
    queries. `shared_with`: the agencies it goes to (by default the finalised report's, or for
    a draft those it would go to if finalised now)."""
    enrolment = report.enrolment
    referral = enrolment.referral
    as_of = timezone.localdate(report.finalised_at) if report.finalised_at else timezone.localdate()
    period_end = as_of
    if enrolment.exited_on and enrolment.exited_on < period_end:
        period_end = enrolment.exited_on
    if shared_with is None:
        shared_with = (
            list(report.shared_with.all()) if report.is_final else sharing_agencies(enrolment)
        )
    ratings = list(ratings_of(enrolment))
    meeting_counts, meetings = _meetings(enrolment)
    return {
        "report": report,
        "is_draft": not report.is_final,
        "is_exit_report": report.kind == Kind.EXIT,
        "enrolment": enrolment,
        # The display name is the alias for a person with protected identity; never the
        # personnummer.
        "participant_name": referral.display_name,
        "protected_identity": referral.protected_identity,
        "project": enrolment.project,
        "federation": enrolment.project.federation,
        "cohort": enrolment.cohort,
        "coordinator": enrolment.coordinator,
        "referring_agency": referral.referring_agency,
        "as_of": as_of,
        "period_start": enrolment.enrolled_on,
        "period_end": period_end,
        "goals": current_goals(enrolment),
        "ratings": ratings,
        "chart": trajectory_for(enrolment, ratings, key=f"report-{report.pk}-steps"),
        "meeting_counts": meeting_counts,
        "meeting_total": sum(count.count for count in meeting_counts),
        "meetings": meetings,
        "attendance": attendance_summary(enrolment),
        "shared_with": shared_with,
    }


def fetch_for_context(pk: int) -> ParticipantReport:
    """The report with what `report_context` reads selected; the caller has checked that the
    user may read it."""
    return ParticipantReport.objects.select_related(
        "enrolment__project__federation",
        "enrolment__cohort__municipality",
        "enrolment__coordinator",
        "enrolment__referral__referring_agency",
        "enrolment__referral__home_municipality",
        "supersedes",
        "finalised_by",
    ).get(pk=pk)

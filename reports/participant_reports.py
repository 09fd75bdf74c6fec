"""Follow-up and exit reports for one participant, to the agencies the consent covers
(DOMAIN §7, §3 steps 7–8).

A coordinator creates a draft of a kind (one report chain per kind and participation), writes
the mapping, the summary and the recommendations, previews it and finalises it. Finalising
renders the PDF once and stores it with its SHA-256: from then on the stored file is what is
downloaded, whatever happens to the data afterwards. A correction is a re-issue: a new draft
version that copies the texts and, once finalised, supersedes the old version. The old one
stays downloadable by the coordinators; the agencies only ever get the latest.

The preview (HTML) and the PDF are rendered from the same template,
templates/reports/participant_report.html, with the same context, `report_context`.

Who gets a finalised report is decided by `sharing_agencies`; whether an agency's case officer
may still download it, by `shared_reports_for` (the consent must still be in force).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fokus import access
from fokus.access import Role
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, AgencyKind, User
from fokus.pdf import render_pdf
from participants import permissions
from participants.attendance import attendance_summary
from participants.models import ClientMeeting, Enrolment, MeetingKind
from participants.models.enrolments import CONSENT_FIELD_BY_AGENCY_KIND
from participants.plans import current_goals
from referrals.models import Consent
from reports.models import ParticipantReport, ParticipantReportKind, ReportStatus
from stepladder.progress import ratings_of, trajectory_for

Kind = ParticipantReportKind

# Follow-up reports are written while the participation runs; the exit report once it has
# ended. After a consent withdrawal nothing is written or shared any more.
CREATE_STATUSES = {
    Kind.FOLLOW_UP_3: (Enrolment.Status.ACCEPTED, Enrolment.Status.ACTIVE),
    Kind.FOLLOW_UP_6: (Enrolment.Status.ACCEPTED, Enrolment.Status.ACTIVE),
    Kind.EXIT: (Enrolment.Status.EXITED,),
}

# Reports listed and offered in the order they are written.
KIND_ORDER = [Kind.FOLLOW_UP_3, Kind.FOLLOW_UP_6, Kind.EXIT]

# Download names say what the file is and when, never whom it is about.
FILENAME_STEMS = {
    Kind.FOLLOW_UP_3: "uppfoljningsrapport",
    Kind.FOLLOW_UP_6: "uppfoljningsrapport",
    Kind.EXIT: "avslutningsrapport",
}

TEMPLATE = "reports/participant_report.html"
PDF_TEMPLATE = "reports/participant_report_pdf.html"
TEXT_FIELDS = ("mapping", "summary", "recommendations")

# Which "involved" box of the referral names an agency of each kind. Social services are the
# home municipality's, so that box is handled apart.
INVOLVED_FIELD_BY_AGENCY_KIND = {
    AgencyKind.EMPLOYMENT_SERVICE: "af_involved",
    AgencyKind.SOCIAL_INSURANCE: "fk_involved",
    AgencyKind.REGION: "region_involved",
}


class ReportError(ValidationError):
    """A rule refused the change; the message is for the user."""


# --- Reading ------------------------------------------------------------------------------------


def _final_successor() -> Exists:
    return Exists(
        ParticipantReport.objects.filter(supersedes=OuterRef("pk"), status=ReportStatus.FINAL)
    )


def with_superseded(reports: QuerySet) -> QuerySet:
    """Annotate `is_superseded`: a finalised later version replaces this one."""
    return reports.annotate(is_superseded=_final_successor())


def latest_final(reports: QuerySet) -> QuerySet:
    """Only the finalised reports that no finalised later version replaces."""
    return reports.filter(status=ReportStatus.FINAL).exclude(_final_successor())


def kind_order(report: ParticipantReport) -> tuple[int, int]:
    return KIND_ORDER.index(report.kind), report.version


def reports_in_federation(user: User) -> QuerySet:
    """The tenant only: views fetch one report through this and then check the role."""
    if not user.is_authenticated or user.federation_id is None:
        return ParticipantReport.objects.none()
    return ParticipantReport.objects.filter(enrolment__federation_id=user.federation_id)


def reports_of(enrolment: Enrolment) -> list[ParticipantReport]:
    """Every report of the participation for its coordinators: drafts, finals, superseded."""
    reports = (
        with_superseded(ParticipantReport.objects.filter(enrolment=enrolment))
        .annotate(has_successor=Exists(ParticipantReport.objects.filter(supersedes=OuterRef("pk"))))
        .select_related("finalised_by", "created_by", "supersedes")
        .prefetch_related("shared_with")
    )
    reports = sorted(reports, key=kind_order)
    for report in reports:
        # The caller's participation: `can_reissue` reads its status without a query each.
        report.enrolment = enrolment
    return reports


def consent_in_force() -> Q:
    """Reports whose participation's consent exists, is not withdrawn, and has not ended in
    a withdrawal."""
    return Q(
        enrolment__referral__consent__isnull=False,
        enrolment__referral__consent__withdrawn_at__isnull=True,
    ) & ~Q(enrolment__status=Enrolment.Status.CONSENT_WITHDRAWN)


def officer_reports(user: User) -> QuerySet:
    """What a case officer may download: the latest finalised version of each report shared
    with one of their agencies, for as long as the consent stands."""
    agencies = access.case_officer_agency_ids(user)
    if not agencies:
        return ParticipantReport.objects.none()
    return (
        latest_final(reports_in_federation(user))
        .filter(consent_in_force())
        .filter(
            Exists(
                ParticipantReport.shared_with.through.objects.filter(
                    participantreport_id=OuterRef("pk"), agency_id__in=agencies
                )
            )
        )
    )


def shared_reports_for(user: User, enrolment: Enrolment) -> list[ParticipantReport]:
    """The reports of this participation that the case officer's agency may read now: for
    the case officer's participant page and their report list. Empty after a withdrawal."""
    reports = officer_reports(user).filter(enrolment=enrolment).select_related("finalised_by")
    return sorted(reports, key=kind_order)


def can_officer_download(user: User, report: ParticipantReport) -> bool:
    return officer_reports(user).filter(pk=report.pk).exists()


def can_change(enrolment: Enrolment) -> bool:
    """Reports are written, corrected and finalised only under a consent that stands."""
    return enrolment.status != Enrolment.Status.CONSENT_WITHDRAWN


def kinds_available(enrolment: Enrolment) -> list[str]:
    """The kinds a new report can be created of now: allowed by the participation's status,
    and none of that kind yet (a finalised one is corrected by re-issuing it). One query."""
    allowed = [kind for kind in KIND_ORDER if enrolment.status in CREATE_STATUSES[kind]]
    if not allowed:
        return []
    taken = set(
        ParticipantReport.objects.filter(enrolment=enrolment).values_list("kind", flat=True)
    )
    return [kind for kind in allowed if kind not in taken]


def can_reissue(report: ParticipantReport) -> bool:
    """The latest finalised version, with no newer version (draft or final) yet. Reads the
    `has_successor` annotation of `reports_of` when there is one."""
    if not report.is_final or not can_change(report.enrolment):
        return False
    has_successor = getattr(report, "has_successor", None)
    if has_successor is None:
        has_successor = ParticipantReport.objects.filter(supersedes=report).exists()
    return not has_successor


def filename(report: ParticipantReport) -> str:
    """e.g. "uppfoljningsrapport-2026-12-01.pdf", "avslutningsrapport-2027-08-31-v2.pdf"."""
    day = timezone.localdate(report.finalised_at) if report.finalised_at else timezone.localdate()
    version = f"-v{report.version}" if report.version > 1 else ""
    return f"{FILENAME_STEMS[report.kind]}-{day:%Y-%m-%d}{version}.pdf"


# --- Sharing ------------------------------------------------------------------------------------


def sharing_agencies(enrolment: Enrolment) -> list[Agency]:
    """The agencies a report finalised now is shared with.

    Nothing while the consent is missing or withdrawn. Otherwise the agencies of the
    participation's federation that are

    - the referring agency, or
    - named on the referral as involved: `af_involved`, `fk_involved` and `region_involved`
      name the federation's active agencies of that kind, `social_services_involved` the
      active social services of the person's home municipality;

    and whose kind's box on the consent is ticked (`CONSENT_FIELD_BY_AGENCY_KIND`; an agency
    of kind "other" has no box and gets nothing). One or two queries."""
    if enrolment.status == Enrolment.Status.CONSENT_WITHDRAWN:
        return []
    referral = enrolment.referral
    consent = Consent.objects.filter(referral_id=referral.pk, withdrawn_at__isnull=True).first()
    if consent is None:
        return []
    ticked = [
        kind for kind, field in CONSENT_FIELD_BY_AGENCY_KIND.items() if getattr(consent, field)
    ]
    named = Q(pk=referral.referring_agency_id)
    involved_kinds = [
        kind for kind, field in INVOLVED_FIELD_BY_AGENCY_KIND.items() if getattr(referral, field)
    ]
    if involved_kinds:
        named |= Q(kind__in=involved_kinds, is_active=True)
    if referral.social_services_involved and referral.home_municipality_id:
        named |= Q(
            kind=AgencyKind.SOCIAL_SERVICES,
            municipality_id=referral.home_municipality_id,
            is_active=True,
        )
    return list(
        Agency.objects.filter(federation_id=enrolment.federation_id, kind__in=ticked)
        .filter(named)
        .order_by("name", "pk")
    )


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
    """The report with what `report_context` reads selected."""
    return ParticipantReport.objects.select_related(
        "enrolment__project__federation",
        "enrolment__cohort__municipality",
        "enrolment__coordinator",
        "enrolment__referral__referring_agency",
        "enrolment__referral__home_municipality",
        "supersedes",
        "finalised_by",
    ).get(pk=pk)


# --- Writing ------------------------------------------------------------------------------------


def _require_coordinator(actor: User, enrolment: Enrolment) -> None:
    if not permissions.can_coordinate(actor, enrolment):
        raise PermissionDenied(
            _("Only the project's coordinators write its participants' reports.")
        )


def _clean(text: str) -> str:
    return (text or "").strip()


@transaction.atomic
def report_create(
    *,
    actor: User,
    enrolment: Enrolment,
    kind: str,
    mapping: str = "",
    summary: str = "",
    recommendations: str = "",
    request: HttpRequest | None = None,
) -> ParticipantReport:
    """A new draft of `kind`. Follow-up reports while the participation is accepted or active,
    the exit report once it has ended; one report of each kind (corrections are re-issues)."""
    _require_coordinator(actor, enrolment)
    # The lock orders concurrent creations, and a creation against an exit or withdrawal.
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    if kind not in CREATE_STATUSES:
        raise ReportError({"kind": _("Choose which report to write.")})
    if enrolment.status not in CREATE_STATUSES[kind]:
        if kind == Kind.EXIT:
            message = _("The exit report is written once the participation has ended.")
        else:
            message = _("Follow-up reports are written while the participation runs.")
        raise ReportError({"kind": message})
    if ParticipantReport.objects.filter(enrolment=enrolment, kind=kind).exists():
        raise ReportError(
            {
                "kind": _(
                    "There is already a report of this kind: edit its draft, or re-issue the "
                    "finalised one to correct it."
                )
            }
        )
    report = ParticipantReport.objects.create(
        enrolment=enrolment,
        kind=kind,
        mapping=_clean(mapping),
        summary=_clean(summary),
        recommendations=_clean(recommendations),
        created_by=actor,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=enrolment,
        request=request,
        detail=f"report {report.pk} created ({kind})",
    )
    return report


def _lock(report: ParticipantReport) -> ParticipantReport:
    return (
        ParticipantReport.objects.select_for_update(of=("self",))
        .select_related("enrolment")
        .get(pk=report.pk)
    )


@transaction.atomic
def report_update(
    *,
    actor: User,
    report: ParticipantReport,
    mapping: str,
    summary: str,
    recommendations: str,
    request: HttpRequest | None = None,
) -> ParticipantReport:
    """Change a draft's texts. A finalised report never changes."""
    report = _lock(report)
    _require_coordinator(actor, report.enrolment)
    if report.is_final:
        raise ReportError(_("A finalised report cannot be changed; re-issue it to correct it."))
    if not can_change(report.enrolment):
        raise ReportError(_("The consent has been withdrawn: the report can no longer change."))
    values = {"mapping": mapping, "summary": summary, "recommendations": recommendations}
    changed = [name for name in TEXT_FIELDS if getattr(report, name) != _clean(values[name])]
    if not changed:
        return report
    for name in changed:
        setattr(report, name, _clean(values[name]))
    report.save(update_fields=[*changed, "updated_at"])
    # The texts are case content: the log names the fields, not what they say.
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=report.enrolment,
        request=request,
        detail=f"report {report.pk} changed ({', '.join(changed)})",
    )
    return report


def _officer_emails(agencies: list[Agency], federation_id: int) -> list[str]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.CASE_OFFICER,
            memberships__federation_id=federation_id,
            memberships__agency__in=agencies,
        )
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )


def _notify_agencies(
    report: ParticipantReport, agencies: list[Agency], *, request: HttpRequest | None
) -> None:
    """Tell each case officer of the agencies that a report is there: a link and nothing
    else, no name, no personnummer, not even the project (which can reveal a diagnosis)."""
    if not agencies:
        return
    recipients = _officer_emails(agencies, report.enrolment.federation_id)
    if not recipients:
        return
    path = reverse("reports:participant-report-list", args=[report.enrolment.public_id])
    link = request.build_absolute_uri(path) if request is not None else path
    # The organisation's language, whoever finalised.
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A report is available in Fokus")
        body = render_to_string("reports/email/report_shared.txt", {"link": link})

    def send() -> None:
        # One message per officer: recipients do not see each other's addresses.
        messages = [
            EmailMessage(subject=subject, body=body, to=[recipient]) for recipient in recipients
        ]
        get_connection().send_messages(messages)

    transaction.on_commit(send)


@transaction.atomic
def report_finalise(
    *, actor: User, report: ParticipantReport, request: HttpRequest | None = None
) -> ParticipantReport:
    """Render the PDF once, store it with its SHA-256 and share it with the agencies the
    consent covers (`sharing_agencies`); their case officers are e-mailed after the commit.
    A re-issued version makes the one it supersedes "superseded" by being final."""
    report = _lock(report)
    enrolment = report.enrolment
    _require_coordinator(actor, enrolment)
    if report.is_final:
        raise ReportError(_("The report has already been finalised."))
    # Held until the commit: a withdrawal waits for the sharing decision to be stored, and is
    # then obeyed by every download (`officer_reports`).
    list(Consent.objects.select_for_update().filter(referral_id=enrolment.referral_id))
    enrolment = Enrolment.objects.select_for_update(of=("self",)).get(pk=enrolment.pk)
    if not can_change(enrolment):
        raise ReportError(_("The consent has been withdrawn: nothing more is shared."))

    report.status = ReportStatus.FINAL
    report.finalised_at = timezone.now()
    report.finalised_by = actor
    # The participation as it stands now, under the locks, for the sharing and the content.
    report.enrolment = enrolment
    agencies = sharing_agencies(enrolment)
    content = render_pdf(PDF_TEMPLATE, report_context(report, shared_with=agencies))

    # A random name: no person in the file system either.
    report.pdf.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    stored = report.pdf.name
    try:
        report.pdf_sha256 = hashlib.sha256(content).hexdigest()
        report.save()
        report.shared_with.set(agencies)
        log_access(
            actor=actor,
            action=AccessAction.CREATE,
            obj=enrolment,
            request=request,
            detail=f"report {report.pk} finalised",
        )
    except Exception:
        report.pdf.storage.delete(stored)
        raise
    _notify_agencies(report, agencies, request=request)
    return report


@transaction.atomic
def report_reissue(
    *, actor: User, report: ParticipantReport, request: HttpRequest | None = None
) -> ParticipantReport:
    """A new draft version of a finalised report, with its texts, to correct it. The old
    version stands (and is what the agencies get) until the new one is finalised."""
    report = _lock(report)
    _require_coordinator(actor, report.enrolment)
    if not report.is_final:
        raise ReportError(_("Only a finalised report can be re-issued; edit the draft instead."))
    if not can_change(report.enrolment):
        raise ReportError(_("The consent has been withdrawn: nothing more is shared."))
    if ParticipantReport.objects.filter(supersedes=report).exists():
        raise ReportError(_("A new version of this report already exists."))
    if ParticipantReport.objects.filter(
        enrolment_id=report.enrolment_id, kind=report.kind, status=ReportStatus.DRAFT
    ).exists():
        raise ReportError(_("There is already a draft of this report."))
    draft = ParticipantReport.objects.create(
        enrolment_id=report.enrolment_id,
        kind=report.kind,
        version=report.version + 1,
        supersedes=report,
        mapping=report.mapping,
        summary=report.summary,
        recommendations=report.recommendations,
        created_by=actor,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=report.enrolment,
        request=request,
        detail=f"report {draft.pk} created as version {draft.version} of report {report.pk}",
    )
    return draft

"""Follow-up and exit reports of one participant: the list, writing a draft, the preview,
finalising, re-issuing, and the PDF.

Coordinators of the project do everything. A case officer gets the latest finalised reports
shared with their agency while the consent stands, and nothing else: any other report is a
404 to them, as another agency's referral is (`fokus.policy.reports`). Every download is
written to the access log.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from fokus import conflicts, policy
from fokus.audit import log_access
from fokus.models import AccessAction
from fokus.pdf import pdf_response
from fokus.policy import reports as report_policy
from participants.models import Enrolment
from participants.views.lookup import enrolment_for, enrolment_for_reader
from reports import participant_reports, services
from reports.forms.participant import ParticipantReportForm
from reports.models import ParticipantReport


def _list_redirect(report: ParticipantReport) -> HttpResponse:
    return redirect("reports:participant-report-list", report.enrolment.public_id)


def _enrolment_for_reports(request: HttpRequest, public_id) -> tuple[Enrolment, bool]:
    """The participation and whether the user coordinates it. Case officers of the referring
    agency read it as on the participant page; an agency named on the referral as involved
    gets here only while a report is shared with it (it has no participant page)."""
    try:
        return enrolment_for_reader(request, public_id)
    except Http404:
        if not policy.case_officer_agency_ids(request.user):
            raise
        enrolment = get_object_or_404(
            Enrolment.objects.in_federation(request.user).select_related("project", "referral"),
            public_id=public_id,
        )
        if not report_policy.shared_reports_for(request.user, enrolment):
            raise
        return enrolment, False


def _report_for(request: HttpRequest, pk: int) -> ParticipantReport:
    """A report of the user's federation (else 404), of a project of theirs (else 404), that
    the user coordinates (else 403)."""
    policy.require_any_role(request.user)
    report = get_object_or_404(
        ParticipantReport.objects.in_federation(request.user).select_related(
            "enrolment__project", "enrolment__referral", "supersedes"
        ),
        pk=pk,
    )
    policy.project_access_for(request.user, report.enrolment.project, "participant_reports.write")
    return report


@login_required
@require_safe
def report_list(request: HttpRequest, public_id) -> HttpResponse:
    enrolment, coordinates = _enrolment_for_reports(request, public_id)
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=enrolment,
        detail="participant reports",
    )
    user = request.user
    context = {
        "enrolment": enrolment,
        "referral": enrolment.referral,
        "coordinates": coordinates,
        # An involved agency that did not refer the person reads the reports, not the page.
        "can_open_participant": coordinates
        or Enrolment.objects.in_federation(user)
        .shared_with_officer(user)
        .filter(pk=enrolment.pk)
        .exists(),
    }
    if coordinates:
        reports = participant_reports.reports_of(enrolment)
        for report in reports:
            report.can_edit = report_policy.can_edit(user, report)
            report.can_reissue = report_policy.can_reissue(user, report)
        labels = dict(participant_reports.Kind.choices)
        kinds = (
            participant_reports.kinds_available(enrolment)
            if report_policy.can_change(enrolment)
            else []
        )
        context.update(reports=reports, kinds=[(kind, labels[kind]) for kind in kinds])
    else:
        context["reports"] = report_policy.shared_reports_for(user, enrolment)
    return render(request, "reports/participant_report_list.html", context)


def _render_form(request, enrolment, form, report=None) -> HttpResponse:
    status = 400 if form.errors else 200
    if getattr(form, "conflict", None):
        status = conflicts.CONFLICT_STATUS
    return render(
        request,
        "reports/participant_report_form.html",
        {"enrolment": enrolment, "referral": enrolment.referral, "form": form, "report": report},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = enrolment_for(request, public_id)
    if not report_policy.can_change(enrolment):
        raise PermissionDenied(_("The consent has been withdrawn: no reports are written."))
    kinds = participant_reports.kinds_available(enrolment)
    if not kinds:
        raise PermissionDenied(
            _(
                "No new report can be written now: follow-up reports are written while the "
                "participation runs, the exit report after it has ended, one of each."
            )
        )
    if request.method == "POST":
        form = ParticipantReportForm(request.POST, kinds=kinds)
        if form.is_valid():
            try:
                report = services.participant_report_create(
                    actor=request.user,
                    enrolment=enrolment,
                    kind=form.cleaned_data["kind"],
                    **form.texts(),
                )
            except services.ReportError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The draft was saved. Check it before finalising."))
                return redirect("reports:participant-report-preview", report.pk)
    else:
        asked = request.GET.get("kind")
        form = ParticipantReportForm(
            kinds=kinds, initial={"kind": asked if asked in kinds else kinds[0]}
        )
    return _render_form(request, enrolment, form)


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if report.is_final:
        raise PermissionDenied(
            _("A finalised report cannot be changed; re-issue it to correct it.")
        )
    if not report_policy.can_change(report.enrolment):
        raise PermissionDenied(
            _("The consent has been withdrawn: the report can no longer change.")
        )
    if request.method == "POST":
        form = ParticipantReportForm(request.POST)
        if form.is_valid():
            try:
                services.participant_report_update(
                    actor=request.user,
                    report=report,
                    version=form.cleaned_data["version"],
                    **form.texts(),
                )
            except conflicts.ConflictError as conflict:
                conflicts.keep_for_second_save(form, conflict)
            except services.ReportError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("reports:participant-report-preview", report.pk)
    else:
        form = ParticipantReportForm(
            initial={
                **{name: getattr(report, name) for name in participant_reports.TEXT_FIELDS},
                "version": report.edit_version,
            }
        )
    return _render_form(request, report.enrolment, form, report)


@login_required
@require_safe
def report_preview(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if report.is_final:
        # What was sent is the stored PDF, not today's data.
        return redirect("reports:participant-report-pdf", report.pk)
    report = participant_reports.fetch_for_context(report.pk)
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=report.enrolment,
        detail=f"report {report.pk} preview",
    )
    context = participant_reports.report_context(report)
    context.update(
        referral=report.enrolment.referral,
        can_finalise=report_policy.can_change(report.enrolment),
    )
    return render(request, "reports/participant_report_preview.html", context)


@login_required
@require_POST
def report_finalise(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if report.is_final:
        raise PermissionDenied(_("The report has already been finalised."))
    if not report_policy.can_change(report.enrolment):
        raise PermissionDenied(_("The consent has been withdrawn: nothing more is shared."))
    try:
        report = services.participant_report_finalise(actor=request.user, report=report)
    except services.ReportError as error:
        messages.error(request, " ".join(error.messages))
        return _list_redirect(report)
    agencies = ", ".join(agency.name for agency in report.shared_with.all())
    if agencies:
        messages.success(
            request,
            _("The report was finalised and shared with: %(agencies)s.") % {"agencies": agencies},
        )
    else:
        messages.success(
            request, _("The report was finalised. The consent covers no agency to share it with.")
        )
    return _list_redirect(report)


@login_required
@require_POST
def report_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report_for(request, pk)
    if not report.is_final:
        raise PermissionDenied(_("Only a finalised report can be re-issued; edit the draft."))
    if not report_policy.can_reissue(request.user, report):
        raise PermissionDenied(
            _(
                "Only the latest version of a report can be re-issued, once, and not after the "
                "consent has been withdrawn."
            )
        )
    try:
        draft = services.participant_report_reissue(actor=request.user, report=report)
    except services.ReportError as error:
        messages.error(request, " ".join(error.messages))
        return _list_redirect(report)
    messages.success(
        request,
        _(
            "Version %(version)d was created as a draft with the texts of the finalised report. "
            "The agencies keep the earlier version until you finalise this one."
        )
        % {"version": draft.version},
    )
    return redirect("reports:participant-report-edit", draft.pk)


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The stored PDF, never rendered again: whom it is for, `report_policy.require_download`."""
    user = request.user
    policy.require_any_role(user)
    report = get_object_or_404(
        ParticipantReport.objects.in_federation(user).select_related("enrolment__project"), pk=pk
    )
    policy.project_access_for(user, report.enrolment.project, "project.view")
    report_policy.require_download(user, report)
    try:
        with report.pdf.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError as missing:
        raise Http404(_("The report's file is missing.")) from missing
    log_access(
        actor=user,
        action=AccessAction.EXPORT,
        obj=report.enrolment,
        detail=f"report {report.pk} pdf",
    )
    return pdf_response(content, filename=participant_reports.filename(report))

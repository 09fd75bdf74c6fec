"""The förbund's summary across projects (web page, PDF, CSV/XLSX) and a project's report
settings (small cells).

The summary is for the federation's staff and administrators, of their own federation only:
aggregates, no individual data; anyone else with a role gets 403 (coordinators too — they
see their own project's reports). The report settings are project set-up, which DOMAIN §9
gives the förbund staff, and the project's coordinators know their numbers best: federation
staff, administrators and the project's coordinators may change them; another role of the
federation gets 403, another federation's project is a 404.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import policy
from fokus.audit import log_access
from fokus.exports import FORMATS, table_response
from fokus.models import AccessAction
from fokus.pdf import pdf_response, render_pdf
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from reports import services
from reports.forms.period import PeriodForm, summary_period_form
from reports.forms.settings import ReportSettingsForm
from reports.models import ReportSettings
from reports.smallcells import min_group_size
from reports.summary import FederationSummary, default_period
from reports.summary import federation_summary as summary_of

TEMPLATE = "reports/federation_summary.html"


def _require_staff(request: HttpRequest) -> None:
    policy.require_any_role(request.user)
    if not policy.is_federation_staff(request.user):
        raise PermissionDenied(_("Only the federation's staff see the summary across projects."))


def _context(request: HttpRequest, form: PeriodForm, summary: FederationSummary | None):
    context = {
        "form": form,
        "summary": summary,
        "federation": request.user.federation,
        "base_template": "base.html",
        "for_pdf": False,
        "min_group_size": min_group_size(),
    }
    if summary is not None:
        period = summary.period
        context["query"] = urlencode(
            {"from": period.start.isoformat(), "to": period.end.isoformat()}
        )
    return context


def _summary(request: HttpRequest) -> tuple[PeriodForm, FederationSummary | None]:
    """The period from the query string and the summary for it; no summary when the period
    is not valid (the form then holds the message and what was typed)."""
    default = default_period(timezone.localdate())
    form = summary_period_form(request.GET, default=default)
    if not form.is_valid():
        return form, None
    period = form.period
    # Shown with the dates the summary is for, also when the fields were left empty.
    shown = summary_period_form(default=default, initial={"from": period.start, "to": period.end})
    return shown, summary_of(request.user.federation_id, period)


def _bad_period(request: HttpRequest, form: PeriodForm) -> HttpResponse:
    return render(request, TEMPLATE, _context(request, form, None), status=400)


def _detail(summary: FederationSummary) -> str:
    return f"förbundssammanställning {summary.period.start}–{summary.period.end}"


def _file_stem(summary: FederationSummary) -> str:
    return f"sammanstallning-{summary.period.start}-{summary.period.end}"


@login_required
@require_safe
def federation_summary(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form, summary = _summary(request)
    if summary is None:
        return _bad_period(request, form)
    return render(request, TEMPLATE, _context(request, form, summary))


@login_required
@require_safe
def federation_summary_pdf(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    form, summary = _summary(request)
    if summary is None:
        return _bad_period(request, form)
    context = _context(request, form, summary) | {
        "base_template": "reports/federation_summary_pdf.html",
        "for_pdf": True,
        "printed_on": timezone.localdate(),
    }
    pdf = render_pdf(TEMPLATE, context)
    log_access(actor=request.user, action=AccessAction.PRINT, detail=_detail(summary))
    return pdf_response(pdf, filename=f"{_file_stem(summary)}.pdf")


def export_headers() -> list[str]:
    return [
        _("Project"),
        _("New, women"),
        _("New, men"),
        _("New, all"),
        _("Discharged, women"),
        _("Discharged, men"),
        _("Discharged, all"),
        _("Active now"),
        _("Mean step movement"),
    ]


@login_required
@require_safe
def federation_summary_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    _require_staff(request)
    form, summary = _summary(request)
    if summary is None:
        return _bad_period(request, form)
    rows = [row.export_cells for row in summary.rows]
    rows.append([_("Total"), *summary.total.export_cells[1:]])
    log_access(
        actor=request.user,
        action=AccessAction.EXPORT,
        detail=f"{_detail(summary)} ({fmt})",
    )
    return table_response(_file_stem(summary), export_headers(), rows, fmt)


@project_view("reports.settings")
@require_http_methods(["GET", "POST"])
def report_settings(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    instance = ReportSettings.objects.for_user(request.user).filter(
        project=project
    ).first() or ReportSettings(project=project)
    if request.method == "POST":
        form = ReportSettingsForm(request.POST, instance=instance)
        if form.is_valid():
            services.report_settings_save(
                actor=request.user,
                project=project,
                small_cell_threshold=form.cleaned_data["small_cell_threshold"],
            )
            messages.success(
                request,
                _("The report settings of %(project)s were saved.") % {"project": project.name},
            )
            return redirect("reports:report-settings", project.pk)
    else:
        form = ReportSettingsForm(instance=instance)
    return render(
        request,
        "reports/report_settings_form.html",
        {"form": form, "project": project},
        status=400 if form.errors else 200,
    )

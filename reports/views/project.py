"""A project's final report (slutrapport) and interim reports (delårsrapporter): the web page,
the PDF, the narrative's edit page and each figure table as CSV/XLSX.

Who: the project's coordinators and the federation's staff and admins — aggregates only, no
names anywhere in these reports. The narrative is written by the project's coordinators and
the federation's admins; federation staff read it ("reports.view", "reports.edit" in
`fokus.policy.projects`). Anyone else of the federation gets 403; a project that is not the
user's (another federation's, or one they hold no role in) is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import conflicts
from fokus.audit import log_access
from fokus.exports import FORMATS, table_response
from fokus.jobs import start_job
from fokus.models import AccessAction, Project
from fokus.numbers import int_or_404
from fokus.pdf import PDF_LANGUAGE, pdf_response, render_pdf
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from reports import jobs as report_jobs
from reports import project_reports, services
from reports.figures import Period
from reports.final_tables import FINAL_TABLES
from reports.forms.period import project_period_form
from reports.forms.project import project_report_form
from reports.interim_tables import INTERIM_TABLES
from reports.models import ProjectReportKind
from reports.smallcells import SmallCells


def _period_or_error(request: HttpRequest, access: ProjectAccess):
    """The final report's period from ?from=&to=, or the page with the errors (status 400)."""
    project = access.project
    form = project_period_form(request.GET, default=Period.of_project(project))
    if form.is_valid():
        return form, form.period, None
    response = render(
        request,
        "reports/final_report.html",
        {
            "project": project,
            "period_form": form,
            "can_edit": access.can("reports.edit"),
            "period": None,
        },
        status=400,
    )
    return form, None, response


def _half_year(project: Project, year: int, half: int) -> Period:
    """Half 1 is January–June, half 2 July–December; a half-year outside the project's run
    is not one of its reports."""
    if half not in (1, 2) or not 1 <= year <= 9999:
        raise Http404
    period = Period.half_year(year, half)
    if not period.overlaps(Period.of_project(project)):
        raise Http404
    return period


def _slug(project: Project) -> str:
    return slugify(project.name) or f"projekt-{project.pk}"


# --- Index -----------------------------------------------------------------------------------


@project_view("reports.view")
@require_safe
def report_index(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    halves = project_reports.half_years(project, timezone.localdate())
    written = project_reports.interim_narratives_written(project)
    return render(
        request,
        "reports/report_index.html",
        {
            "project": project,
            "can_edit": access.can("reports.edit"),
            "half_years": [
                (year, half, period, period.start in written)
                for year, half, period in reversed(halves)
            ],
            "final_written": project_reports.final_narrative(project) is not None,
            "sees_summary": access.is_staff,
        },
    )


# --- Final report ----------------------------------------------------------------------------


@project_view("reports.view")
@require_safe
def final_report(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    form, period, error = _period_or_error(request, access)
    if error:
        return error
    context = project_reports.final_report_context(access.project, period)
    context |= {
        "period_form": form,
        "can_edit": access.can("reports.edit"),
        "pdf_in_background": report_jobs.draws_in_background(access.project, period),
    }
    return render(request, "reports/final_report.html", context)


@project_view("reports.view")
@require_http_methods(["GET", "HEAD", "POST"])
def final_report_pdf(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    """GET: the PDF itself, or for a large project (`reports.jobs`) a page with the button
    that makes it in the background. POST: make it in the background and watch its job."""
    project = access.project
    _form, period, error = _period_or_error(request, access)
    if error:
        return error
    if request.method == "POST":
        job = start_job(
            kind=report_jobs.FINAL_PDF,
            user=request.user,
            project=project,
            title=_("Final report as PDF: %(project)s, %(start)s–%(end)s")
            % {"project": project.name, "start": period.start, "end": period.end},
            params=report_jobs.final_report_job_params(period),
        )
        return redirect("job", public_id=job.public_id)
    if report_jobs.draws_in_background(project, period):
        return render(
            request,
            "reports/final_report_pdf_start.html",
            {"project": project, "period": period, "export_query": _export_query(period)},
        )
    # Built in Swedish, as the PDF is rendered: some figures are formatted while building.
    with translation.override(PDF_LANGUAGE):
        context = project_reports.final_report_context(project, period)
    context |= {"for_pdf": True, "printed_on": timezone.localdate()}
    content = render_pdf("reports/final_report_pdf.html", context)
    log_access(
        actor=request.user,
        action=AccessAction.PRINT,
        obj=project,
        detail=report_jobs.final_report_print_detail(period),
    )
    return pdf_response(content, filename=report_jobs.final_report_file_name(project, period))


def _export_query(period: Period) -> str:
    return f"from={period.start:%Y-%m-%d}&to={period.end:%Y-%m-%d}"


def _edit(request, project, *, kind: str, period: Period, back: str, title: str):
    if kind == ProjectReportKind.FINAL:
        narrative = project_reports.final_narrative(project)
    else:
        narrative = project_reports.interim_narrative(project, period)
    if request.method == "POST":
        form = project_report_form(kind, request.POST)
        if form.is_valid():
            values = dict(form.cleaned_data)
            version = values.pop("version")
            try:
                services.project_report_save(
                    actor=request.user,
                    project=project,
                    kind=kind,
                    period=period,
                    values=values,
                    version=version,
                )
            except conflicts.ConflictError as conflict:
                conflicts.keep_for_second_save(form, conflict)
            except services.ReportError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The report's text was saved."))
                return redirect(back)
    elif narrative is not None:
        form = project_report_form(
            kind, instance=narrative, initial={"version": narrative.edit_version}
        )
    else:
        # Version 0: someone who writes the first text meanwhile is not overwritten either.
        form = project_report_form(
            kind,
            initial={**project_reports.narrative_initial(project, kind, period), "version": 0},
        )
    status = 400 if form.errors else 200
    if getattr(form, "conflict", None):
        status = conflicts.CONFLICT_STATUS
    return render(
        request,
        "reports/project_report_form.html",
        {
            "project": project,
            "form": form,
            "kind": kind,
            "period": period,
            "title": title,
            "back": back,
            "narrative": narrative,
        },
        status=status,
    )


@project_view("reports.view")
@require_http_methods(["GET", "HEAD", "POST"])
def final_report_edit(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    access.require("reports.edit")
    project = access.project
    return _edit(
        request,
        project,
        kind=ProjectReportKind.FINAL,
        period=Period.of_project(project),
        back=reverse("reports:final-report", args=[project.pk]),
        title=_("Final report: the text"),
    )


# --- Interim report --------------------------------------------------------------------------


@project_view("reports.view")
@require_safe
def interim_report(
    request: HttpRequest, access: ProjectAccess, year: int, half: int
) -> HttpResponse:
    project = access.project
    _half_year(project, year, half)
    context = project_reports.interim_report_context(project, year, half)
    context["can_edit"] = access.can("reports.edit")
    return render(request, "reports/interim_report.html", context)


@project_view("reports.view")
@require_safe
def interim_report_pdf(
    request: HttpRequest, access: ProjectAccess, year: int, half: int
) -> HttpResponse:
    project = access.project
    _half_year(project, year, half)
    with translation.override(PDF_LANGUAGE):
        context = project_reports.interim_report_context(project, year, half)
    context |= {"for_pdf": True, "printed_on": timezone.localdate()}
    content = render_pdf("reports/interim_report_pdf.html", context)
    log_access(
        actor=request.user,
        action=AccessAction.PRINT,
        obj=project,
        detail=f"delårsrapport {year} halvår {half}",
    )
    return pdf_response(content, filename=f"delarsrapport-{_slug(project)}-{year}-{half}.pdf")


@project_view("reports.view")
@require_http_methods(["GET", "HEAD", "POST"])
def interim_report_edit(
    request: HttpRequest, access: ProjectAccess, year: int, half: int
) -> HttpResponse:
    project = access.project
    period = _half_year(project, year, half)
    access.require("reports.edit")
    return _edit(
        request,
        project,
        kind=ProjectReportKind.INTERIM,
        period=period,
        back=reverse("reports:interim-report", args=[project.pk, year, half]),
        title=_("Interim report %(year)s, half-year %(half)s: the text")
        % {"year": year, "half": half},
    )


# --- Table exports ---------------------------------------------------------------------------


def _int_param(request: HttpRequest, name: str) -> int:
    return int_or_404(request.GET.get(name))


@project_view("reports.view")
@require_safe
def report_table_export(
    request: HttpRequest, access: ProjectAccess, report: str, table: str, fmt: str
) -> HttpResponse:
    """One figure table of a report as CSV or XLSX. The final report takes ?from=&to= (as its
    page), the interim report ?year=&half=."""
    project = access.project
    if fmt not in FORMATS:
        raise Http404
    if report == "final":
        build = FINAL_TABLES.get(table)
        if build is None:
            raise Http404
        _form, period, error = _period_or_error(request, access)
        if error:
            return error
        stem = f"slutrapport-{_slug(project)}-{table}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}"
        label = f"slutrapport {period.start:%Y-%m-%d}–{period.end:%Y-%m-%d}"
    elif report == "interim":
        build = INTERIM_TABLES.get(table)
        if build is None:
            raise Http404
        year, half = _int_param(request, "year"), _int_param(request, "half")
        period = _half_year(project, year, half)
        stem = f"delarsrapport-{_slug(project)}-{table}-{year}-{half}"
        label = f"delårsrapport {year} halvår {half}"
    else:
        raise Http404
    result = build(project, period, SmallCells.of(project))
    log_access(
        actor=request.user,
        action=AccessAction.EXPORT,
        obj=project,
        detail=f"{label}, tabell {table}.{fmt}",
    )
    return table_response(stem, result.columns, result.export_rows(), fmt)

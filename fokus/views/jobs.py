"""A background job's page: its progress while it runs, then its result or its error.

The page polls its status fragment with htmx every second while the job is queued or running;
without JavaScript it reloads itself (<meta http-equiv="refresh"> inside <noscript>). A job is
seen by the user who started it only: anyone else's, in any federation, is a 404; when its
handler names a project permission, the project's rule applies again (fokus.policy).
"""

from __future__ import annotations

import mimetypes
from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from fokus import jobs, policy
from fokus.audit import log_access
from fokus.models import AccessAction, Job

# Seconds between two reloads of the page without JavaScript.
REFRESH_SECONDS = 2


def _job(request: HttpRequest, public_id) -> Job:
    policy.require_any_role(request.user)
    job = get_object_or_404(
        Job.objects.for_user(request.user).select_related("project"), public_id=public_id
    )
    handler = jobs.HANDLERS.get(job.kind)
    if job.project is not None and handler is not None and handler.permission:
        policy.project_access_for(request.user, job.project, handler.permission)
    return jobs.job_refresh(job=job)


def _context(job: Job) -> dict:
    result = job.result if isinstance(job.result, dict) else {}
    return {
        "job": job,
        "message": result.get("message", ""),
        "file_name": _file_name(job),
        "refresh_seconds": REFRESH_SECONDS,
    }


def _file_name(job: Job) -> str:
    if not job.result_file:
        return ""
    result = job.result if isinstance(job.result, dict) else {}
    return result.get("file_name") or PurePath(job.result_file.name).name


@login_required
@require_safe
def job_detail(request: HttpRequest, public_id) -> HttpResponse:
    job = _job(request, public_id)
    return render(request, "fokus/job_detail.html", _context(job))


@login_required
@require_safe
def job_status(request: HttpRequest, public_id) -> HttpResponse:
    """The status fragment the page polls, or JSON when asked for (Accept: application/json)."""
    job = _job(request, public_id)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse(
            {
                "status": job.status,
                "done": job.progress_done,
                "total": job.progress_total,
                "percent": job.percent,
                "label": job.progress_label,
                "message": _context(job)["message"],
                "error": job.error_message,
                "result_url": job.result_url,
                "file_url": reverse("job-file", kwargs={"public_id": job.public_id})
                if _file_name(job) and job.status == Job.Status.SUCCEEDED
                else "",
            }
        )
    return render(request, "fokus/_job_status.html", _context(job))


@login_required
@require_safe
def job_file(request: HttpRequest, public_id) -> HttpResponse:
    """The file a finished job made (e.g. a report's PDF), to the job's starter."""
    job = _job(request, public_id)
    if job.status != Job.Status.SUCCEEDED or not job.result_file:
        raise Http404
    name = _file_name(job)
    try:
        handle = job.result_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    log_access(
        actor=request.user,
        action=AccessAction.EXPORT,
        obj=job.project,
        federation_id=job.federation_id,
        detail=f"{job.kind}: {name}",
    )
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

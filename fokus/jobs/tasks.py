"""The one django-tasks task: `run_job(job_id)` runs a job's handler in the worker."""

from __future__ import annotations

import dataclasses
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from fokus import request_context
from fokus.jobs.progress import Progress
from fokus.jobs.registry import JobError, handler_for
from fokus.models import Job

logger = logging.getLogger(__name__)


def generic_failure() -> str:
    return _(
        "Something went wrong and the job was stopped. Nothing more will happen with it; "
        "try again, and contact support if it happens again."
    )


@task()
def run_job(job_id: int) -> str:
    """Claims the job (a job that is not queued, e.g. already run by another worker, is left
    alone), runs its handler and records the outcome. Returns the job's final status."""
    with translation.override(settings.LANGUAGE_CODE):
        job = _claim(job_id)
        if job is None:
            return "skipped"
        # In autocommit (the worker) a thread reports progress and heartbeats on its own
        # connection; inside a caller's transaction (tests) everything stays on this one.
        progress = Progress(job, threaded=not connection.in_atomic_block)
        progress.start_reporter()
        try:
            with request_context.using(_origin(job)):
                returned = handler_for(job.kind)(job, progress)
        except JobError as error:
            _finish(job, progress, status=Job.Status.FAILED, error=str(error))
        except Exception:
            logger.exception("Job %s (%s) failed", job.pk, job.kind)
            _finish(job, progress, status=Job.Status.FAILED, error=generic_failure())
        except BaseException:
            # The worker is being stopped hard (a second Ctrl-C): recovery queues it again.
            progress.stop_reporter()
            raise
        else:
            if returned is not None and not isinstance(returned, dict):
                logger.error("Job %s (%s) returned %r, not a dict", job.pk, job.kind, returned)
                _finish(job, progress, status=Job.Status.FAILED, error=generic_failure())
            else:
                _finish(job, progress, status=Job.Status.SUCCEEDED, result=returned or {})
        return job.status


def _origin(job: Job) -> request_context.RequestContext:
    known = {field.name for field in dataclasses.fields(request_context.RequestContext)}
    origin = job.origin if isinstance(job.origin, dict) else {}
    return request_context.RequestContext(**{k: v for k, v in origin.items() if k in known})


def _claim(job_id: int) -> Job | None:
    with transaction.atomic():
        job = (
            Job.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("created_by", "project", "federation")
            .filter(pk=job_id, status=Job.Status.QUEUED)
            .first()
        )
        if job is None:
            return None
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.error_message = ""
        job.save(
            update_fields=["status", "attempts", "started_at", "heartbeat_at", "error_message"]
        )
    return job


def _finish(
    job: Job, progress: Progress, *, status: str, result: dict | None = None, error: str = ""
) -> None:
    progress.stop_reporter()
    now = timezone.now()
    fields = {
        "status": status,
        "finished_at": now,
        "heartbeat_at": now,
        "progress_done": progress.done,
        "progress_total": progress.total,
        "progress_label": progress.label,
        "error_message": error,
        # Where the user goes next, or back to after a failure (e.g. the import's page).
        "result_url": job.result_url,
    }
    if status == Job.Status.SUCCEEDED:
        if progress.total:
            fields["progress_done"] = progress.total
        fields |= {"result": result or {}, "result_file": job.result_file.name or ""}
    elif job.result_file:
        # A file the failed run left behind is not offered: nobody would download it.
        job.result_file.delete(save=False)
        fields["result_file"] = ""
    try:
        with transaction.atomic():
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields)
    except Exception:
        # E.g. a result that is not JSON: recorded as a failure rather than lost.
        logger.exception("Job %s (%s): the outcome could not be saved", job.pk, job.kind)
        fields = {
            "status": Job.Status.FAILED,
            "finished_at": now,
            "error_message": generic_failure(),
        }
        with transaction.atomic():
            Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)

"""Starting jobs and recovering the ones whose worker died."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from fokus import request_context
from fokus.jobs.registry import handler_for
from fokus.jobs.tasks import run_job
from fokus.models import Job, Project, User

logger = logging.getLogger(__name__)


def stuck_message() -> str:
    return _("The job was interrupted when the background worker restarted. Please try again.")


@transaction.atomic
def start_job(
    *,
    kind: str,
    user: User,
    project: Project | None = None,
    title: str,
    params: dict | None = None,
) -> Job:
    """A queued job of the registered `kind`, run by a worker once the caller's transaction
    has committed (so the worker finds the row). `params` must be JSON: ids, ISO dates."""
    handler_for(kind)  # an unknown kind is a programming error, raised here and not later
    job = Job.objects.create(
        federation_id=user.federation_id,
        project=project,
        kind=kind,
        title=title[: Job._meta.get_field("title").max_length],
        params=params or {},
        origin=dataclasses.asdict(request_context.current()),
        created_by=user,
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


def _enqueue(job_id: int) -> None:
    result = run_job.enqueue(job_id)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id))


def _task_is_waiting(task_id: str) -> bool:
    """Whether the job's task is still in the queue (or being run)."""
    if not task_id:
        return False
    try:
        return not run_job.get_backend().get_result(task_id).is_finished
    except Exception:  # gone (pruned), or a backend without results
        return False


def _close_dead_task(task_id: str, *, now: datetime) -> None:
    """The dead worker's task stays "running" in the queue table for ever (nothing else
    finishes it, and prune_db_task_results prunes finished tasks only): mark it failed."""
    if task_id and isinstance(run_job.get_backend(), DatabaseBackend):
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="fokus.jobs.WorkerLost",
            traceback="The worker stopped without finishing the task (fokus.jobs recovery).",
        )


@transaction.atomic
def recover_stuck_jobs(*, job_ids: list[int] | None = None, now: datetime | None = None) -> int:
    """Jobs whose worker died: running without a heartbeat for FOKUS_JOB_STALE_SECONDS, or
    queued that long with no task waiting for them (the enqueue after the commit was lost).
    Each is queued again while it has had fewer than FOKUS_JOB_MAX_ATTEMPTS runs, else marked
    failed with a message. Returns how many were recovered. Handlers are written so that a
    second run finishes what the first began."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.FOKUS_JOB_STALE_SECONDS)
    candidates = Job.objects.select_for_update(skip_locked=True).filter(
        Q(status=Job.Status.RUNNING)
        & (Q(heartbeat_at__lt=stale_before) | Q(heartbeat_at__isnull=True))
        | Q(status=Job.Status.QUEUED, created_at__lt=stale_before)
    )
    if job_ids is not None:
        candidates = candidates.filter(pk__in=job_ids)
    recovered = 0
    for job in candidates:
        if job.status == Job.Status.QUEUED and _task_is_waiting(job.task_id):
            continue  # only waiting for a free worker
        if job.status == Job.Status.RUNNING:
            _close_dead_task(job.task_id, now=now)
        if job.status == Job.Status.QUEUED or job.attempts < settings.FOKUS_JOB_MAX_ATTEMPTS:
            logger.warning("Job %s (%s) is queued again after its worker stopped", job.pk, job.kind)
            job.status = Job.Status.QUEUED
            job.task_id = ""
            job.save(update_fields=["status", "task_id"])
            transaction.on_commit(partial(_enqueue, job.pk))
        else:
            logger.warning("Job %s (%s) failed: its worker stopped again", job.pk, job.kind)
            job.status = Job.Status.FAILED
            job.error_message = stuck_message()
            job.finished_at = now
            job.save(update_fields=["status", "error_message", "finished_at"])
        recovered += 1
    return recovered


@transaction.atomic
def job_refresh(*, job: Job) -> Job:
    """The job as stored now, recovered first if it is stuck (its page asks this on every
    poll, so a dead worker's job does not spin for ever)."""
    if job.is_active:
        recover_stuck_jobs(job_ids=[job.pk])
    job.refresh_from_db()
    return job

"""Background jobs: one row per long piece of work a user started (an import, a large PDF, a
survey's e-mails). The row is what the user's page polls: status, progress and the result or
the error. The work itself runs in a django-tasks worker (`fokus.jobs`)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fokus.models.organisation import Federation
from fokus.models.projects import Project
from fokus.tenancy import federation_matches_project


class JobQuerySet(models.QuerySet):
    def for_user(self, user):
        """The jobs this user may see: the ones they started themselves, in their federation.
        Anyone else's job is a 404, whatever their role (a job's result is its starter's)."""
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        return self.filter(federation_id=user.federation_id, created_by=user)


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="jobs"
    )
    # The registered handler's name (`fokus.jobs.job_handler`), e.g. "imports.preview".
    kind = models.CharField(max_length=40)
    title = models.CharField(_("title"), max_length=200)
    params = models.JSONField(default=dict, blank=True)
    # The starting request's address, browser and site (fokus.request_context): the worker
    # runs the handler as if inside that request, for the access log and links in e-mails.
    origin = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    progress_label = models.CharField(max_length=200, blank=True)
    result = models.JSONField(default=dict, blank=True)
    result_url = models.CharField(max_length=500, blank=True)
    # Downloaded through `job-file`, which asks the handler's permission again.
    result_file = models.FileField(upload_to="jobs/%Y/%m/", blank=True, max_length=255)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The django-tasks result id of the latest enqueue: recovery tells a lost enqueue by it.
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]
        triggers = [federation_matches_project("job")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def percent(self) -> int | None:
        """0–100, or None while the total is unknown."""
        if not self.progress_total:
            return 100 if self.status == self.Status.SUCCEEDED else None
        return min(100, self.progress_done * 100 // self.progress_total)

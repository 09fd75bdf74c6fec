"""Spreadsheet imports: one row per uploaded file. The records it brought in point back here
(with their row in the file), so every imported referral, enrolment, rating or answer says
where it came from, who brought it in and when. The import itself is `imports`."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fokus.models.organisation import Federation
from fokus.models.projects import Project


class ImportKind(models.TextChoices):
    PARTICIPANTS = "participants", _("Participants")
    RATINGS = "ratings", _("Step ratings")
    RESPONSES = "responses", _("Survey responses")


class ImportBatchQuerySet(models.QuerySet):
    def in_federation(self, user):
        """The tenant only: the view asks the project's permission (403) after this (404)."""
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        return self.filter(federation_id=user.federation_id)


# An upload that was checked but never imported holds personal data for no purpose: it is
# deleted after this many days (`imports.services`, and the nightly `apply_retention`).
UPLOAD_KEPT_DAYS = 7


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PREVIEWED = "previewed", _("Checked")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="import_batches")
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    # Survey responses: which survey the file answers, when chosen on upload (else a column).
    survey_id = models.PositiveIntegerField(null=True, blank=True)
    file_name = models.CharField(_("file"), max_length=255)
    # The upload itself holds personal data: it is deleted once imported (`imports.services`).
    file = models.FileField(upload_to="imports/%Y/%m/", blank=True)
    file_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UPLOADED
    )
    # The dry run: {"counts": {...}, "rows": [{"row": 2, "key": ..., "outcome": ..., ...}]}.
    preview = models.JSONField(default=dict, blank=True)
    only_valid_rows = models.BooleanField(_("only the valid rows"), default=False)
    result = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

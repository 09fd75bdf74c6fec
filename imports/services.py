"""An import from upload to the written rows: keep the file, check it (the dry run), and write
it in one transaction — everything, or with the user's explicit choice only the valid rows.

The check reads the database and writes nothing; it runs again inside the writing transaction,
so what is written is what the database holds at that moment, not what it held at the preview.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fokus.audit import log_access
from fokus.models import (
    UPLOAD_KEPT_DAYS,
    AccessAction,
    ImportBatch,
    ImportKind,
    Project,
    User,
)
from imports.base import Importer, Progress
from imports.outcomes import CheckResult
from imports.participants import ParticipantImporter
from imports.ratings import RatingImporter
from imports.reading import ImportFileError, read_rows
from imports.responses import ResponseImporter

IMPORTERS: dict[str, type[Importer]] = {
    ImportKind.PARTICIPANTS: ParticipantImporter,
    ImportKind.RATINGS: RatingImporter,
    ImportKind.RESPONSES: ResponseImporter,
}
StagedProgress = Callable[[int, int, str], None]


class ImportRefused(ValidationError):
    """The import cannot be written as asked; the message is for the user."""


def check_file(
    *,
    kind: str,
    project: Project,
    actor: User,
    file_name: str,
    content: bytes,
    survey_id: int | None = None,
    progress: Progress | None = None,
) -> CheckResult:
    """The dry run: every row's outcome against the database as it is now. Writes nothing.
    Raises ImportFileError when the file as a whole cannot be read."""
    importer = IMPORTERS[kind](project=project, actor=actor, survey_id=survey_id)
    headers, rows = read_rows(file_name, content)
    return importer.check(headers, rows, progress)


def batch_content(batch: ImportBatch) -> bytes:
    if not batch.file:
        raise ImportFileError(_("The uploaded file is no longer kept: upload it again."))
    with batch.file.open("rb") as handle:
        return handle.read()


def check_batch(batch: ImportBatch, *, progress: Progress | None = None) -> CheckResult:
    return check_file(
        kind=batch.kind,
        project=batch.project,
        actor=batch.created_by,
        file_name=batch.file_name,
        content=batch_content(batch),
        survey_id=batch.survey_id,
        progress=progress,
    )


@transaction.atomic
def import_upload(
    *,
    actor: User,
    project: Project,
    kind: str,
    file_name: str,
    content: bytes,
    survey_id: int | None = None,
) -> ImportBatch:
    """Keep an uploaded file for its dry run. Uploads of the project left unimported for a
    week are deleted on the way."""
    if kind not in IMPORTERS:
        raise ImportRefused(_("Choose what the file holds."))
    _delete_stale_uploads(project)
    batch = ImportBatch(
        federation_id=project.federation_id,
        project=project,
        kind=kind,
        survey_id=survey_id,
        file_name=file_name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        created_by=actor,
    )
    # Stored under a name of its own: the user's file name may say more than it should.
    extension = file_name.rsplit(".", 1)[-1].lower()
    batch.file.save(f"{batch.public_id}.{extension}", ContentFile(content), save=False)
    batch.save()
    log_access(actor=actor, action=AccessAction.CREATE, obj=batch, detail=f"uploaded {kind}")
    return batch


def _delete_stale_uploads(project: Project) -> None:
    cutoff = timezone.now() - timedelta(days=UPLOAD_KEPT_DAYS)
    stale = (
        ImportBatch.objects.filter(project=project, created_at__lt=cutoff)
        .exclude(status=ImportBatch.Status.COMMITTED)
        .exclude(file="")
    )
    for batch in stale:
        _forget_file(batch)


def _forget_file(batch: ImportBatch) -> None:
    """Delete the stored upload once the transaction has committed."""
    if not batch.file:
        return
    storage, name = batch.file.storage, batch.file.name
    ImportBatch.objects.filter(pk=batch.pk).update(file="")
    batch.file = ""
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def import_preview_save(*, batch: ImportBatch, result: CheckResult) -> ImportBatch:
    """Keep the dry run's outcome on the batch for the preview page."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status == ImportBatch.Status.COMMITTED:
        raise ImportRefused(_("This file has been imported already."))
    batch.preview = result.as_json()
    batch.status = ImportBatch.Status.PREVIEWED
    batch.save(update_fields=["preview", "status"])
    return batch


@transaction.atomic
def import_failed(*, batch: ImportBatch, message: str) -> ImportBatch:
    """The file could not be read: the batch says why."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ImportBatch.Status.COMMITTED:
        batch.status = ImportBatch.Status.FAILED
        batch.preview = {"error": message}
        batch.save(update_fields=["status", "preview"])
    return batch


@transaction.atomic
def import_commit(
    *,
    batch: ImportBatch,
    actor: User,
    only_valid_rows: bool = False,
    progress: StagedProgress | None = None,
) -> ImportBatch:
    """Write the file in one transaction. With an error in any row nothing is written, unless
    `only_valid_rows`: then the rows without errors are, and the others are reported. The file
    is checked again first, so the rows written are checked against the database as it is.
    `progress(done, total, label)`: checking is the first half, writing the second."""
    report = progress or (lambda done, total, label: None)
    batch = ImportBatch.objects.select_for_update().select_related("project").get(pk=batch.pk)
    if batch.status == ImportBatch.Status.COMMITTED:
        raise ImportRefused(_("This file has been imported already."))
    importer = IMPORTERS[batch.kind](project=batch.project, actor=actor, survey_id=batch.survey_id)
    headers, rows = read_rows(batch.file_name, batch_content(batch))
    steps = 2 * max(len(rows), 1)
    checking = _("Checking the rows again")
    result = importer.check(headers, rows, lambda done, total: report(done, steps, checking))
    report(steps // 2, steps, _("Writing to the database"))
    if result.has_errors and not only_valid_rows:
        raise ImportRefused(
            _(
                "%(count)s rows have errors, so nothing was imported. Correct the file, or "
                "choose to import only the valid rows."
            )
            % {"count": result.counts()["error"]}
        )
    written = importer.write(result, batch=batch)
    report(steps, steps, _("Imported"))
    batch.status = ImportBatch.Status.COMMITTED
    batch.only_valid_rows = only_valid_rows
    batch.committed_by = actor
    batch.committed_at = timezone.now()
    batch.preview = result.as_json()
    batch.result = {**result.counts(), **{f"written_{k}": v for k, v in written.items()}}
    batch.save()
    _forget_file(batch)
    counts = result.counts()
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=batch,
        detail=(
            f"imported {batch.kind}: {counts['new']} new, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['error']} rows with errors left out"
        ),
    )
    return batch

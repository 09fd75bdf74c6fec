"""The import's two background jobs: the dry run of an uploaded file, and the write.

Both may run twice (a worker that died is replaced, `fokus.jobs`): the dry run simply checks
again, and a write that had committed before the worker died is found committed and reported
as done."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from fokus.jobs import JobError, job_handler
from fokus.models import ImportBatch
from imports import services
from imports.reading import ImportFileError


def batch_url(batch: ImportBatch) -> str:
    return reverse("imports:batch", args=[batch.project_id, batch.public_id])


def _batch(job) -> ImportBatch:
    return ImportBatch.objects.select_related("project", "created_by").get(
        pk=job.params["batch_id"]
    )


def _summary(counts: dict) -> str:
    return (
        _("%(new)s new, %(updated)s updated, %(unchanged)s unchanged, %(error)s with errors.")
        % counts
    )


@job_handler("imports.preview", permission="imports.run")
def preview(job, progress) -> dict:
    batch = _batch(job)
    job.result_url = batch_url(batch)

    def report(done: int, total: int) -> None:
        progress(
            done,
            total,
            label=_("Checking row %(done)s of %(total)s")
            % {
                "done": done,
                "total": total,
            },
        )

    try:
        result = services.check_batch(batch, progress=report)
    except ImportFileError as error:
        services.import_failed(batch=batch, message=str(error))
        raise JobError(str(error)) from error
    services.import_preview_save(batch=batch, result=result)
    return {
        "message": _("The file is checked: %(summary)s") % {"summary": _summary(result.counts())}
    }


@job_handler("imports.commit", permission="imports.run")
def commit(job, progress) -> dict:
    batch = _batch(job)
    job.result_url = batch_url(batch)
    if batch.status != ImportBatch.Status.COMMITTED:
        try:
            batch = services.import_commit(
                batch=batch,
                actor=job.created_by,
                only_valid_rows=bool(job.params.get("only_valid_rows")),
                progress=lambda done, total, label: progress(done, total, label=label),
            )
        except (ImportFileError, services.ImportRefused) as error:
            message = error.messages[0] if hasattr(error, "messages") else str(error)
            raise JobError(message) from error
    return {"message": _("Imported: %(summary)s") % {"summary": _summary(batch.result)}}

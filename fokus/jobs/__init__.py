"""Background jobs: long work (imports, large PDFs, survey e-mails) run by a worker while the
user watches its progress on the job's page (`reverse("job", kwargs={"public_id": …})`).

    from fokus.jobs import JobError, job_handler, start_job

    @job_handler("imports.preview", permission="imports.run")   # permission: optional
    def preview(job, progress):
        rows = ...
        for number, row in enumerate(rows, 1):
            ...                                  # write through services, each atomic
            progress(number, len(rows), label=_("Checking row %(n)d") % {"n": number})
        if nothing_valid:
            raise JobError(_("No row could be read: ..."))   # failed, with this message
        job.result_url = reverse("imports:preview", args=[...])   # "Continue" link
        job.result_file.save("name.pdf", ContentFile(data), save=False)   # "Download"
        return {"message": _("12 rows checked."), "counts": {...}}   # -> job.result

    job = start_job(kind="imports.preview", user=request.user, project=project,
                    title=_("Checking %(file)s") % {...}, params={"batch_id": batch.pk})
    return redirect("job", public_id=job.public_id)

The contract of a handler, `handler(job, progress) -> dict | None`:
- What it returns is stored as `job.result` (JSON). `result["message"]`, if any, is shown on
  the page when the job is done; `result["file_name"]` is the download's name.
- Where the user goes next and what they download are set on `job` itself:
  `job.result_url = ...` and `job.result_file.save(name, content, save=False)`; they are
  saved with the outcome (a file of a failed run is deleted).
- `raise JobError("<Swedish message>")`: the job fails with that message. Any other exception
  fails it with a general message, and its traceback goes to the log.
- It may run twice: a worker that dies mid-job (no heartbeat for FOKUS_JOB_STALE_SECONDS)
  has its job queued again (FOKUS_JOB_MAX_ATTEMPTS runs in all). So a handler skips what
  the first run finished (e.g. contacts already invited) or starts over from nothing.
- It writes through services, each in a transaction of its own, and never holds one
  transaction over the whole job: what it reports must be visible, and a half-done job must
  be resumable. Progress from inside a transaction is still shown (`fokus.jobs.progress`).

Access: a job is its starter's only (`Job.objects.for_user`); with `permission`, the page and
the file also ask that project permission again. The worker: `manage.py run_worker`.
"""

from fokus.jobs.progress import Progress
from fokus.jobs.registry import HANDLERS, JobError, JobHandler, handler_for, job_handler
from fokus.jobs.services import job_refresh, recover_stuck_jobs, start_job, stuck_message
from fokus.jobs.tasks import run_job

__all__ = [
    "HANDLERS",
    "JobError",
    "JobHandler",
    "Progress",
    "handler_for",
    "job_handler",
    "job_refresh",
    "recover_stuck_jobs",
    "run_job",
    "start_job",
    "stuck_message",
]

"""Background jobs (fokus/jobs): a job goes queued → running → succeeded or failed, shows its
progress and its result or error on its page (polled with htmx, or reloaded without
JavaScript), is recovered when its worker died, and is seen by its starter only."""

from __future__ import annotations

import logging
import signal
import time
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from fokus.jobs import JobError, Progress, job_handler, recover_stuck_jobs, start_job
from fokus.jobs.services import stuck_message
from fokus.jobs.tasks import generic_failure
from fokus.management.commands.run_worker import Recovery
from fokus.models import Job
from tests.browser.conftest import restore_built_in_rows
from tests.world import run_queued_jobs

pytestmark = pytest.mark.django_db

# --- Handlers of the tests' own -----------------------------------------------------------------


@job_handler("tests.count")
def count(job, progress):
    n = job.params["n"]
    seen = Job.objects.get(pk=job.pk).status  # as another reader of the row sees it
    for number in range(1, n + 1):
        progress(number, n, label=f"Rad {number}")
    job.result_url = "/projects/"
    return {"message": f"Räknade till {n}.", "seen_while_running": seen}


@job_handler("tests.refuse")
def refuse(job, progress):
    progress(1, 4, label="Läser filen")
    raise JobError("Filen saknar kolumnen Personnummer. Lägg till den och ladda upp igen.")


@job_handler("tests.crash")
def crash(job, progress):
    raise RuntimeError("hemlig detalj 19850101-9801")


@job_handler("tests.file")
def make_file(job, progress):
    job.result_file.save("resultat.txt", ContentFile(b"klart"), save=False)
    return {"file_name": "resultat.txt"}


@job_handler("tests.file_then_crash")
def file_then_crash(job, progress):
    job.result_file.save("halvfardig.txt", ContentFile(b"halv"), save=False)
    raise RuntimeError("mitt i")


# --- Helpers ------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def started(user, capture, kind="tests.count", **params):
    with capture(execute=True):
        return start_job(kind=kind, user=user, title="Räknar", params=params or {"n": 3})


def page(job):
    return reverse("job", kwargs={"public_id": job.public_id})


def status_url(job):
    return reverse("job-status", kwargs={"public_id": job.public_id})


def file_url(job):
    return reverse("job-file", kwargs={"public_id": job.public_id})


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


# --- States -------------------------------------------------------------------------------------


def test_it_runs_a_job_from_queued_through_running_to_succeeded(
    coordinator, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks, n=3)
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.attempts == 0 and job.task_id
    assert job.federation == coordinator.federation and job.created_by == coordinator

    assert run_queued_jobs() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result == {"message": "Räknade till 3.", "seen_while_running": "running"}
    assert (job.progress_done, job.progress_total, job.progress_label) == (3, 3, "Rad 3")
    assert job.result_url == "/projects/"
    assert job.attempts == 1 and job.error_message == ""
    assert job.started_at <= job.finished_at and job.heartbeat_at is not None
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    assert run_queued_jobs() == 0  # nothing left, and a job is never run twice


def test_it_enqueues_only_once_the_transaction_has_committed(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = start_job(kind="tests.count", user=coordinator, title="Räknar", params={"n": 1})
        assert not DBTaskResult.objects.exists()
    assert len(callbacks) == 1
    assert not DBTaskResult.objects.exists()
    callbacks[0]()
    job.refresh_from_db()
    assert DBTaskResult.objects.get().id.hex == job.task_id.replace("-", "")


def test_it_refuses_an_unknown_kind(coordinator):
    with pytest.raises(LookupError):
        start_job(kind="tests.nothing", user=coordinator, title="x", params={})
    assert not Job.objects.exists()


def test_a_job_error_fails_the_job_with_its_message_on_the_page(
    coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks, kind="tests.refuse")
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    message = "Filen saknar kolumnen Personnummer. Lägg till den och ladda upp igen."
    assert job.error_message == message
    response = coordinator_client.get(page(job))
    assert response.status_code == 200
    assert message in response.text
    assert 'data-testid="job-error"' in response.text
    assert "hx-get" not in response.text and 'http-equiv="refresh"' not in response.text


def test_an_unexpected_error_fails_the_job_with_a_general_message_and_logs_it(
    coordinator, coordinator_client, django_capture_on_commit_callbacks, caplog
):
    job = started(coordinator, django_capture_on_commit_callbacks, kind="tests.crash")
    with caplog.at_level(logging.ERROR, logger="fokus.jobs.tasks"):
        run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error_message == generic_failure()
    assert "hemlig detalj" in caplog.text  # the traceback is in the log ...
    response = coordinator_client.get(page(job))
    assert response.status_code == 200
    assert generic_failure() in response.text
    assert "hemlig detalj" not in response.text  # ... never on the page


def test_a_failed_job_leaves_no_file_behind(coordinator, django_capture_on_commit_callbacks):
    job = started(coordinator, django_capture_on_commit_callbacks, kind="tests.file_then_crash")
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and not job.result_file


# --- Progress -----------------------------------------------------------------------------------


def test_the_status_fragment_and_json_show_the_progress(
    coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks, n=4)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING,
        progress_done=1,
        progress_total=4,
        progress_label="Rad 1",
        heartbeat_at=timezone.now(),
    )
    fragment = coordinator_client.get(status_url(job), headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert f'hx-get="{status_url(job)}"' in fragment.text
    assert 'hx-trigger="every 1s"' in fragment.text
    assert 'value="25"' in fragment.text and "Rad 1" in fragment.text
    assert "<html" not in fragment.text  # a fragment, not a page
    answer = coordinator_client.get(status_url(job), headers={"Accept": "application/json"})
    assert answer.json() == {
        "status": "running",
        "done": 1,
        "total": 4,
        "percent": 25,
        "label": "Rad 1",
        "message": "",
        "error": "",
        "result_url": "",
        "file_url": "",
    }


def test_the_page_reloads_itself_without_javascript_until_the_job_is_done(
    coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks, n=2)
    waiting = coordinator_client.get(page(job))
    assert waiting.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in waiting.text
    assert 'hx-trigger="every 1s"' in waiting.text
    assert job.get_status_display() in waiting.text

    run_queued_jobs()
    done = coordinator_client.get(page(job))
    assert 'http-equiv="refresh"' not in done.text and "hx-get" not in done.text
    assert "Räknade till 2." in done.text
    assert 'href="/projects/"' in done.text  # where the user goes next
    finished = coordinator_client.get(status_url(job), headers={"HX-Request": "true"})
    assert "hx-trigger" not in finished.text  # the polling stops


def test_progress_writes_are_rate_limited_but_the_last_is_always_written(
    coordinator, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING)
    job.refresh_from_db()
    progress = Progress(job)
    with CaptureQueriesContext(connection) as queries:
        for number in range(1, 5001):
            progress(number, 5000, label=f"Rad {number}")
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert 50 <= len(updates) <= 110  # about once per whole per cent, not 5000 times
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.progress_label) == (5000, 5000, "Rad 5000")
    assert job.heartbeat_at is not None


def test_a_file_is_downloaded_by_its_starter(
    coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks, kind="tests.file")
    assert coordinator_client.get(file_url(job)).status_code == 404  # not made yet
    run_queued_jobs()
    assert f'href="{file_url(job)}"' in coordinator_client.get(page(job)).text
    response = coordinator_client.get(file_url(job))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"klart"
    assert response["Content-Disposition"] == 'attachment; filename="resultat.txt"'


# --- Stuck jobs ------------------------------------------------------------------------------


def _stuck(job, *, attempts):
    """As a worker that died mid-job leaves it: the job and its task running, no heartbeat."""
    long_ago = timezone.now() - timedelta(minutes=10)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=attempts, started_at=long_ago, heartbeat_at=long_ago
    )
    job.refresh_from_db()
    DBTaskResult.objects.filter(id=job.task_id).update(status="RUNNING")


def test_a_stuck_job_is_queued_again_then_runs(coordinator, django_capture_on_commit_callbacks):
    job = started(coordinator, django_capture_on_commit_callbacks, n=2)
    run_queued_jobs()
    Job.objects.filter(pk=job.pk).update(result={})
    _stuck(job, attempts=1)
    # A job with a fresh heartbeat is left alone.
    fresh = started(coordinator, django_capture_on_commit_callbacks, n=2)
    Job.objects.filter(pk=fresh.pk).update(status=Job.Status.RUNNING, heartbeat_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.SUCCEEDED, 2)
    assert DBTaskResult.objects.filter(status="RUNNING").count() == 0
    assert job.result["message"] == "Räknade till 2."
    fresh.refresh_from_db()
    assert fresh.status == Job.Status.RUNNING


def test_a_job_stuck_again_fails_with_a_message_when_its_page_is_read(
    coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks)
    run_queued_jobs()
    _stuck(job, attempts=2)
    response = coordinator_client.get(page(job))
    assert response.status_code == 200
    assert stuck_message() in response.text
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None


def test_a_job_whose_enqueue_was_lost_is_queued_again(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(kind="tests.count", user=coordinator, title="Räknar", params={"n": 1})
    assert recover_stuck_jobs() == 0  # not yet stale: it may just be on its way
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        assert recover_stuck_jobs() == 1
    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", 200),
        ("case_officer_a", 404),
        ("case_group_member", 404),
        ("federation_staff", 404),
        ("federation_admin", 404),
        ("outsider", 404),
        ("outsider_admin", 404),
        ("no_role_user", 403),
    ],
)
def test_a_job_is_seen_by_its_starter_only(
    persona_client, coordinator, django_capture_on_commit_callbacks, persona, expected
):
    job = started(coordinator, django_capture_on_commit_callbacks, kind="tests.file")
    run_queued_jobs()
    client = persona_client(persona)
    for url in (page(job), status_url(job), file_url(job)):
        response = client.get(url)
        assert response.status_code == expected, url
        if expected != 200:
            assert "Räknar" not in response.content.decode(errors="replace"), url


def test_anonymous_visitors_are_sent_to_login(coordinator, django_capture_on_commit_callbacks):
    job = started(coordinator, django_capture_on_commit_callbacks)
    response = Client().get(page(job))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_job_pages_take_no_post(
    coordinator_client, coordinator, django_capture_on_commit_callbacks
):
    job = started(coordinator, django_capture_on_commit_callbacks)
    for url in (page(job), status_url(job), file_url(job)):
        assert coordinator_client.post(url).status_code == 405


# --- The real worker, in autocommit ---------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_runs_a_job_in_autocommit(coordinator, settings):
    restore_built_in_rows()  # an earlier transactional test's flush removed them
    settings.FOKUS_JOB_HEARTBEAT_SECONDS = 0  # the reporter thread beats on every round
    job = start_job(kind="tests.count", user=coordinator, title="Räknar", params={"n": 5})
    job.refresh_from_db()
    assert job.task_id  # in autocommit the enqueue happened at once
    stuck = start_job(kind="tests.count", user=coordinator, title="Fast", params={"n": 1})
    _stuck(stuck, attempts=1)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "run_worker",
            batch=True,
            reload=False,
            startup_delay=False,
            interval=0,
            verbosity=0,
        )
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert job.result["seen_while_running"] == "running"
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts) == (Job.Status.SUCCEEDED, 2)  # recovered, then run


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_recovers_jobs_that_get_stuck_meanwhile(coordinator):
    """A worker that runs on finds, every FOKUS_JOB_STALE_SECONDS, the jobs another worker
    left when it died: they need not wait for a worker to start or their page to be read."""
    restore_built_in_rows()
    stuck = start_job(kind="tests.count", user=coordinator, title="Fast", params={"n": 1})
    _stuck(stuck, attempts=2)  # its last attempt: recovery marks it failed
    recovery = Recovery(interval=0.05)
    recovery.start()
    try:
        for _ in range(100):
            stuck.refresh_from_db()
            if stuck.status == Job.Status.FAILED:
                break
            time.sleep(0.05)
    finally:
        recovery.stop()
        recovery.join(timeout=5)
    assert stuck.status == Job.Status.FAILED
    assert stuck.error_message == stuck_message()
    assert not recovery.is_alive()

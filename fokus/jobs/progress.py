"""What a handler reports while it works: `progress(done, total, label="")`.

Written to the job's row (with its heartbeat) at most every half second or every whole per
cent, and always the last call. A handler may report from inside a transaction of its own: in
the worker a reporter thread, on a database connection of its own, writes what was reported
last and a heartbeat every FOKUS_JOB_HEARTBEAT_SECONDS, so the page moves and a long step
is not taken for a dead worker. When the job runs inside a transaction (the test suite's),
there is no thread and every write goes through the job's own connection."""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from fokus.models import Job

logger = logging.getLogger(__name__)

MIN_INTERVAL = 0.5  # seconds between two writes of the progress
LABEL_LENGTH = Job._meta.get_field("progress_label").max_length


class Progress:
    def __init__(self, job: Job, *, threaded: bool = False) -> None:
        self.job = job
        self.threaded = threaded
        self._lock = threading.Lock()
        self.done, self.total, self.label = job.progress_done, job.progress_total, ""
        self._dirty = False
        self._written_at = 0.0  # time.monotonic() of the last write
        self._written_percent = -1
        self._reporter: _Reporter | None = None

    def __call__(self, done: int, total: int, label: str = "") -> None:
        total = max(0, int(total))
        done = max(0, int(done))
        if total:
            done = min(done, total)
        with self._lock:
            self.done, self.total, self.label = done, total, str(label)[:LABEL_LENGTH]
            self._dirty = True
        # From inside the handler's own transaction the write would stay unseen until it
        # commits (and would lock the row): the reporter thread writes it instead.
        if not self.threaded or not connection.in_atomic_block:
            self._write(force=bool(total) and done >= total)

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 0

    def _due(self, *, force: bool) -> bool:
        return force or (
            time.monotonic() - self._written_at >= MIN_INTERVAL
            or self.percent > self._written_percent
        )

    def _write(self, *, force: bool = False, heartbeat_only: bool = False) -> bool:
        with self._lock:
            if not heartbeat_only and not (self._dirty and self._due(force=force)):
                return False
            values = {"heartbeat_at": timezone.now()}
            if self._dirty:
                values |= {
                    "progress_done": self.done,
                    "progress_total": self.total,
                    "progress_label": self.label,
                }
                self._dirty = False
                self._written_percent = self.percent
            self._written_at = time.monotonic()
        # Never brings a finished job back: only a running row is touched.
        Job.objects.filter(pk=self.job.pk, status=Job.Status.RUNNING).update(**values)
        for name, value in values.items():
            setattr(self.job, name, value)
        return True

    # --- The reporter thread ----------------------------------------------------------------

    def start_reporter(self) -> None:
        if self.threaded and self._reporter is None:
            self._reporter = _Reporter(self)
            self._reporter.start()

    def stop_reporter(self) -> None:
        if self._reporter is not None:
            self._reporter.stop.set()
            self._reporter.join()
            self._reporter = None


class _Reporter(threading.Thread):
    def __init__(self, progress: Progress) -> None:
        super().__init__(name=f"job-{progress.job.pk}-progress", daemon=True)
        self.progress = progress
        self.stop = threading.Event()
        self.heartbeat_seconds = settings.FOKUS_JOB_HEARTBEAT_SECONDS

    def run(self) -> None:
        last_beat = time.monotonic()
        try:
            while not self.stop.wait(MIN_INTERVAL):
                beat = time.monotonic() - last_beat >= self.heartbeat_seconds
                try:
                    with transaction.atomic():
                        # The handler may hold the row locked in its transaction: skip a
                        # round rather than wait for it.
                        with connection.cursor() as cursor:
                            cursor.execute("SET LOCAL lock_timeout = '2s'")
                        wrote = self.progress._write(heartbeat_only=beat)
                except DatabaseError:
                    logger.warning("Job %s: progress not written this round", self.progress.job.pk)
                    continue
                if wrote:
                    last_beat = time.monotonic()
        finally:
            connection.close()

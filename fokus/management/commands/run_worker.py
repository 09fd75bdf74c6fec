"""`manage.py run_worker`: recover the jobs a dead worker left, then work the queue — and
keep recovering while it runs, so that a job whose worker died (here or on another machine)
does not wait for a worker to start or for someone to open its page."""

import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from fokus.jobs import recover_stuck_jobs

logger = logging.getLogger(__name__)


class Recovery(threading.Thread):
    """Every `interval` seconds (FOKUS_JOB_STALE_SECONDS by default), `recover_stuck_jobs`
    on a connection of its own. A failed round is logged, never the worker's end."""

    def __init__(self, interval: float | None = None):
        super().__init__(name="job-recovery", daemon=True)
        self.interval = interval if interval is not None else settings.FOKUS_JOB_STALE_SECONDS
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                recovered = recover_stuck_jobs()
                if recovered:
                    logger.warning("Recovered %s stuck background jobs", recovered)
            except Exception:
                logger.exception("Recovering stuck background jobs failed")
            finally:
                connection.close()

    def stop(self) -> None:
        self.stopped.set()


class Command(DbWorkerCommand):
    help = "Recover stuck background jobs, then run a database worker (takes db_worker's options)."

    def handle(self, *args, **options):
        # With --reload this runs twice: in the watching parent and in the working child,
        # which alone recovers (it restarts on every code change, as a new worker would).
        parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if parent:
            return super().handle(*args, **options)
        recovered = recover_stuck_jobs()
        if options.get("verbosity", 1):
            self.stdout.write(f"Recovered {recovered} stuck background jobs.")
        recovery = Recovery()
        recovery.start()
        try:
            return super().handle(*args, **options)
        finally:
            recovery.stop()

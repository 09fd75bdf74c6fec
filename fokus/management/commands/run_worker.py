"""`manage.py run_worker`: recover the jobs a dead worker left, then work the queue."""

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from fokus.jobs import recover_stuck_jobs


class Command(DbWorkerCommand):
    help = "Recover stuck background jobs, then run a database worker (takes db_worker's options)."

    def handle(self, *args, **options):
        # With --reload this runs twice: in the watching parent and in the working child,
        # which alone recovers (it restarts on every code change, as a new worker would).
        parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not parent:
            recovered = recover_stuck_jobs()
            if options.get("verbosity", 1):
                self.stdout.write(f"Recovered {recovered} stuck background jobs.")
        return super().handle(*args, **options)

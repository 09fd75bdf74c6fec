from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "Import"

    def ready(self):
        # The background jobs that check and write an import (fokus.jobs registry).
        from imports import jobs  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FokusConfig(AppConfig):
    name = "fokus"
    verbose_name = _("Organisations and access")

    def ready(self) -> None:
        # Login events reach the access log through Django's auth signals, the only hook
        # the login machinery (and django-axes) offers.
        from fokus import signals  # noqa: F401

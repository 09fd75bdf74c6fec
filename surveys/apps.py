from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # The partner survey's e-mails are sent by background jobs (fokus.jobs).
        from surveys import jobs  # noqa: F401

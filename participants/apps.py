from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        # Participations follow their referral: opened on acceptance, ended on withdrawal.
        from participants import receivers  # noqa: F401

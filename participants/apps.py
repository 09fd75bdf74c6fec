from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = _("Participants")

    def ready(self):
        from django.db.models import F

        from fokus.logreview import subjects

        # Participations follow their referral: opened on acceptance, ended on withdrawal.
        from participants import receivers  # noqa: F401
        from participants.models import Enrolment

        # The access-log review (fokus.logreview) learns which log rows are about a person.
        subjects.register(
            "participants.enrolment",
            lambda: Enrolment.objects.annotate(
                subject_project_id=F("project_id"),
                subject_protected=F("referral__protected_identity"),
            ),
        )

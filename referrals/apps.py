from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        # The access-log review (fokus.logreview) learns which log rows are about a person.
        from django.db.models import F

        from fokus.logreview import subjects
        from referrals.models import Referral

        subjects.register(
            "referrals.referral",
            lambda: Referral.objects.annotate(
                subject_project_id=F("project_id"), subject_protected=F("protected_identity")
            ),
        )

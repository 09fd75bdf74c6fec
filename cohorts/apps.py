from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CohortsConfig(AppConfig):
    """A project's starts and places: planning data below referrals (a referral asks for a
    start) and participants (a participation belongs to one)."""

    name = "cohorts"
    verbose_name = _("Starts")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StepladderConfig(AppConfig):
    name = "stepladder"
    verbose_name = _("Step ladder")

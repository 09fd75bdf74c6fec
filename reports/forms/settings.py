"""A project's report settings (small cells). (The summary's period: `reports.forms.period`.)"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from reports.models import ReportSettings
from reports.smallcells import min_group_size

THRESHOLD_MAX = 10


class ReportSettingsForm(forms.ModelForm):
    """The threshold only: hiding small counts cannot be turned off, and the threshold cannot
    go below the deployment's floor (`settings.FOKUS_MIN_GROUP_SIZE`)."""

    small_cell_threshold = forms.IntegerField(label=_("Smallest count shown"))

    class Meta:
        model = ReportSettings
        fields = ["small_cell_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        floor = min_group_size()
        wrong = _("Enter a whole number from %(min)s to %(max)s.") % {
            "min": floor,
            "max": THRESHOLD_MAX,
        }
        field = self.fields["small_cell_threshold"]
        field.min_value, field.max_value = floor, THRESHOLD_MAX
        field.validators = [MinValueValidator(floor), MaxValueValidator(THRESHOLD_MAX)]
        field.widget.attrs.update({"min": floor, "max": THRESHOLD_MAX})
        field.help_text = _(
            "From %(min)s to %(max)s. Counts of people from 1 up to one less than this are "
            'shown as "x" in the reports, so that nobody can be picked out; so are the counts '
            "from which a hidden one could be worked out."
        ) % {"min": floor, "max": THRESHOLD_MAX}
        field.error_messages.update(
            {
                "required": _(
                    "Enter the smallest count shown, a whole number from %(min)s to %(max)s."
                )
                % {"min": floor, "max": THRESHOLD_MAX},
                "invalid": wrong,
                "min_value": wrong,
                "max_value": wrong,
            }
        )
        if not self.is_bound and self.instance.small_cell_threshold < floor:
            self.initial["small_cell_threshold"] = floor

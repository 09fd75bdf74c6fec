"""A project's report settings (small cells). (The summary's period: `reports.forms.period`.)"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportSettings

THRESHOLD_MIN, THRESHOLD_MAX = 2, 10


class ReportSettingsForm(forms.ModelForm):
    small_cell_threshold = forms.IntegerField(
        label=_("Smallest count shown"),
        min_value=THRESHOLD_MIN,
        max_value=THRESHOLD_MAX,
        help_text=_(
            'From 2 to 10. Counts from 1 up to one less than this are shown as "<3" (with the '
            "number you choose), so that nobody can be picked out."
        ),
        error_messages={
            "required": _("Enter the smallest count shown, a whole number from 2 to 10."),
            "invalid": _("Enter a whole number from 2 to 10."),
            "min_value": _("Enter a whole number from 2 to 10."),
            "max_value": _("Enter a whole number from 2 to 10."),
        },
    )

    class Meta:
        model = ReportSettings
        fields = ["hide_small_cells_in_final_report", "small_cell_threshold"]
        help_texts = {
            "hide_small_cells_in_final_report": _(
                "The final report goes to the förbund. The summary across projects always "
                "hides small counts, whatever is chosen here."
            ),
        }

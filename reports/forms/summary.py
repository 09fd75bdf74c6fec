"""The period of the förbund's summary, and a project's report settings (small cells)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from participants.forms.common import DATE_ERRORS, DATE_WIDGET
from reports.models import ReportSettings
from reports.summary import Period, default_period

THRESHOLD_MIN, THRESHOLD_MAX = 2, 10


class SummaryPeriodForm(forms.Form):
    """`?from=&to=`, both optional: the current calendar year to date by default. Bound to
    the query string, so an empty one is valid."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=DATE_WIDGET,
            error_messages=DATE_ERRORS,
            help_text=_("Empty: 1 January this year."),
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            widget=DATE_WIDGET,
            error_messages=DATE_ERRORS,
            help_text=_("Empty: today. Both days are included."),
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        default = default_period(timezone.localdate())
        start = cleaned.get("from") or default.start
        end = cleaned.get("to") or default.end
        if start > end:
            raise forms.ValidationError(
                _("The period must start on or before its last day (%(start)s – %(end)s).")
                % {"start": start.isoformat(), "end": end.isoformat()}
            )
        cleaned["period"] = Period(start, end)
        return cleaned


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

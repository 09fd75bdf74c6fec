"""The period of a report, read from the query string: `?from=YYYY-MM-DD&to=YYYY-MM-DD`. The
final report and the förbund's summary take it; each says what an empty field means."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.forms.common import DATE_ERRORS, DATE_WIDGET
from reports.figures import Period


class PeriodForm(forms.Form):
    """Both fields optional: a field left out means `default`'s day, so an empty query string
    is valid. The fields are called "from" and "to" in the query string, which Python cannot
    name a class attribute, so they are added in __init__."""

    def __init__(self, data=None, *, default: Period, start_help: str, end_help: str, **kwargs):
        super().__init__(data, **kwargs)
        self.default = default
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=DATE_WIDGET,
            error_messages=DATE_ERRORS,
            help_text=start_help,
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            widget=DATE_WIDGET,
            error_messages=DATE_ERRORS,
            help_text=end_help,
        )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        start = cleaned.get("from") or self.default.start
        end = cleaned.get("to") or self.default.end
        if start > end:
            raise forms.ValidationError(
                _("The period must start on or before its last day (%(start)s – %(end)s).")
                % {"start": start.isoformat(), "end": end.isoformat()}
            )
        cleaned["period"] = Period(start, end)
        return cleaned

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]


def project_period_form(data, *, default: Period) -> PeriodForm:
    """The final report's period: the project's run by default."""
    return PeriodForm(
        data,
        default=default,
        start_help=_("Empty: the project's start date."),
        end_help=_("Empty: the project's end date."),
    )


def summary_period_form(data=None, *, default: Period, **kwargs) -> PeriodForm:
    """The förbund summary's period: the current calendar year to date by default."""
    return PeriodForm(
        data,
        default=default,
        start_help=_("Empty: 1 January this year."),
        end_help=_("Empty: today. Both days are included."),
        **kwargs,
    )

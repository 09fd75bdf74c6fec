"""The filters of a survey's results: start, municipality and period (GET)."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus.models import Municipality
from surveys.models import Audience, Survey

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-09-01.")}


class ResultFilterForm(forms.Form):
    """Partner surveys are filtered by period only: their answers belong to no start."""

    cohort = forms.ModelChoiceField(
        label=_("Start"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("All starts"),
        error_messages={"invalid_choice": _("Choose one of the project's starts from the list.")},
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
        error_messages={
            "invalid_choice": _("Choose one of the project's municipalities from the list.")
        },
    )
    date_from = forms.DateField(
        label=_("Answered from"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )
    date_to = forms.DateField(
        label=_("Answered until"), required=False, widget=DATE_WIDGET, error_messages=DATE_ERRORS
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        super().__init__(*args, **kwargs)
        if survey.audience == Audience.PARTNERS:
            del self.fields["cohort"]
            del self.fields["municipality"]
        else:
            self.fields["cohort"].queryset = (
                Cohort.objects.filter(project_id=survey.project_id)
                .select_related("municipality")
                .order_by("start_date", "municipality__name", "pk")
            )
            self.fields["municipality"].queryset = (
                Municipality.objects.filter(
                    Q(projects__id=survey.project_id) | Q(cohorts__project_id=survey.project_id)
                )
                .distinct()
                .order_by("name")
            )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for `surveys.results.survey_results`; call after is_valid()."""
        data = self.cleaned_data
        cohort = data.get("cohort")
        return {
            "cohorts": [cohort] if cohort else None,
            "municipality": data.get("municipality"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
        }

    def describe(self) -> str:
        """The filters in use, for the access log (no personal data)."""
        parts = [
            f"{name}={value.pk if hasattr(value, 'pk') else value}"
            for name, value in self.cleaned_data.items()
            if value
        ]
        return ", ".join(parts)

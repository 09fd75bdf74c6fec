"""Planning forms: starts (cohorts) and, for rolling intake, yearly places per agency."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from cohorts.models import AgencyYearQuota, Cohort
from fokus import conflicts
from fokus.models import Agency, Project
from participants.forms.common import DATE_ERRORS as _DATE_ERRORS
from participants.forms.common import DATE_WIDGET as _DATE
from referrals.models import PLACE_HOLDING_STATUSES

PLACES_FIELDS = ["municipality", "start_date", "places", "places_per_agency", "release_date"]
SHAPE_FIELDS = [
    "group_weeks",
    "group_sessions_per_week",
    "session_minutes",
    "talks_before_group",
    "period_months",
]
# (min, max) of each shape field, the same ranges as the database constraints.
SHAPE_RANGES = {
    "group_weeks": (1, 52),
    "group_sessions_per_week": (1, 7),
    "session_minutes": (15, 480),
    "talks_before_group": (0, 3),
    "period_months": (1, 36),
}


class CohortForm(forms.ModelForm):
    version = conflicts.version_field()

    class Meta:
        model = Cohort
        fields = PLACES_FIELDS + SHAPE_FIELDS
        widgets = {"start_date": _DATE, "release_date": _DATE}
        help_texts = {
            "places": _("How many people the start takes in all."),
            "release_date": _(
                "Optional. After this date, places an agency has not used are open to every "
                "agency. Must be on or before the start date."
            ),
        }
        error_messages = {
            "municipality": {
                "required": _("Choose the municipality of the start."),
                "invalid_choice": _("Choose one of the project's municipalities."),
            },
            "start_date": {"required": _("Enter the start date."), **_DATE_ERRORS},
            "release_date": _DATE_ERRORS,
            "places": {"required": _("Enter the number of places.")},
            "places_per_agency": {"required": _("Enter the number of places per agency.")},
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        self.initial.setdefault("version", self.instance.edit_version if self.instance.pk else None)
        self.fields["municipality"].queryset = project.municipalities.all()
        for name in ("places", "places_per_agency"):
            self.fields[name].widget.attrs["min"] = 1
        for name, (low, high) in SHAPE_RANGES.items():
            field = self.fields[name]
            field.widget.attrs.update(min=low, max=high)
            message = _("Enter a whole number from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
            field.error_messages.update(required=message, invalid=message)
            field.range_message = message
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.render_hidden_fields = True
        self.helper.layout = Layout(
            Fieldset(_("Start and places"), *PLACES_FIELDS, css_id="section-places"),
            Fieldset(_("Programme shape"), *SHAPE_FIELDS, css_id="section-shape"),
        )

    def _clean_range(self, name: str) -> int:
        value = self.cleaned_data[name]
        low, high = SHAPE_RANGES[name]
        if not low <= value <= high:
            raise forms.ValidationError(self.fields[name].range_message)
        return value

    def clean_group_weeks(self):
        return self._clean_range("group_weeks")

    def clean_group_sessions_per_week(self):
        return self._clean_range("group_sessions_per_week")

    def clean_session_minutes(self):
        return self._clean_range("session_minutes")

    def clean_talks_before_group(self):
        return self._clean_range("talks_before_group")

    def clean_period_months(self):
        return self._clean_range("period_months")

    def _used(self) -> int:
        if self.instance.pk is None:
            return 0
        return self.instance.referrals.filter(status__in=PLACE_HOLDING_STATUSES).count()

    def clean_places(self):
        places = self.cleaned_data["places"]
        if places < 1:
            raise forms.ValidationError(_("A start needs at least one place."))
        used = self._used()
        if places < used:
            raise forms.ValidationError(
                _(
                    "%(used)d referrals already hold a place in this start: the start cannot "
                    "have fewer places than that."
                )
                % {"used": used}
            )
        return places

    def clean_places_per_agency(self):
        value = self.cleaned_data["places_per_agency"]
        if value < 1:
            raise forms.ValidationError(_("Each agency needs at least one place."))
        return value

    def clean_municipality(self):
        municipality = self.cleaned_data["municipality"]
        if (
            self.instance.pk
            and municipality.pk != self.instance.municipality_id
            and self.instance.referrals.exists()
        ):
            raise forms.ValidationError(
                _("People have been referred to this start, so its municipality cannot change.")
            )
        return municipality

    def clean(self):
        cleaned = super().clean()
        places, per_agency = cleaned.get("places"), cleaned.get("places_per_agency")
        if places and per_agency and per_agency > places:
            self.add_error(
                "places_per_agency",
                _("Places per agency cannot be more than the places of the whole start."),
            )
        start, release = cleaned.get("start_date"), cleaned.get("release_date")
        if start and release and release > start:
            self.add_error("release_date", _("The release date must be on or before the start."))
        return cleaned


class YearQuotaForm(forms.Form):
    """One agency's row of the table. The agency comes from the server, not from the post;
    the hidden field only checks that the list did not change in between."""

    agency = forms.IntegerField(widget=forms.HiddenInput)
    places = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=999,
        error_messages={
            "invalid": _("Enter a whole number of places."),
            "min_value": _("The number of places cannot be negative."),
            "max_value": _("Enter at most 999 places."),
        },
    )

    def __init__(self, *args, agency: Agency | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_agency = agency
        if agency is not None:
            self.fields["places"].label = _("Places for %(agency)s") % {"agency": agency.name}

    def clean_agency(self):
        value = self.cleaned_data["agency"]
        if self.row_agency is None or value != self.row_agency.pk:
            raise forms.ValidationError(
                _("The list of agencies has changed. Reload the page and enter the places again.")
            )
        return value


class BaseYearQuotaFormSet(BaseFormSet):
    """Exactly one row per referring agency of the project, in a fixed order."""

    def __init__(self, *args, agencies: list[Agency], **kwargs):
        self.agencies = agencies
        self.min_num = self.max_num = self.absolute_max = len(agencies)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        in_range = index is not None and index < len(self.agencies)
        kwargs["agency"] = self.agencies[index] if in_range else None
        return kwargs

    def places_by_agency(self) -> dict[Agency, int | None]:
        return {form.row_agency: form.cleaned_data.get("places") for form in self.forms}


YearQuotaFormSet = formset_factory(
    YearQuotaForm, formset=BaseYearQuotaFormSet, extra=0, validate_min=True, validate_max=True
)


def year_quota_initial(project: Project, agencies: list[Agency], year: int) -> list[dict]:
    quotas = dict(
        AgencyYearQuota.objects.filter(project=project, year=year).values_list(
            "agency_id", "places"
        )
    )
    return [{"agency": a.pk, "places": quotas.get(a.pk)} for a in agencies]

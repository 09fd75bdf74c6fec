"""Forms for ladder definitions and a project's ladder.

A ladder is edited on one page without JavaScript: the name and description, then a table of
step rows (headline, description, and the step's markers in a text area, one per line). The
steps are numbered 1, 2, … in the order of the rows that are filled in; empty rows are skipped.
"""

from __future__ import annotations

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.utils.translation import gettext_lazy as _

from fokus.models import Project
from stepladder.ladders import MAX_MARKERS, MAX_STEPS, MIN_STEPS, StepData, name_taken
from stepladder.models import DEFAULT_INTERVAL_MONTHS, Ladder

NEW_LADDER_ROWS = 6  # rows on an empty form
EXTRA_ROWS = 2  # empty rows after a prefilled ladder's steps
ADD_ROWS = 3  # rows added by the "more rows" button

_NAME_MAX = Ladder._meta.get_field("name").max_length
_HEADLINE_MAX = 200
_MARKER_MAX = 200


class LadderForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=_NAME_MAX,
        error_messages={
            "required": _("Enter a name for the ladder."),
            "max_length": _("Use at most %(limit_value)d characters for the name."),
        },
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. What the ladder is for, e.g. the projects that use it."),
    )

    def __init__(self, *args, federation_id: int, ladder: Ladder | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.federation_id = federation_id
        self.ladder = ladder

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if name_taken(self.federation_id, name, ladder=self.ladder):
            raise forms.ValidationError(
                _("The federation already has a ladder called %(name)s. Choose another name."),
                params={"name": name},
                code="duplicate",
            )
        return name


class StepForm(forms.Form):
    """One row. Every field is optional here: a row left empty is skipped, and the formset
    asks for a headline only on rows that have something in them."""

    headline = forms.CharField(
        label=_("Headline"),
        required=False,
        max_length=_HEADLINE_MAX,
        error_messages={
            "max_length": _("Use at most %(limit_value)d characters for the headline.")
        },
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    markers = forms.CharField(
        label=_("Markers, one per line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_headline(self) -> str:
        return self.cleaned_data["headline"].strip()

    def clean_description(self) -> str:
        return self.cleaned_data["description"].strip()

    def clean_markers(self) -> list[str]:
        markers: list[str] = []
        for line in self.cleaned_data["markers"].splitlines():
            text = " ".join(line.split())
            if text and text not in markers:
                markers.append(text)
        too_long = [text for text in markers if len(text) > _MARKER_MAX]
        if too_long:
            raise forms.ValidationError(
                _("A marker can have at most %(limit)d characters: shorten “%(marker)s…”."),
                params={"limit": _MARKER_MAX, "marker": too_long[0][:40]},
            )
        if len(markers) > MAX_MARKERS:
            raise forms.ValidationError(
                _("A step can have at most %(limit)d markers."), params={"limit": MAX_MARKERS}
            )
        return markers

    def clean(self):
        cleaned = super().clean()
        self.is_blank = not (
            cleaned.get("headline") or cleaned.get("description") or cleaned.get("markers")
        ) and not self.has_error("headline")
        if not self.is_blank and not cleaned.get("headline") and not self.has_error("headline"):
            self.add_error("headline", _("Enter a headline for this step, or empty the row."))
        return cleaned


class BaseStepFormSet(BaseFormSet):
    default_error_messages = {
        "missing_management_form": _(
            "The form was incomplete. Reload the page and enter the steps again."
        ),
        "too_many_forms": _("A ladder can have at most %(num)d steps."),
        "too_few_forms": _("A ladder needs at least %(num)d steps."),
    }

    def __init__(self, *args, rows: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if rows is not None:
            # An unbound form gets the initial rows plus empty ones up to `rows`.
            self.extra = max(0, min(rows, MAX_STEPS) - len(self.initial or []))

    def clean(self):
        if any(self.errors):
            return
        filled = [form for form in self.forms if not getattr(form, "is_blank", True)]
        if len(filled) < MIN_STEPS:
            raise forms.ValidationError(
                _("A ladder needs at least %(min)d steps: fill in at least %(min)d rows."),
                params={"min": MIN_STEPS},
            )
        if len(filled) > MAX_STEPS:
            raise forms.ValidationError(
                _("A ladder can have at most %(num)d steps."), params={"num": MAX_STEPS}
            )

    def steps(self) -> list[StepData]:
        """The filled rows in order; call after is_valid()."""
        return [
            StepData(
                headline=form.cleaned_data["headline"],
                description=form.cleaned_data["description"],
                markers=form.cleaned_data["markers"],
            )
            for form in self.forms
            if not getattr(form, "is_blank", True)
        ]


StepFormSet = formset_factory(
    StepForm,
    formset=BaseStepFormSet,
    extra=0,
    max_num=MAX_STEPS,
    absolute_max=MAX_STEPS,
)


def step_initial(steps: list[StepData]) -> list[dict]:
    return [
        {"headline": s.headline, "description": s.description, "markers": "\n".join(s.markers)}
        for s in steps
    ]


def with_more_rows(data, prefix: str = "form"):
    """The posted data with ADD_ROWS more empty rows (at most MAX_STEPS in all), for the
    "More rows" button that works without JavaScript."""
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        total = int(data.get(key, 0))
    except (TypeError, ValueError):
        total = 0
    data[key] = str(max(0, min(total + ADD_ROWS, MAX_STEPS)))
    return data


class ProjectLadderForm(forms.Form):
    ladder = forms.ModelChoiceField(
        label=_("Step ladder"),
        queryset=Ladder.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choose a step ladder."),
            "invalid_choice": _("Choose one of the ladders in the list."),
        },
    )
    interval_months = forms.IntegerField(
        label=_("Months between ratings"),
        min_value=1,
        max_value=12,
        initial=DEFAULT_INTERVAL_MONTHS,
        help_text=_("A rating is due at enrolment, then this often, and at exit."),
        error_messages={
            "required": _("Enter a whole number of months from 1 to 12."),
            "invalid": _("Enter a whole number of months from 1 to 12."),
            "min_value": _("Enter a whole number of months from 1 to 12."),
            "max_value": _("Enter a whole number of months from 1 to 12."),
        },
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.fields["ladder"].queryset = Ladder.objects.for_federation(project.federation_id)
        self.fields["interval_months"].widget.attrs.update(min=1, max=12, inputmode="numeric")

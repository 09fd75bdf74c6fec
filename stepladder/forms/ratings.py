"""The form for a step rating and for correcting the latest one.

The step is a list of radio buttons showing each step's number, headline and description,
and the markers are checkboxes grouped by step (templates/stepladder/_rating_fields.html),
so the coordinator reads the ladder while rating. Only the ladder's own steps and markers
are accepted: anything else posted is a field error, not a server error.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from participants.forms.common import DATE_ERRORS as _DATE_ERRORS
from participants.forms.common import DATE_WIDGET as _DATE
from stepladder.models import Ladder, Marker, Rating, RatingKind

TEXT_MAX = 5000
STEP_ERROR = _("Choose a step of the project's step ladder.")
MARKER_ERROR = _("Choose markers of the project's step ladder.")


def _text_field(label, help_text="", rows=3) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=TEXT_MAX,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"max_length": _("Use at most %(limit_value)d characters.")},
    )


class RatingForm(forms.Form):
    rated_on = forms.DateField(
        label=_("Date of the rating"),
        widget=_DATE,
        error_messages={"required": _("Enter the date of the rating."), **_DATE_ERRORS},
    )
    kind = forms.ChoiceField(
        label=_("Kind of rating"),
        choices=(),
        error_messages={
            "required": _("Choose the kind of rating."),
            "invalid_choice": _("Choose one of the kinds of rating offered."),
        },
    )
    step = forms.ModelChoiceField(
        label=_("Step"),
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Choose the step."), "invalid_choice": STEP_ERROR},
    )
    markers = forms.ModelMultipleChoiceField(
        label=_("Markers reached"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "Tick what the participant has reached, on any step: it shows movement within a "
            "step, and what was reached on lower steps stays reached."
        ),
        error_messages={"invalid_choice": MARKER_ERROR, "invalid_pk_value": MARKER_ERROR},
    )
    comment = _text_field(_("Comment"), _("What the rating rests on, in a few sentences."))
    participant_step = forms.ModelChoiceField(
        label=_("The participant's own placement"),
        queryset=None,
        required=False,
        empty_label=_("Not given"),
        help_text=_("Optional. The step the participant would put themselves on."),
        error_messages={"invalid_choice": STEP_ERROR},
    )
    disagreement_note = _text_field(
        _("How the views differ"),
        _("Optional, but write it when the participant sees it differently: both views are kept."),
    )

    def __init__(self, *args, ladder: Ladder, kinds: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.ladder = ladder
        steps = ladder.steps.order_by("number")
        self.fields["step"].queryset = steps
        self.fields["participant_step"].queryset = steps
        self.fields["participant_step"].label_from_instance = lambda step: str(step)
        self.fields["markers"].queryset = Marker.objects.filter(step__ladder=ladder).select_related(
            "step"
        )
        labels = dict(RatingKind.choices)
        choices = [(kind, labels[kind]) for kind in kinds]
        self.fields["kind"].choices = [("", "---------"), *choices] if len(choices) > 1 else choices

    def step_radios(self) -> list[tuple]:
        """(step, radio) pairs, for a label with the step's headline and description."""
        return [(radio.data["value"].instance, radio) for radio in self["step"]]

    def marker_groups(self) -> list[tuple]:
        """(step, [checkbox, …]) for each step with markers, lowest step first."""
        groups: dict[int, tuple] = {}
        for checkbox in self["markers"]:
            marker = checkbox.data["value"].instance
            groups.setdefault(marker.step_id, (marker.step, []))[1].append(checkbox)
        return sorted(groups.values(), key=lambda group: group[0].number)

    @staticmethod
    def initial_for(rating: Rating) -> dict:
        return {
            "rated_on": rating.rated_on,
            "kind": rating.kind,
            "step": rating.step_id,
            "markers": [marker.pk for marker in rating.markers.all()],
            "comment": rating.comment,
            "participant_step": rating.participant_step_id,
            "disagreement_note": rating.disagreement_note,
        }


class RatingCorrectForm(RatingForm):
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the rating, beside what it said before."),
        error_messages={"required": _("Write why the rating is corrected.")},
    )

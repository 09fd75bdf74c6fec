"""The goal form of the action plan. The rules that span the plan (sub-goals one level deep,
dates not before the enrolment) are `participants.plans.goal_save`'s, which names the fields
it refuses."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus import conflicts, text_limits
from fokus.models import Agency
from participants.forms.common import DATE_ERRORS as _DATE_ERRORS
from participants.forms.common import DATE_WIDGET as _DATE
from participants.models import Enrolment, Goal, GoalStatus, ResponsibleParty


class GoalForm(forms.Form):
    text = text_limits.text_field(
        text_limits.SHORT,
        required=True,
        label=_("Goal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the participant wants to reach, in their own words where possible."),
        error_messages={"required": _("Write the goal.")},
    )
    responsible = forms.ChoiceField(
        label=_("Responsible"),
        choices=ResponsibleParty.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who is responsible for the goal."),
            "invalid_choice": _("Choose who is responsible for the goal."),
        },
    )
    responsible_agency = forms.ModelChoiceField(
        label=_("Responsible agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Only when an agency is responsible."),
        error_messages={"invalid_choice": _("Choose one of the federation's agencies.")},
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=_DATE,
        help_text=_("Optional. When the goal should be reached."),
        error_messages=_DATE_ERRORS,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=GoalStatus.choices,
        initial=GoalStatus.PLANNED,
        help_text=_(
            "A goal that no longer applies is set to Dropped, not deleted: the plan's history "
            "keeps it."
        ),
        error_messages={
            "required": _("Choose the status of the goal."),
            "invalid_choice": _("Choose the status of the goal."),
        },
    )
    follow_up_on = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=_DATE,
        help_text=_("Optional. When the goal is followed up next."),
        error_messages=_DATE_ERRORS,
    )
    version = conflicts.version_field()

    def __init__(self, *args, enrolment: Enrolment, goal: Goal | None = None, **kwargs):
        if goal is not None:
            kwargs.setdefault(
                "initial",
                {
                    "text": goal.text,
                    "responsible": goal.responsible,
                    "responsible_agency": goal.responsible_agency_id,
                    "target_date": goal.target_date,
                    "status": goal.status,
                    "follow_up_on": goal.follow_up_on,
                    "version": goal.edit_version,
                },
            )
        super().__init__(*args, **kwargs)
        # The federation's active agencies, and the one already named even if no longer active.
        shown = Q(is_active=True)
        if goal is not None and goal.responsible_agency_id:
            shown |= Q(pk=goal.responsible_agency_id)
        self.fields["responsible_agency"].queryset = Agency.objects.filter(
            shown, federation_id=enrolment.federation_id
        ).order_by("name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("responsible") == ResponsibleParty.AGENCY:
            if not cleaned.get("responsible_agency") and "responsible_agency" not in self.errors:
                self.add_error(
                    "responsible_agency",
                    _("Choose the responsible agency, or choose another responsible party."),
                )
        else:
            cleaned["responsible_agency"] = None
        return cleaned

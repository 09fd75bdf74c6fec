"""Participation forms: start, extension, exit, the 90-day follow-up and the list filter."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus import conflicts, text_limits
from fokus.models import Project
from participants.forms.common import DATE_ERRORS as _DATE_ERRORS
from participants.forms.common import DATE_WIDGET as _DATE
from participants.models import (
    Destination,
    EducationLevel,
    Enrolment,
    ExitReason,
    IncomeSource,
    Occupation,
)
from participants.services import project_coordinators


class EnrolmentStartForm(forms.Form):
    """What the coordinator fills in when a participation starts. Gender, birth year and home
    municipality come from the referral and are shown beside the form, not asked again."""

    coordinator = forms.ModelChoiceField(
        label=_("Responsible coordinator"),
        queryset=None,
        error_messages={
            "required": _("Choose the responsible coordinator."),
            "invalid_choice": _("Choose one of the project's coordinators."),
        },
    )
    enrolled_on = forms.DateField(
        label=_("Enrolment date"),
        widget=_DATE,
        help_text=_("The day of the intake talk. The planned exit date follows from the start."),
        error_messages={"required": _("Enter the enrolment date."), **_DATE_ERRORS},
    )
    income_source_before = forms.ChoiceField(
        label=_("Main income source before start"),
        choices=[("", "---------"), *IncomeSource.choices],
        error_messages={"required": _("Choose the main income source before start.")},
    )
    occupation_before = forms.ChoiceField(
        label=_("Occupation before start"),
        choices=[("", "---------"), *Occupation.choices],
        error_messages={"required": _("Choose the occupation before start.")},
    )
    education_level = forms.ChoiceField(
        label=_("Education level"),
        choices=[("", "---------"), *EducationLevel.choices],
        help_text=_("The highest completed level."),
        error_messages={"required": _("Choose the education level.")},
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["coordinator"]
        field.queryset = project_coordinators(enrolment.project_id).order_by("full_name")
        field.label_from_instance = lambda user: user.full_name or user.email
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("Start"), "coordinator", "enrolled_on", css_id="section-start"),
            Fieldset(
                _("SUS variables at start"),
                "income_source_before",
                "occupation_before",
                "education_level",
                css_id="section-sus",
            ),
        )


class EnrolmentExtendForm(forms.Form):
    new_planned_exit_on = forms.DateField(
        label=_("New planned exit date"),
        widget=_DATE,
        error_messages={"required": _("Enter the new planned exit date."), **_DATE_ERRORS},
    )
    reason = forms.CharField(
        label=_("Reason for the extension"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_("Why the participation needs more time, and what it is for."),
        error_messages={"required": _("Write why the participation is extended.")},
    )

    def __init__(self, *args, current: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_new_planned_exit_on(self):
        value = self.cleaned_data["new_planned_exit_on"]
        if value <= self.current:
            raise forms.ValidationError(
                _("The new planned exit date must be after the current one, %(date)s.")
                % {"date": self.current.isoformat()}
            )
        return value


def _percent_field(label, help_text):
    message = _("Enter a whole number from 1 to 100.")
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=1,
        max_value=100,
        help_text=help_text,
        error_messages={"invalid": message, "min_value": message, "max_value": message},
    )


def _optional_choice(label, choices, help_text=""):
    return forms.ChoiceField(
        label=label, required=False, choices=[("", "---------"), *choices], help_text=help_text
    )


_NOT_AFTER_DEATH = _("Not needed when the person died or was registered in error.")


class EnrolmentExitForm(forms.Form):
    """Parses the exit; which fields are required depends on the reason, and that rule is
    `participants.services.enrolment_exit`'s, which names the fields it refuses."""

    exited_on = forms.DateField(
        label=_("Exit date"),
        widget=_DATE,
        help_text=_("Usually the day of the exit meeting."),
        error_messages={"required": _("Enter the exit date."), **_DATE_ERRORS},
    )
    exit_reason = forms.ChoiceField(
        label=_("Reason for exit"),
        choices=[("", "---------"), *ExitReason.choices],
        error_messages={"required": _("Choose the reason for exit.")},
    )
    destination = _optional_choice(_("Destination"), Destination.choices, _NOT_AFTER_DEATH)
    destination_extent_percent = _percent_field(
        _("Extent of the work (%)"),
        _("Required for work, subsidised or not: e.g. 50 or 100."),
    )
    receiving_party = text_limits.text_field(
        text_limits.SHORT,
        label=_("Receiving party"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Who takes over after the project, e.g. an agency and a named contact, so the "
            "person does not fall between chairs."
        ),
    )
    exit_plan = text_limits.text_field(
        text_limits.PLAN,
        label=_("Plan after exit"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The plan agreed at the exit meeting: next steps, who does what and when."),
    )
    income_source_after = _optional_choice(
        _("Main income source at exit"), IncomeSource.choices, _NOT_AFTER_DEATH
    )
    occupation_after = _optional_choice(
        _("Occupation at exit"), Occupation.choices, _NOT_AFTER_DEATH
    )
    occupation_extent_percent = _percent_field(
        _("Extent of the occupation (%)"), _("Optional, e.g. 50 for half time.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("Exit"), "exited_on", "exit_reason", css_id="section-exit"),
            Fieldset(
                _("Destination"),
                "destination",
                "destination_extent_percent",
                css_id="section-destination",
            ),
            Fieldset(
                _("Receiving party and plan"),
                "receiving_party",
                "exit_plan",
                css_id="section-handover",
            ),
            Fieldset(
                _("SUS variables at exit"),
                "income_source_after",
                "occupation_after",
                "occupation_extent_percent",
                css_id="section-sus-exit",
            ),
        )


class FollowUpForm(forms.Form):
    done_on = forms.DateField(
        label=_("Follow-up date"),
        widget=_DATE,
        help_text=_("The day the person was reached."),
        error_messages={"required": _("Enter the date of the follow-up."), **_DATE_ERRORS},
    )
    self_sufficient = forms.TypedChoiceField(
        label=_("Is the person self-sufficient?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_("Supports themselves through work, studies or their own business."),
        error_messages={"required": _("Answer whether the person is self-sufficient.")},
    )
    income_source = forms.ChoiceField(
        label=_("Main income source"),
        choices=[("", "---------"), *IncomeSource.choices],
        error_messages={"required": _("Choose the main income source.")},
    )
    occupation = forms.ChoiceField(
        label=_("Occupation"),
        choices=[("", "---------"), *Occupation.choices],
        error_messages={"required": _("Choose the occupation.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = conflicts.version_field()


class ParticipantFilterForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Start"), queryset=None, required=False, empty_label=_("All starts")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *Enrolment.Status.choices],
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = Cohort.objects.filter(project=project).select_related(
            "municipality"
        )

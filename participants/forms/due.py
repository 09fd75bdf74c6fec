"""The due list's filter: by municipality, start and responsible coordinator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus.models import Municipality, Project
from participants.services import project_coordinators


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.full_name or user.email


class DueFilterForm(forms.Form):
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All municipalities"),
    )
    cohort = forms.ModelChoiceField(
        label=_("Start"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("All starts"),
    )
    coordinator = UserChoiceField(
        label=_("Responsible coordinator"),
        queryset=None,
        required=False,
        empty_label=_("All coordinators"),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = project.municipalities.order_by("name")
        self.fields["cohort"].queryset = Cohort.objects.filter(project=project).select_related(
            "municipality"
        )
        self.fields["coordinator"].queryset = project_coordinators(project.pk).order_by(
            "full_name", "email"
        )

    def apply(self, enrolments):
        """The enrolments narrowed to the chosen filters (call after is_valid())."""
        data = self.cleaned_data
        if data["municipality"]:
            enrolments = enrolments.filter(cohort__municipality=data["municipality"])
        if data["cohort"]:
            enrolments = enrolments.filter(cohort=data["cohort"])
        if data["coordinator"]:
            enrolments = enrolments.filter(coordinator=data["coordinator"])
        return enrolments

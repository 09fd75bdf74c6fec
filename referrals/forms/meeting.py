"""Forms of the ärendegrupp: meetings, decisions, moves in the queue, and consultations.

The meeting page holds one decision form per referral. Their choices (starts, meetings) are
computed once per page and handed in, so twenty forms cost no extra queries.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus.models import Project, User
from fokus.roles import Role
from referrals.models import CaseGroupMeeting, Consultation, DeclineReason
from referrals.services import Decision

TEXT_MAX = 5000

_MEETING_WIDGETS = {
    "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
}


def meeting_label(meeting: CaseGroupMeeting) -> str:
    when = f"{meeting.date:%Y-%m-%d}"
    if meeting.time:
        when += f" {meeting.time:%H:%M}"
    return f"{when} {meeting.location}".strip()


class MeetingForm(forms.ModelForm):
    class Meta:
        model = CaseGroupMeeting
        fields = ["date", "time", "location"]
        widgets = _MEETING_WIDGETS
        error_messages = {
            "date": {
                "required": _("Enter the date of the meeting."),
                "invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-03-12."),
            },
            "time": {"invalid": _("Enter the time as HH:MM, e.g. 13:30.")},
        }


class MeetingEditForm(MeetingForm):
    class Meta(MeetingForm.Meta):
        fields = ["date", "time", "location", "attendees", "notes"]
        widgets = {
            **_MEETING_WIDGETS,
            "attendees": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.instance.project
        # The project's coordinators and ärendegrupp, and whoever was recorded already (a
        # member who has since left must not silently drop out of old minutes).
        team = Q(
            federation_id=project.federation_id,
            is_active=True,
            memberships__project=project,
            memberships__role__in=[Role.COORDINATOR, Role.CASE_GROUP_MEMBER],
        )
        recorded = Q(pk__in=self.instance.attendees.values("pk"))
        self.fields["attendees"].queryset = (
            User.objects.filter(team | recorded).distinct().order_by("full_name")
        )
        self.fields["attendees"].help_text = _(
            "The project's coordinators and ärendegrupp members who took part."
        )
        self.fields["notes"].validators.append(MaxLengthValidator(TEXT_MAX))


def _next_field() -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        coerce=int,
        widget=forms.HiddenInput,
        error_messages={
            "required": _("The meeting page was not found. Reload the page and try again."),
            "invalid_choice": _("The meeting page was not found. Reload the page and try again."),
        },
    )


class _MeetingBoundForm(forms.Form):
    """A form posted from a meeting page: `next` names that meeting, one of the project's."""

    def __init__(self, *args, meetings: Sequence[CaseGroupMeeting], **kwargs):
        super().__init__(*args, **kwargs)
        self.meetings = {m.pk: m for m in meetings}
        self.fields["next"].choices = [(m.pk, meeting_label(m)) for m in meetings]

    def next_meeting(self) -> CaseGroupMeeting | None:
        """The meeting to go back to, if the posted one is valid."""
        value = self.cleaned_data.get("next") if hasattr(self, "cleaned_data") else None
        return self.meetings.get(value) if value else None


class DecisionForm(_MeetingBoundForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Decision.ACCEPT, _("Accept")),
            (Decision.DECLINE, _("Decline")),
            (Decision.WAIT_LIST, _("Put on the wait list")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a decision: accept, decline or wait list.")},
    )
    cohort = forms.TypedChoiceField(
        label=_("Start"),
        coerce=int,
        required=False,
        help_text=_("When accepting: the start the person is accepted into."),
        error_messages={"invalid_choice": _("Choose one of the project's starts.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason for declining"),
        required=False,
        choices=[("", "–"), *DeclineReason.choices],
        error_messages={"invalid_choice": _("Choose a reason from the list.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the reason is “Other reason”. Shown to the referring agency."),
    )
    next = _next_field()

    def __init__(self, *args, cohorts: Sequence[Cohort] | None, **kwargs):
        """`cohorts` is None for a project with rolling intake: there is no start to choose."""
        super().__init__(*args, **kwargs)
        if cohorts is None:
            del self.fields["cohort"]
            self.cohorts = {}
        else:
            self.cohorts = {c.pk: c for c in cohorts}
            self.fields["cohort"].choices = [("", "–")] + [(c.pk, str(c)) for c in cohorts]

    def clean(self):
        cleaned = super().clean()
        decision = cleaned.get("decision")
        needs_cohort = decision == Decision.ACCEPT and "cohort" in self.fields
        if needs_cohort and not cleaned.get("cohort") and "cohort" not in self.errors:
            self.add_error("cohort", _("Choose the start the person is accepted into."))
        if decision == Decision.DECLINE:
            reason = cleaned.get("reason")
            if not reason and "reason" not in self.errors:
                self.add_error("reason", _("Choose a reason for declining."))
            if reason == DeclineReason.OTHER and not cleaned.get("comment", "").strip():
                self.add_error("comment", _("Describe the reason for declining."))
        return cleaned

    def chosen_cohort(self) -> Cohort | None:
        if self.cleaned_data.get("decision") != Decision.ACCEPT:
            return None
        return self.cohorts.get(self.cleaned_data.get("cohort"))


class MoveForm(_MeetingBoundForm):
    meeting = forms.TypedChoiceField(
        label=_("Move to meeting"),
        coerce=int,
        error_messages={
            "required": _("Choose the meeting to move the referral to."),
            "invalid_choice": _("Choose one of the project's upcoming meetings."),
        },
    )
    next = _next_field()

    def __init__(self, *args, targets: Sequence[CaseGroupMeeting], **kwargs):
        super().__init__(*args, **kwargs)
        self.targets = {m.pk: m for m in targets}
        self.fields["meeting"].choices = [("", "–")] + [(m.pk, meeting_label(m)) for m in targets]

    def target(self) -> CaseGroupMeeting:
        return self.targets[self.cleaned_data["meeting"]]


class AdviceForm(_MeetingBoundForm):
    advice = forms.CharField(
        label=_("The group's advice"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the group's advice before saving.")},
    )
    next = _next_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["next"].required = False


class ConsultationForm(forms.ModelForm):
    agency = forms.TypedChoiceField(
        label=_("Raised by agency"),
        coerce=int,
        error_messages={
            "required": _("Choose the agency that raises the case."),
            "invalid_choice": _("Choose one of your agencies."),
        },
    )

    class Meta:
        model = Consultation
        fields = ["agency", "summary", "question", "meeting"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 5}),
            "question": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "summary": _(
                "Describe the situation without name, personnummer, address, exact dates or "
                "other details that could identify the person. The case is for advice only."
            ),
            "meeting": _("The ärendemöte where the group discusses the case."),
        }
        error_messages = {
            "summary": {"required": _("Describe the case.")},
            "question": {"required": _("Write the question to the group.")},
        }

    def __init__(
        self,
        *args,
        project: Project,
        agencies: Sequence,
        meetings: Sequence[CaseGroupMeeting],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.agencies = {a.pk: a for a in agencies}
        if len(agencies) == 1:
            del self.fields["agency"]
        else:
            self.fields["agency"].choices = [("", "–")] + [(a.pk, a.name) for a in agencies]
        field = self.fields["meeting"]
        field.queryset = CaseGroupMeeting.objects.filter(pk__in=[m.pk for m in meetings])
        field.label_from_instance = meeting_label
        field.empty_label = _("No meeting yet")
        field.error_messages["invalid_choice"] = _("Choose one of the project's upcoming meetings.")
        if meetings and not self.is_bound:
            self.initial.setdefault("meeting", meetings[0].pk)
        for name in ("summary", "question"):
            self.fields[name].validators.append(MaxLengthValidator(TEXT_MAX))

    def chosen_agency(self):
        if "agency" not in self.fields:
            return next(iter(self.agencies.values()))
        return self.agencies[self.cleaned_data["agency"]]

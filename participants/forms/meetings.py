"""Forms for meetings with a participant and for a group session with everyone's attendance."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus import text_limits
from fokus.numbers import parse_int
from participants import meetings
from participants.forms.common import DATE_ERRORS as _DATE_ERRORS
from participants.forms.common import DATE_WIDGET as _DATE
from participants.models import (
    AttendanceStatus,
    ClientMeeting,
    Enrolment,
    GroupSession,
    MeetingKind,
    SessionTheme,
    TalkForm,
)

_TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
_TIME_ERRORS = {"invalid": _("Enter the time as HH:MM, e.g. 13:30.")}
TEXT_MAX = text_limits.NOTE


def _minutes_field(limits: tuple[int, int], message, help_text="") -> forms.IntegerField:
    low, high = limits
    field = forms.IntegerField(
        label=_("Duration (minutes)"),
        min_value=low,
        max_value=high,
        help_text=help_text,
        error_messages={
            "required": message,
            "invalid": message,
            "min_value": message,
            "max_value": message,
        },
    )
    field.widget.attrs.update(min=low, max=high, step=5)
    return field


def _text_field(label, help_text="", rows=3, max_length=TEXT_MAX) -> forms.CharField:
    return text_limits.text_field(
        max_length,
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class MeetingForm(forms.Form):
    """A meeting with or about one participant. Who may be named comes from the server:
    the project's coordinators and the federation's agencies (and, when correcting a meeting,
    whoever it names already)."""

    kind = forms.ChoiceField(
        label=_("Type of meeting"),
        choices=[("", "---------"), *MeetingKind.choices],
        error_messages={
            "required": _("Choose the type of meeting."),
            "invalid_choice": _("Choose the type of meeting."),
        },
    )
    talk_form = forms.ChoiceField(
        label=_("Form of the talk"),
        required=False,
        choices=[("", "---------"), *TalkForm.choices],
        help_text=_("Only for individual talks: how the talk was held."),
        error_messages={"invalid_choice": _("Choose a form of the talk from the list.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=_DATE,
        error_messages={"required": _("Enter the date of the meeting."), **_DATE_ERRORS},
    )
    start_time = forms.TimeField(
        label=_("Time"), required=False, widget=_TIME, error_messages=_TIME_ERRORS
    )
    duration_minutes = _minutes_field(meetings.MEETING_MINUTES, meetings.MEETING_DURATION)
    participant_attended = forms.BooleanField(label=_("The participant took part"), required=False)
    coordinators = forms.ModelMultipleChoiceField(
        label=_("Coordinators who took part"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose among the project's coordinators."),
            "invalid_pk_value": _("Choose among the project's coordinators."),
        },
    )
    agencies = forms.ModelMultipleChoiceField(
        label=_("Agencies represented"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The agencies whose representatives took part."),
        error_messages={
            "invalid_choice": _("Choose among the federation's agencies."),
            "invalid_pk_value": _("Choose among the federation's agencies."),
        },
    )
    other_attendees = forms.CharField(
        label=_("Others who took part"),
        required=False,
        max_length=300,
        help_text=_("E.g. an interpreter or a relative. Write roles rather than names."),
    )
    notes = _text_field(
        _("Notes"),
        _("Short notes for the project's coordinators. Never shown to case officers."),
        rows=4,
    )
    next_step = _text_field(_("Next agreed step"), _("What was agreed, who does it and when."))

    def __init__(self, *args, enrolment: Enrolment, meeting: ClientMeeting | None = None, **kw):
        super().__init__(*args, **kw)
        users = self.fields["coordinators"]
        users.queryset = meetings.meeting_coordinators(enrolment, meeting)
        users.label_from_instance = lambda user: user.full_name or user.email
        self.fields["agencies"].queryset = meetings.meeting_agencies(enrolment, meeting)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Meeting"),
                "kind",
                "talk_form",
                "date",
                "start_time",
                "duration_minutes",
                css_id="section-meeting",
            ),
            Fieldset(
                _("Who took part"),
                "participant_attended",
                "coordinators",
                "agencies",
                "other_attendees",
                css_id="section-attendees",
            ),
            Fieldset(_("Notes and next step"), "notes", "next_step", css_id="section-notes"),
        )

    @staticmethod
    def initial_for(meeting: ClientMeeting) -> dict:
        return {
            "kind": meeting.kind,
            "talk_form": meeting.talk_form,
            "date": meeting.date,
            "start_time": meeting.start_time,
            "duration_minutes": meeting.duration_minutes,
            "participant_attended": meeting.participant_attended,
            "coordinators": list(meeting.coordinators.values_list("pk", flat=True)),
            "agencies": list(meeting.agencies.values_list("pk", flat=True)),
            "other_attendees": meeting.other_attendees,
            "notes": meeting.notes,
            "next_step": meeting.next_step,
        }

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(meetings.MEETING_IN_FUTURE)
        return value

    def clean(self):
        cleaned = super().clean()
        kind, talk_form = cleaned.get("kind"), cleaned.get("talk_form")
        if "talk_form" not in self.errors and kind:
            if kind == MeetingKind.INDIVIDUAL and not talk_form:
                self.add_error("talk_form", meetings.TALK_FORM_REQUIRED)
            elif kind != MeetingKind.INDIVIDUAL and talk_form:
                self.add_error("talk_form", meetings.TALK_FORM_NOT_ALLOWED)
        return cleaned


ATTENDANCE_PREFIX = "attendance-"


class SessionForm(forms.Form):
    """One group session and, in the same form, the attendance of every participant of the
    cohort on its date (see `participants.meetings.session_participants`).

    Who is listed depends on the date. When the date posted lists other participants than the
    page did, the form refuses once and shows the new list, so that nobody's attendance is
    dropped or invented silently."""

    date = forms.DateField(
        label=_("Date"),
        widget=_DATE,
        help_text=_("Participants who had started by this date and not yet ended are listed."),
        error_messages={"required": _("Enter the date of the session."), **_DATE_ERRORS},
    )
    start_time = forms.TimeField(
        label=_("Time"), required=False, widget=_TIME, error_messages=_TIME_ERRORS
    )
    duration_minutes = _minutes_field(meetings.SESSION_MINUTES, meetings.SESSION_DURATION)
    theme = forms.ChoiceField(
        label=_("Theme"),
        choices=[("", "---------"), *SessionTheme.choices],
        error_messages={
            "required": _("Choose the theme of the session."),
            "invalid_choice": _("Choose the theme of the session."),
        },
    )
    theme_note = forms.CharField(
        label=_("Theme in own words"),
        required=False,
        max_length=200,
        help_text=_("Required for “Other theme”, e.g. a guest lecture or a study visit."),
    )
    notes = _text_field(_("Notes"), _("Short notes for the project's coordinators."))

    SESSION_FIELDS = ["date", "start_time", "duration_minutes", "theme", "theme_note", "notes"]

    def __init__(
        self,
        data=None,
        *,
        cohort: Cohort,
        session: GroupSession | None = None,
        today: date,
        **kwargs,
    ):
        if session is not None:
            initial = {name: getattr(session, name) for name in self.SESSION_FIELDS}
            statuses = dict(session.attendances.values_list("enrolment_id", "status"))
        else:
            initial = {"date": today, "duration_minutes": cohort.session_minutes}
            statuses = {}
        super().__init__(data, initial=initial, **kwargs)
        self.participants = meetings.session_participants(cohort, self._listed_date(initial))
        listed = {e.pk for e in self.participants}
        # Posted choices for participants no longer listed (the date was changed).
        self.unlisted = bool(
            self.is_bound
            and any(
                parse_int(key.removeprefix(ATTENDANCE_PREFIX)) not in listed
                for key in self.data
                if key.startswith(ATTENDANCE_PREFIX)
            )
        )
        for enrolment in self.participants:
            message = _("Choose present, absent or excused for %(name)s.") % {
                "name": enrolment.referral.display_name
            }
            self.fields[f"{ATTENDANCE_PREFIX}{enrolment.pk}"] = forms.ChoiceField(
                label=enrolment.referral.display_name,
                choices=AttendanceStatus.choices,
                initial=statuses.get(enrolment.pk, AttendanceStatus.PRESENT),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": message, "invalid_choice": message},
            )
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(_("Group session"), *self.SESSION_FIELDS, css_id="section-session")
        )

    def _listed_date(self, initial: dict) -> date:
        """The date whose participants the page lists: the one posted if it is a valid date,
        otherwise the one the page was opened with."""
        if self.is_bound:
            try:
                return self.fields["date"].clean(self.data.get("date"))
            except forms.ValidationError:
                pass
        return initial["date"]

    def attendance_rows(self) -> list[tuple[Enrolment, forms.BoundField]]:
        return [(e, self[f"{ATTENDANCE_PREFIX}{e.pk}"]) for e in self.participants]

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > timezone.localdate():
            raise forms.ValidationError(meetings.SESSION_IN_FUTURE)
        return value

    def clean(self):
        cleaned = super().clean()
        unnamed = not cleaned.get("theme_note", "").strip() and "theme_note" not in self.errors
        if cleaned.get("theme") == SessionTheme.OTHER and unnamed:
            self.add_error("theme_note", meetings.THEME_NOTE_REQUIRED)
        if self.unlisted:
            raise forms.ValidationError(
                _(
                    "Some participants had not started or had already ended on this date, so "
                    "they are no longer listed. Check the attendance below and save again."
                )
            )
        return cleaned

    def session_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SESSION_FIELDS}

    def attendance(self) -> dict[int, str]:
        return {e.pk: self.cleaned_data[f"{ATTENDANCE_PREFIX}{e.pk}"] for e in self.participants}

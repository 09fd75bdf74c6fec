"""The invitation letter (kallelse) form: the intake talk, the first group session and the
contact person."""

from __future__ import annotations

import re
from datetime import date, datetime, time

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus import text_limits
from participants.forms.common import DATE_ERRORS as _DATE_ERRORS
from participants.forms.common import DATE_WIDGET as _DATE
from participants.models import Enrolment
from participants.services import project_coordinators

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
TIME_ERRORS = {"invalid": _("Enter the time as HH:MM, e.g. 09:30.")}
# Digits with the usual separators: 070-123 45 67, +46 70 123 45 67, (08) 123 456.
PHONE_PATTERN = re.compile(r"^\+?[0-9 ()\-]{5,40}$")


def _time_field(label, required_message, required=True):
    return forms.TimeField(
        label=label,
        required=required,
        widget=TIME_WIDGET,
        input_formats=["%H:%M", "%H.%M", "%H:%M:%S"],
        error_messages={"required": required_message, **TIME_ERRORS},
    )


def _combine(day: date, at: time) -> datetime:
    # The times are Swedish local times, whatever zone the server runs in.
    return timezone.make_aware(datetime.combine(day, at))


class InvitationLetterForm(forms.Form):
    intake_date = forms.DateField(
        label=_("Date of the intake talk"),
        widget=_DATE,
        error_messages={"required": _("Enter the date of the intake talk."), **_DATE_ERRORS},
    )
    intake_time = _time_field(_("Time of the intake talk"), _("Enter the time of the intake talk."))
    intake_place = forms.CharField(
        label=_("Place of the intake talk"),
        max_length=200,
        help_text=_("An address the person can find, e.g. Storgatan 1, Ekeby, entrance B."),
        error_messages={"required": _("Enter where the intake talk is held.")},
    )
    group_date = forms.DateField(
        label=_("Date of the first group session"),
        required=False,
        widget=_DATE,
        help_text=_("Leave empty if the group start is not decided yet."),
        error_messages=_DATE_ERRORS,
    )
    group_time = _time_field(
        _("Time of the first group session"),
        _("Enter the time of the first group session."),
        required=False,
    )
    group_place = forms.CharField(
        label=_("Place of the group sessions"), max_length=200, required=False
    )
    contact = forms.ModelChoiceField(
        label=_("Contact person"),
        queryset=None,
        help_text=_("The coordinator the person can call with questions."),
        error_messages={
            "required": _("Choose the contact person."),
            "invalid_choice": _("Choose one of the project's coordinators."),
        },
    )
    contact_phone = forms.CharField(
        label=_("Contact person's phone"),
        max_length=40,
        help_text=_("Printed in the letter, e.g. 070-123 45 67."),
        error_messages={"required": _("Enter a phone number the person can call.")},
    )
    message = text_limits.text_field(
        text_limits.SHORT,
        label=_("Personal message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional. Printed in the letter as written, e.g. what to bring."),
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["contact"]
        field.queryset = project_coordinators(enrolment.project_id).order_by("full_name")
        field.label_from_instance = lambda user: user.full_name or user.email
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("Intake talk"),
                Div(
                    Div("intake_date", css_class="col-sm-6"),
                    Div("intake_time", css_class="col-sm-6"),
                    css_class="row",
                ),
                "intake_place",
                css_id="section-intake",
            ),
            Fieldset(
                _("First group session"),
                Div(
                    Div("group_date", css_class="col-sm-6"),
                    Div("group_time", css_class="col-sm-6"),
                    css_class="row",
                ),
                "group_place",
                css_id="section-group",
            ),
            Fieldset(
                _("Contact person"), "contact", "contact_phone", "message", css_id="section-contact"
            ),
        )

    def clean_intake_date(self):
        value = self.cleaned_data["intake_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The intake talk cannot be in the past."))
        return value

    def clean_contact_phone(self):
        value = " ".join(self.cleaned_data["contact_phone"].split())
        if not PHONE_PATTERN.match(value):
            raise forms.ValidationError(
                _("Enter a phone number with digits, e.g. 070-123 45 67 or +46 70 123 45 67.")
            )
        return value

    def clean(self):
        data = super().clean()
        day, at = data.get("group_date"), data.get("group_time")
        place = (data.get("group_place") or "").strip()
        # A half-filled group start would print a letter with a date and no time, or the reverse.
        if "group_date" in data and "group_time" in data:
            if day and not at:
                self.add_error("group_time", _("Enter the time of the first group session."))
            elif (at or place) and not day:
                self.add_error("group_date", _("Enter the date of the first group session."))
            elif day and not place:
                self.add_error("group_place", _("Enter where the group sessions are held."))
        if self.errors:
            return data
        data["intake_at"] = _combine(data["intake_date"], data["intake_time"])
        data["group_starts_at"] = _combine(day, at) if day else None
        if data["group_starts_at"] and data["group_starts_at"] <= data["intake_at"]:
            self.add_error(
                "group_date", _("The first group session must be after the intake talk.")
            )
        return data

    def letter_values(self) -> dict:
        """The cleaned values as `participants.letters.letter_create` takes them."""
        data = self.cleaned_data
        return {
            "intake_at": data["intake_at"],
            "intake_place": data["intake_place"],
            "group_starts_at": data["group_starts_at"],
            "group_place": data["group_place"],
            "contact": data["contact"],
            "contact_phone": data["contact_phone"],
            "message": data["message"],
        }

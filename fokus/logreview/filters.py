"""The review page's filters: user, participant, action and period."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus.logreview import subjects
from fokus.models import AccessAction

# A period longer than this is refused: the flags compare it day by day.
MAX_PERIOD_DAYS = 366


def previous_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period's first and last moment in the local time zone (both dates included)."""
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time.min, zone), datetime.combine(end, time.max, zone)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class LogFilters:
    period_start: date
    period_end: date
    user: str = ""
    participant: str = ""
    action: str = ""

    def apply(self, entries: QuerySet) -> QuerySet:
        start, end = period_bounds(self.period_start, self.period_end)
        entries = entries.filter(at__gte=start, at__lte=end)
        if self.user:
            actor = _uuid(self.user)
            entries = entries.filter(
                Q(actor__public_id=actor) if actor else Q(actor_label__icontains=self.user)
            )
        if self.participant:
            subject = _uuid(self.participant)
            entries = entries.filter(
                Q(object_id=str(subject))
                if subject
                else Q(
                    object_type__in=subjects.object_types(),
                    object_label__icontains=self.participant,
                )
            )
        if self.action:
            entries = entries.filter(action=self.action)
        return entries

    def query(self, **changes) -> dict[str, str]:
        """These filters (with `changes`) as the page's GET parameters."""
        values = {
            "user": self.user,
            "participant": self.participant,
            "action": self.action,
            "date_from": self.period_start.isoformat(),
            "date_to": self.period_end.isoformat(),
        }
        values.update({key: str(value) for key, value in changes.items()})
        return {key: value for key, value in values.items() if value}


class LogReviewFilterForm(forms.Form):
    user = forms.CharField(
        label=_("User"), required=False, max_length=254, help_text=_("E-mail or part of it.")
    )
    participant = forms.CharField(
        label=_("Participant"),
        required=False,
        max_length=200,
        help_text=_("The name (or alias) the log shows for the referral or participation."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AccessAction.choices]
        self.default_period = previous_month(today)

    def clean(self):
        cleaned = super().clean()
        start = cleaned.get("date_from") or self.default_period[0]
        end = cleaned.get("date_to") or self.default_period[1]
        if "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        if end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        if (end - start).days >= MAX_PERIOD_DAYS:
            raise forms.ValidationError(_("Choose a period of at most a year."))
        cleaned["date_from"], cleaned["date_to"] = start, end
        return cleaned

    def filters(self) -> LogFilters:
        """The filters to apply: the valid ones entered, else the previous month."""
        if not self.is_bound or not self.is_valid():
            return LogFilters(*self.default_period)
        data = self.cleaned_data
        return LogFilters(
            period_start=data["date_from"],
            period_end=data["date_to"],
            user=data["user"].strip(),
            participant=data["participant"].strip(),
            action=data["action"],
        )

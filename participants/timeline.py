"""Everything that happened in one participation, newest first, for the participant page.

Staff turnover is the norm, so a coordinator who picks a participant up must be able to read
the whole story in one place. Each source is one query (two for meetings, whose attendees are
prefetched), so the page costs the same however long the story is. Coordinators' notes are
marked `private`: pages for the agencies leave them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from participants.models import (
    ActionPlanVersion,
    Attendance,
    ClientMeeting,
    Enrolment,
    InvitationLetter,
    MeetingKind,
)
from referrals.models import ReferralStatus, ReferralStatusChange


@dataclass(frozen=True)
class Event:
    on: date
    at: time | None
    category: str  # referral, meeting, attendance, plan, letter, participation
    title: str
    details: list[str] = field(default_factory=list)
    by: str = ""
    url: str = ""
    # Coordinators' notes: never shown outside the project.
    notes: str = ""

    @property
    def sort_key(self) -> tuple:
        return (self.on, self.at or time.min)


def _local(moment: datetime) -> tuple[date, time]:
    moment = timezone.localtime(moment)
    return moment.date(), moment.time().replace(microsecond=0)


def _name(user) -> str:
    return (user.full_name or user.email) if user else ""


def _referral_events(enrolment: Enrolment) -> list[Event]:
    events = []
    changes = ReferralStatusChange.objects.filter(referral_id=enrolment.referral_id).select_related(
        "by", "meeting", "cohort__municipality"
    )
    for change in changes:
        on, at = _local(change.at)
        details = []
        if change.meeting:
            details.append(_("At the ärendemöte of %(date)s") % {"date": change.meeting.date})
        if change.cohort and change.status == ReferralStatus.ACCEPTED:
            details.append(_("Start: %(cohort)s") % {"cohort": change.cohort})
        if change.decline_reason:
            details.append(change.get_decline_reason_display())
        if change.comment:
            details.append(change.comment)
        if change.note:
            details.append(change.note)
        events.append(
            Event(
                on,
                at,
                "referral",
                _("Referral: %(status)s") % {"status": change.get_status_display()},
                details,
                _name(change.by),
            )
        )
    return events


def _meeting_events(enrolment: Enrolment, *, editable: bool) -> list[Event]:
    events = []
    meetings = (
        ClientMeeting.objects.filter(enrolment=enrolment)
        .select_related("recorded_by")
        .prefetch_related("coordinators", "agencies")
    )
    for meeting in meetings:
        title = meeting.get_kind_display()
        if meeting.kind == MeetingKind.INDIVIDUAL:
            title = f"{title} ({meeting.get_talk_form_display().lower()})"
        details = [_("%(minutes)d minutes") % {"minutes": meeting.duration_minutes}]
        attendees = [_name(user) for user in meeting.coordinators.all()]
        attendees += [agency.name for agency in meeting.agencies.all()]
        if meeting.other_attendees:
            attendees.append(meeting.other_attendees)
        if attendees:
            details.append(_("Took part: %(who)s") % {"who": ", ".join(attendees)})
        if not meeting.participant_attended:
            details.append(_("The participant did not take part."))
        if meeting.next_step:
            details.append(_("Next step: %(step)s") % {"step": meeting.next_step})
        events.append(
            Event(
                meeting.date,
                meeting.start_time,
                "meeting",
                title,
                details,
                _name(meeting.recorded_by),
                reverse("participants:meeting-edit", args=[meeting.pk]) if editable else "",
                meeting.notes,
            )
        )
    return events


def _attendance_events(enrolment: Enrolment) -> list[Event]:
    attendances = Attendance.objects.filter(enrolment=enrolment).select_related("session")
    return [
        Event(
            a.session.date,
            a.session.start_time,
            "attendance",
            _("Group session: %(theme)s")
            % {"theme": a.session.theme_note or a.session.get_theme_display()},
            [a.get_status_display()],
        )
        for a in attendances
    ]


def _plan_events(enrolment: Enrolment) -> list[Event]:
    versions = ActionPlanVersion.objects.filter(plan__enrolment=enrolment).select_related("by")
    events = []
    for version in versions:
        on, at = _local(version.at)
        events.append(
            Event(
                on,
                at,
                "plan",
                _("Action plan, version %(number)d") % {"number": version.number},
                [version.summary],
                _name(version.by),
                reverse("participants:plan-version", args=[enrolment.public_id, version.number]),
            )
        )
    return events


def _letter_events(enrolment: Enrolment) -> list[Event]:
    letters = InvitationLetter.objects.filter(enrolment=enrolment).select_related("created_by")
    events = []
    for letter in letters:
        on, at = _local(letter.created_at)
        intake_on, intake_at = _local(letter.intake_at)
        events.append(
            Event(
                on,
                at,
                "letter",
                _("Invitation letter"),
                [_("Intake talk %(date)s at %(time)s") % {"date": intake_on, "time": intake_at}],
                _name(letter.created_by),
                reverse("participants:letter-pdf", args=[letter.pk]),
            )
        )
    return events


def _participation_events(enrolment: Enrolment) -> list[Event]:
    """Start, extensions, exit and the follow-up: from the enrolment's own rows."""
    events = []
    if enrolment.enrolled_on:
        events.append(
            Event(
                enrolment.enrolled_on,
                None,
                "participation",
                _("Participation started"),
                [_("Planned exit %(date)s") % {"date": enrolment.planned_exit_on}]
                if enrolment.planned_exit_on
                else [],
            )
        )
    for extension in enrolment.extensions.select_related("by"):
        on, at = _local(extension.at)
        events.append(
            Event(
                on,
                at,
                "participation",
                _("Planned exit moved to %(date)s") % {"date": extension.new_planned_exit_on},
                [extension.reason],
                _name(extension.by),
            )
        )
    if enrolment.exited_on:
        details = [enrolment.get_exit_reason_display()]
        if enrolment.destination:
            details.append(_("Destination: %(d)s") % {"d": enrolment.get_destination_display()})
        if enrolment.receiving_party:
            details.append(_("Receiving party: %(p)s") % {"p": enrolment.receiving_party})
        events.append(Event(enrolment.exited_on, time.max, "participation", _("Exit"), details))
    follow_up = getattr(enrolment, "follow_up", None)
    if follow_up and follow_up.done_on:
        events.append(
            Event(
                follow_up.done_on,
                None,
                "participation",
                _("90-day follow-up"),
                [
                    _("Self-sufficient") if follow_up.self_sufficient else _("Not self-sufficient"),
                    follow_up.get_income_source_display(),
                ],
                _name(follow_up.recorded_by),
            )
        )
    return events


# Other apps add their sources (the step ladder's ratings, the reports): each a function
# `(enrolment, *, editable) -> list[Event]` running a constant number of queries.
SOURCES: list = []


def timeline(enrolment: Enrolment, *, editable: bool = False) -> list[Event]:
    """The participation's events, newest first. `editable` adds links to edit meetings.
    Expects `enrolment` fetched with its follow-up (and its recorder) selected."""
    events = [
        *_referral_events(enrolment),
        *_participation_events(enrolment),
        *_meeting_events(enrolment, editable=editable),
        *_attendance_events(enrolment),
        *_plan_events(enrolment),
        *_letter_events(enrolment),
    ]
    for source in SOURCES:
        events += source(enrolment, editable=editable)
    events.sort(key=lambda event: event.sort_key, reverse=True)
    return events

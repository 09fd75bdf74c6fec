"""Writes for meetings with a participant and for a cohort's group sessions with everyone's
attendance. The rules are checked here as well as in the forms: a service is also called from
tests, commands and future imports, and must not leave half a session behind.

Errors are `MeetingError`s keyed by the forms' field names, so a view shows each at its field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus import text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, User
from participants.models import (
    Attendance,
    AttendanceStatus,
    ClientMeeting,
    Enrolment,
    GroupSession,
    MeetingKind,
    SessionTheme,
)
from participants.services import project_coordinators

MEETING_MINUTES = (5, 720)
SESSION_MINUTES = (15, 480)

# Who can have attended a session: participations that had started by its date and not ended
# before it. Consent withdrawn: nothing new is recorded about the person.
SESSION_STATUSES = (Enrolment.Status.ACTIVE, Enrolment.Status.EXITED)

TALK_FORM_REQUIRED = _("Choose how the individual talk was held.")
TALK_FORM_NOT_ALLOWED = _(
    "Only an individual talk has a form. Leave the form of the talk empty for this type of meeting."
)
MEETING_IN_FUTURE = _(
    "The date cannot be in the future: a meeting is recorded after it has been held."
)
SESSION_IN_FUTURE = _(
    "The date cannot be in the future: a session is recorded after it has been held."
)
MEETING_DURATION = _("Enter the duration in whole minutes, from 5 to 720.")
SESSION_DURATION = _("Enter the duration in whole minutes, from 15 to 480.")
THEME_NOTE_REQUIRED = _("Name the theme when you choose “Other theme”.")
MEETING_CLOSED = _("Meetings can be recorded only for accepted or active participations.")


class MeetingError(ValidationError):
    """A rule refused the change; the message is for the user."""


def _check_date(day: date, message) -> dict[str, str]:
    return {"date": message} if day > timezone.localdate() else {}


def _check_duration(minutes: int, limits: tuple[int, int], message) -> dict[str, str]:
    low, high = limits
    return {} if low <= minutes <= high else {"duration_minutes": message}


def meeting_agencies(enrolment: Enrolment, meeting: ClientMeeting | None = None):
    """Agencies a meeting may name: the federation's active ones, and those it names already
    (an agency made inactive since must not silently drop out of an old meeting)."""
    named = Q(pk__in=meeting.agencies.values("pk")) if meeting and meeting.pk else Q(pk__in=[])
    return Agency.objects.filter(
        Q(federation_id=enrolment.federation_id) & (Q(is_active=True) | named)
    ).order_by("name")


def meeting_coordinators(enrolment: Enrolment, meeting: ClientMeeting | None = None):
    """Coordinators a meeting may name: the project's, and those it names already."""
    current = project_coordinators(enrolment.project_id).values("pk")
    named = Q(pk__in=meeting.coordinators.values("pk")) if meeting and meeting.pk else Q(pk__in=[])
    return User.objects.filter(
        Q(federation_id=enrolment.federation_id) & (Q(pk__in=current) | named)
    ).order_by("full_name", "email")


@transaction.atomic
def meeting_save(
    *,
    actor: User,
    enrolment: Enrolment,
    meeting: ClientMeeting | None = None,
    kind: str,
    talk_form: str = "",
    date: date,
    start_time: time | None = None,
    duration_minutes: int,
    participant_attended: bool = True,
    coordinators: Iterable[User] = (),
    agencies: Iterable[Agency] = (),
    other_attendees: str = "",
    notes: str = "",
    next_step: str = "",
) -> ClientMeeting:
    """Record a new meeting with the participant (`meeting` None) or correct one."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if meeting is None and not enrolment.is_running:
        raise MeetingError(MEETING_CLOSED)
    if meeting is not None and meeting.enrolment_id != enrolment.pk:
        raise MeetingError(_("The meeting belongs to another participation."))
    coordinators, agencies = list(coordinators), list(agencies)
    errors: dict[str, str] = {}
    if kind not in MeetingKind.values:
        errors["kind"] = _("Choose the type of meeting.")
    elif kind == MeetingKind.INDIVIDUAL and not talk_form:
        errors["talk_form"] = TALK_FORM_REQUIRED
    elif kind != MeetingKind.INDIVIDUAL and talk_form:
        errors["talk_form"] = TALK_FORM_NOT_ALLOWED
    errors.update(_check_date(date, MEETING_IN_FUTURE))
    errors.update(_check_duration(duration_minutes, MEETING_MINUTES, MEETING_DURATION))
    allowed_users = set(meeting_coordinators(enrolment, meeting).values_list("pk", flat=True))
    if any(user.pk not in allowed_users for user in coordinators):
        errors["coordinators"] = _("Choose among the project's coordinators.")
    allowed_agencies = set(meeting_agencies(enrolment, meeting).values_list("pk", flat=True))
    if any(agency.pk not in allowed_agencies for agency in agencies):
        errors["agencies"] = _("Choose among the federation's agencies.")
    errors |= text_limits.over_limit(
        notes=(notes, text_limits.NOTE), next_step=(next_step, text_limits.NOTE)
    )
    if errors:
        raise MeetingError(errors)

    created = meeting is None
    done = "recorded" if created else "changed"
    if created:
        meeting = ClientMeeting(enrolment=enrolment, recorded_by=actor)
    meeting.kind = kind
    meeting.talk_form = talk_form
    meeting.date = date
    meeting.start_time = start_time
    meeting.duration_minutes = duration_minutes
    meeting.participant_attended = participant_attended
    meeting.other_attendees = other_attendees.strip()
    meeting.notes = notes.strip()
    meeting.next_step = next_step.strip()
    meeting.save()
    meeting.coordinators.set(coordinators)
    meeting.agencies.set(agencies)
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=enrolment,
        detail=f"meeting {meeting.pk} {kind} {date:%Y-%m-%d} {done}",
    )
    return meeting


def session_participants(cohort: Cohort, day: date) -> list[Enrolment]:
    """The participations that take part in the cohort's sessions on `day`: started on or
    before it and not ended before it. Sorted by the name shown."""
    enrolments = (
        Enrolment.objects.filter(
            project_id=cohort.project_id,
            cohort=cohort,
            status__in=SESSION_STATUSES,
            enrolled_on__lte=day,
        )
        .filter(Q(exited_on__isnull=True) | Q(exited_on__gte=day))
        .select_related("referral")
    )
    return sorted(enrolments, key=lambda e: (e.referral.display_name.casefold(), e.pk))


@transaction.atomic
def session_save(
    *,
    actor: User,
    cohort: Cohort,
    session: GroupSession | None = None,
    date: date,
    start_time: time | None = None,
    duration_minutes: int,
    theme: str,
    theme_note: str = "",
    notes: str = "",
    attendance: Mapping[int, str],
) -> GroupSession:
    """Record a group session (`session` None) or correct one, with the attendance of every
    participant of the cohort on that date: `attendance` maps enrolment id → status and must
    name exactly those participants. Attendance of someone whose consent has been withdrawn
    is kept as it was."""
    if session is not None:
        session = GroupSession.objects.select_for_update().get(pk=session.pk)
        if session.cohort_id != cohort.pk:
            raise MeetingError(_("The session belongs to another start."))
    theme_note = theme_note.strip()
    errors: dict[str, str] = {}
    errors.update(_check_date(date, SESSION_IN_FUTURE))
    errors.update(_check_duration(duration_minutes, SESSION_MINUTES, SESSION_DURATION))
    if theme not in SessionTheme.values:
        errors["theme"] = _("Choose the theme of the session.")
    elif theme == SessionTheme.OTHER and not theme_note:
        errors["theme_note"] = THEME_NOTE_REQUIRED
    if any(status not in AttendanceStatus.values for status in attendance.values()):
        errors["__all__"] = _("Choose present, absent or excused for every participant.")
    expected = {e.pk for e in session_participants(cohort, date)}
    if "date" not in errors and set(attendance) != expected:
        errors["__all__"] = _(
            "The participants of the start on this date have changed. Check the attendance "
            "and save again."
        )
    errors |= text_limits.over_limit(notes=(notes, text_limits.NOTE))
    if errors:
        raise MeetingError(errors)

    created = session is None
    if created:
        session = GroupSession(cohort=cohort, recorded_by=actor)
    session.date = date
    session.start_time = start_time
    session.duration_minutes = duration_minutes
    session.theme = theme
    session.theme_note = theme_note
    session.notes = notes.strip()
    session.save()

    existing = {a.enrolment_id: a for a in session.attendances.select_related("enrolment")}
    gone = [
        a.pk
        for enrolment_id, a in existing.items()
        if enrolment_id not in attendance
        and a.enrolment.status != Enrolment.Status.CONSENT_WITHDRAWN
    ]
    Attendance.objects.filter(pk__in=gone).delete()
    new, changed = [], []
    for enrolment_id, status in attendance.items():
        row = existing.get(enrolment_id)
        if row is None:
            new.append(Attendance(session=session, enrolment_id=enrolment_id, status=status))
        elif row.status != status:
            row.status = status
            changed.append(row)
    # The row history's triggers fire per row, so bulk writes keep every status change.
    Attendance.objects.bulk_create(new)
    Attendance.objects.bulk_update(changed, ["status"])

    counts = {s: list(attendance.values()).count(s) for s in AttendanceStatus.values}
    log_access(
        actor=actor,
        action=AccessAction.CREATE if created else AccessAction.CHANGE,
        obj=session,
        federation_id=cohort.project.federation_id,
        detail=(
            f"group session {date:%Y-%m-%d} {theme}, cohort {cohort.pk}: "
            + ", ".join(f"{counts[s]} {s}" for s in AttendanceStatus.values)
            + (f", {len(gone)} removed" if gone else "")
        ),
    )
    return session

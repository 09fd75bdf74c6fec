"""Meetings with a participant, and a cohort's group sessions with everyone's attendance.
Only the project's coordinators record them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cohorts.models import Cohort
from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction
from participants import meetings as services
from participants.attendance import AttendanceSummary, attendance_summaries
from participants.forms.meetings import MeetingForm, SessionForm
from participants.models import (
    Attendance,
    AttendanceStatus,
    ClientMeeting,
    Enrolment,
    GroupSession,
    MeetingKind,
)
from participants.views.lookup import enrolment_for as _enrolment

# --- Meetings with a participant ---------------------------------------------------------------


def _meeting_form(
    request: HttpRequest, *, enrolment: Enrolment, meeting: ClientMeeting | None
) -> HttpResponse:
    if request.method == "POST":
        form = MeetingForm(request.POST, enrolment=enrolment, meeting=meeting)
        if form.is_valid():
            try:
                services.meeting_save(
                    actor=request.user,
                    enrolment=enrolment,
                    meeting=meeting,
                    **form.cleaned_data,
                )
            except services.MeetingError as error:
                # The service names the fields it refuses: each error shows at its field.
                form.add_error(None, error)
            else:
                messages.success(request, _("The meeting was saved."))
                return redirect("participants:participant-detail", enrolment.public_id)
    elif meeting is not None:
        form = MeetingForm(
            enrolment=enrolment, meeting=meeting, initial=MeetingForm.initial_for(meeting)
        )
    else:
        # The user is one of the project's coordinators (checked above): ticked by default.
        initial = {
            "date": timezone.localdate(),
            "duration_minutes": 60,
            "participant_attended": True,
            "coordinators": [request.user.pk],
        }
        if request.GET.get("kind") in MeetingKind.values:
            initial["kind"] = request.GET["kind"]
        form = MeetingForm(enrolment=enrolment, initial=initial)
    return render(
        request,
        "participants/meeting_form.html",
        {
            "enrolment": enrolment,
            "referral": enrolment.referral,
            "meeting": meeting,
            "form": form,
            "title": _("Change the meeting") if meeting else _("Record a meeting"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not enrolment.is_running:
        raise PermissionDenied(services.MEETING_CLOSED)
    return _meeting_form(request, enrolment=enrolment, meeting=None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    meeting = get_object_or_404(
        ClientMeeting.objects.in_federation(request.user).select_related(
            "enrolment__referral", "enrolment__project"
        ),
        pk=pk,
    )
    enrolment = meeting.enrolment
    policy.require_project(request.user, enrolment.project)
    if not policy.enrolments.can_coordinate(request.user, enrolment):
        raise PermissionDenied(_("Only the project's coordinators work with its participants."))
    return _meeting_form(request, enrolment=enrolment, meeting=meeting)


# --- Group sessions ----------------------------------------------------------------------------


def _require_coordinator(request: HttpRequest, cohort: Cohort) -> None:
    policy.require_project(request.user, cohort.project)
    if not policy.can_coordinate(request.user, cohort.project):
        raise PermissionDenied(_("Only the project's coordinators record group sessions."))


def _cohort(request: HttpRequest, pk: int) -> Cohort:
    policy.require_any_role(request.user)
    cohort = get_object_or_404(
        Cohort.objects.for_user(request.user).select_related("project", "municipality"), pk=pk
    )
    _require_coordinator(request, cohort)
    return cohort


def _session(request: HttpRequest, pk: int) -> GroupSession:
    policy.require_any_role(request.user)
    session = get_object_or_404(
        GroupSession.objects.in_federation(request.user).select_related(
            "cohort__project", "cohort__municipality"
        ),
        pk=pk,
    )
    _require_coordinator(request, session.cohort)
    return session


# Whose rows the grid shows: every participation that has started in the start. Those whose
# consent is withdrawn are flagged, without their attendance.
GRID_STATUSES = (
    Enrolment.Status.ACTIVE,
    Enrolment.Status.EXITED,
    Enrolment.Status.CONSENT_WITHDRAWN,
)


@dataclass
class GridRow:
    enrolment: Enrolment
    cells: list[tuple[str, str] | None]  # (status, label) per session; None: not recorded
    summary: AttendanceSummary

    @property
    def withdrawn(self) -> bool:
        return self.enrolment.is_consent_withdrawn


@login_required
@require_safe
def session_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The start's sessions and its attendance grid, in a fixed number of queries."""
    cohort = _cohort(request, pk)
    sessions = list(cohort.sessions.order_by("-date", "-start_time", "-pk"))
    columns = sessions[::-1]
    enrolments = (
        Enrolment.objects.for_user(request.user)
        .filter(
            # Also anyone recorded in these sessions who has since moved to another start.
            Q(cohort=cohort, status__in=GRID_STATUSES) | Q(attendances__session__cohort=cohort)
        )
        .distinct()
        .select_related("referral")
    )
    enrolments = sorted(enrolments, key=lambda e: (e.referral.display_name.casefold(), e.pk))
    statuses = {
        (session_id, enrolment_id): (status, AttendanceStatus(status).label)
        for session_id, enrolment_id, status in Attendance.objects.for_user(request.user)
        .filter(session__cohort=cohort)
        .values_list("session_id", "enrolment_id", "status")
    }
    summaries = attendance_summaries(e.pk for e in enrolments)
    rows = [
        GridRow(
            enrolment=e,
            cells=[statuses.get((s.pk, e.pk)) for s in columns],
            summary=summaries[e.pk],
        )
        for e in enrolments
    ]
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=cohort,
        detail=f"attendance grid: {len(rows)} listed, {len(sessions)} sessions",
    )
    return render(
        request,
        "participants/session_list.html",
        {
            "cohort": cohort,
            "project": cohort.project,
            "sessions": sessions,
            "columns": columns,
            "rows": rows,
            "planned": cohort.group_weeks * cohort.group_sessions_per_week,
        },
    )


def _session_form(
    request: HttpRequest, *, cohort: Cohort, session: GroupSession | None
) -> HttpResponse:
    today = timezone.localdate()
    if request.method == "POST":
        form = SessionForm(request.POST, cohort=cohort, session=session, today=today)
        if form.is_valid():
            try:
                services.session_save(
                    actor=request.user,
                    cohort=cohort,
                    session=session,
                    attendance=form.attendance(),
                    **form.session_data(),
                )
            except services.MeetingError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The group session and its attendance were saved."))
                return redirect("participants:session-list", cohort.pk)
    else:
        form = SessionForm(cohort=cohort, session=session, today=today)
    return render(
        request,
        "participants/session_form.html",
        {
            "cohort": cohort,
            "project": cohort.project,
            "session": session,
            "form": form,
            "title": _("Change the group session") if session else _("Record a group session"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    cohort = _cohort(request, pk)
    return _session_form(request, cohort=cohort, session=None)


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return _session_form(request, cohort=session.cohort, session=session)

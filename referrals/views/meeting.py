"""The ärendegrupp's meetings: the list, a meeting page with its queue and wait list, creating
and changing a meeting. Only the project's coordinators and ärendegrupp members use them.
The queue's rows are `queue`, the decisions `decisions`, the minutes `minutes`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction, IntakeMode, Project
from referrals import meetings as meeting_services
from referrals.forms.meeting import AdviceForm, DecisionForm, MeetingEditForm, MeetingForm, MoveForm
from referrals.models import (
    DECIDABLE_STATUSES,
    CaseGroupMeeting,
    Consultation,
    Referral,
    ReferralStatus,
)
from referrals.views.fetching import reviewer_meeting, reviewer_project
from referrals.views.minutes import decisions_at, minutes_line
from referrals.views.queue import QueueItem, queue_item


def meeting_queryset(project: Project):
    return project.meetings.order_by("date", "time")


def render_meeting(
    request: HttpRequest,
    meeting: CaseGroupMeeting,
    *,
    status: int = 200,
    error: str = "",
    failed: tuple[str, int, Form] | None = None,
) -> HttpResponse:
    """The meeting page. After a refused decision, move or advice it is shown again with
    `failed` = (kind, object pk, the bound form) in place of that object's fresh form."""
    user = request.user
    project = meeting.project
    today = timezone.localdate()
    meetings = list(meeting_queryset(project))
    upcoming = [m for m in meetings if m.date >= today]
    cohorts = None
    if project.intake_mode == IntakeMode.COHORT:
        cohorts = list(project.cohorts.select_related("municipality"))

    def bound(kind: str, pk: int) -> Form | None:
        if failed and failed[0] == kind and failed[1] == pk:
            return failed[2]
        return None

    def with_forms(item: QueueItem, referral: Referral, prefix: str) -> QueueItem:
        if item.flagged or not policy.referrals.can_decide(user, referral):
            return item
        hex_id = referral.public_id.hex[:12]
        item.decide_form = bound("decide", referral.pk)
        if item.decide_form is None:
            item.decide_form = DecisionForm(
                cohorts=cohorts,
                meetings=meetings,
                initial={"cohort": referral.cohort_id, "next": meeting.pk},
                auto_id=f"{prefix}d{hex_id}_%s",
            )
        targets = [m for m in upcoming if m.pk != referral.meeting_id]
        item.move_form = bound("move", referral.pk)
        if item.move_form is None and targets:
            item.move_form = MoveForm(
                targets=targets,
                meetings=meetings,
                initial={"next": meeting.pk},
                auto_id=f"{prefix}m{hex_id}_%s",
            )
        if failed and failed[1] == referral.pk and failed[0] in ("decide", "move"):
            item.error = error
        return item

    referrals = Referral.objects.for_user(user).select_related(
        "referring_agency", "home_municipality", "cohort__municipality", "decided_by", "meeting"
    )
    on_meeting = list(referrals.filter(meeting=meeting).order_by("submitted_at", "pk"))
    wait_listed = list(
        referrals.filter(project=project, status=ReferralStatus.WAIT_LISTED).order_by(
            "wait_listed_at", "pk"
        )
    )
    positions = {r.pk: number for number, r in enumerate(wait_listed, start=1)}

    queue_referrals = [
        r
        for r in on_meeting
        if r.status in DECIDABLE_STATUSES
        or (r.status == ReferralStatus.CONSENT_WITHDRAWN and r.decided_at is None)
    ]
    queue_pks = {r.pk for r in queue_referrals}
    queue = [
        with_forms(queue_item(user, r, today=today, wait_position=positions.get(r.pk)), r, "q")
        for r in queue_referrals
    ]
    wait_list = []
    for r in wait_listed:
        item = queue_item(user, r, today=today, wait_position=positions[r.pk])
        # One decision form per referral on the page: a queued one is decided in the queue.
        wait_list.append((with_forms(item, r, "w") if r.pk not in queue_pks else item, r.meeting))
    decided = [
        minutes_line(change, user=user, today=today) for change in decisions_at(user, meeting)
    ]

    consultations = []
    for consultation in (
        Consultation.objects.for_user(user)
        .filter(meeting=meeting)
        .select_related("raised_by_agency")
    ):
        form = bound("advice", consultation.pk)
        if form is None:
            form = AdviceForm(
                meetings=meetings,
                initial={"advice": consultation.advice, "next": meeting.pk},
                auto_id=f"a{consultation.pk}_%s",
            )
        consultation_error = error if failed and failed[:2] == ("advice", consultation.pk) else ""
        consultations.append((consultation, form, consultation_error))

    log_access(
        actor=user,
        action=AccessAction.VIEW,
        obj=meeting,
        federation_id=project.federation_id,
    )
    access = policy.ProjectAccess(request.user, project)
    return render(
        request,
        "referrals/meeting_detail.html",
        {
            "project": project,
            "meeting": meeting,
            "queue": queue,
            "wait_list": wait_list,
            "decided": decided,
            "consultations": consultations,
            "attendees": meeting.attendees.order_by("full_name"),
            "is_past": meeting.date < today,
            "error": error,
            "can_raise_consultation": access.can("consultations.raise"),
        },
        status=status,
    )


def render_meeting_list(
    request: HttpRequest, project: Project, *, status: int = 200, error: str = ""
) -> HttpResponse:
    today = timezone.localdate()
    meetings = list(
        meeting_queryset(project).annotate(
            queued=Count(
                "referrals", filter=Q(referrals__status__in=DECIDABLE_STATUSES), distinct=True
            ),
            consultation_count=Count("consultations", distinct=True),
        )
    )
    access = policy.ProjectAccess(request.user, project)
    return render(
        request,
        "referrals/meeting_list.html",
        {
            "project": project,
            "upcoming": [m for m in meetings if m.date >= today],
            "past": [m for m in reversed(meetings) if m.date < today],
            "waiting": meeting_services.waiting_for_meeting(project, today=today).count(),
            "error": error,
            "can_raise_consultation": access.can("consultations.raise"),
        },
        status=status,
    )


@login_required
def meeting_list(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = reviewer_project(request, project_pk)
    return render_meeting_list(request, project)


@login_required
def meeting_create(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = reviewer_project(request, project_pk)
    if request.method == "POST":
        form = MeetingForm(request.POST)
        if form.is_valid():
            meeting, queued = meeting_services.meeting_create(
                actor=request.user, project=project, **form.cleaned_data
            )
            messages.success(
                request,
                ngettext(
                    "The meeting on %(date)s was created. %(count)d waiting referral was queued.",
                    "The meeting on %(date)s was created. %(count)d waiting referrals were queued.",
                    queued,
                )
                % {"date": f"{meeting.date:%Y-%m-%d}", "count": queued},
            )
            return redirect("referrals:meeting-detail", meeting.pk)
    else:
        form = MeetingForm()
    return render(
        request,
        "referrals/meeting_form.html",
        {"form": form, "project": project, "title": _("New ärendemöte"), "meeting": None},
        status=400 if form.errors else 200,
    )


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reviewer_meeting(request, pk)
    return render_meeting(request, meeting)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reviewer_meeting(request, pk)
    if request.method == "POST":
        form = MeetingEditForm(request.POST, instance=meeting)
        if form.is_valid():
            meeting_services.meeting_update(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
            messages.success(request, _("The meeting was saved."))
            return redirect("referrals:meeting-detail", meeting.pk)
    else:
        form = MeetingEditForm(instance=meeting)
    return render(
        request,
        "referrals/meeting_form.html",
        {
            "form": form,
            "project": meeting.project,
            "title": _("Change ärendemöte"),
            "meeting": meeting,
        },
        status=400 if form.errors else 200,
    )

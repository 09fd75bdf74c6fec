"""The ärendegrupp's pages: meetings, the queue with one decision per referral, the wait list
and the minutes. Only the project's coordinators and ärendegrupp members use them."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from fokus import access
from fokus.audit import log_access
from fokus.models import AccessAction, IntakeMode, Project
from participants.models import Cohort
from referrals import meetings as meeting_services
from referrals import permissions, project_access
from referrals.forms.meeting import AdviceForm, DecisionForm, MeetingEditForm, MeetingForm, MoveForm
from referrals.models import (
    DECIDABLE_STATUSES,
    CaseGroupMeeting,
    Consultation,
    Referral,
    ReferralStatus,
    ReferralStatusChange,
)
from referrals.services import Decision, ReferralError

# The target-group questions the group sees in the summary (answers only, no comments).
SUMMARY_ANSWERS = [
    "far_from_labour_market",
    "long_term_unemployed",
    "needs_rehabilitation",
    "sufficient_swedish",
]
PURPOSE_CHARS = 300


def reviewer_project(request: HttpRequest, project_pk: int) -> Project:
    """The project, if the user is one of its coordinators or ärendegrupp members."""
    access.require_any_role(request.user)
    project = get_object_or_404(Project.objects.for_user(request.user), pk=project_pk)
    project_access.require(project_access.is_reviewer(request.user, project))
    return project


def reviewer_meeting(request: HttpRequest, pk: int) -> CaseGroupMeeting:
    """A meeting through CaseGroupMeeting.for_user. One of a project the user can see but
    does not review is 403; one of a project they cannot see (or of another federation) 404."""
    access.require_any_role(request.user)
    meeting = (
        CaseGroupMeeting.objects.for_user(request.user)
        .select_related("project")
        .filter(pk=pk)
        .first()
    )
    if meeting is not None:
        return meeting
    visible_projects = Project.objects.for_user(request.user)
    if CaseGroupMeeting.objects.filter(pk=pk, project__in=visible_projects).exists():
        raise PermissionDenied(_("Only the project's coordinators and ärendegrupp see meetings."))
    raise Http404


@dataclass
class QueueItem:
    """What the ärendegrupp sees of a referral before opening it: nothing more than it needs
    to decide, and nothing at all once consent is withdrawn. Built here so that a template
    never touches a personnummer, an address, a phone number or an e-mail address."""

    public_id: UUID
    agency: str
    flagged: bool
    can_open: bool
    display_name: str = ""
    birth_year: int | None = None
    gender: str = ""
    home_municipality: str = ""
    requested_start: str = ""
    answers: list[tuple[str, str]] = field(default_factory=list)
    purpose: str = ""
    status: str = ""
    wait_position: int | None = None
    decide_form: Form | None = None
    move_form: Form | None = None
    error: str = ""


def queue_item(user, referral: Referral, *, wait_position: int | None = None) -> QueueItem:
    flagged = referral.status == ReferralStatus.CONSENT_WITHDRAWN
    item = QueueItem(
        public_id=referral.public_id,
        agency=referral.referring_agency.name,
        flagged=flagged,
        can_open=permissions.can_see_details(user, referral),
    )
    if flagged:
        return item
    item.display_name = referral.display_name
    item.birth_year = referral.known_birth_year
    item.gender = referral.get_gender_display()
    item.home_municipality = str(referral.home_municipality or "")
    item.requested_start = str(referral.cohort or "")
    not_answered = _("Not answered")
    item.answers = [
        (
            str(Referral._meta.get_field(name).verbose_name),
            getattr(referral, f"get_{name}_display")() or not_answered,
        )
        for name in SUMMARY_ANSWERS
    ]
    item.purpose = Truncator(referral.purpose).chars(PURPOSE_CHARS)
    item.status = referral.get_status_display()
    item.wait_position = wait_position
    return item


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
        cohorts = list(Cohort.objects.filter(project=project).select_related("municipality"))

    def bound(kind: str, pk: int) -> Form | None:
        if failed and failed[0] == kind and failed[1] == pk:
            return failed[2]
        return None

    def with_forms(item: QueueItem, referral: Referral, prefix: str) -> QueueItem:
        if item.flagged or not permissions.can_decide(user, referral):
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
        with_forms(queue_item(user, r, wait_position=positions.get(r.pk)), r, "q")
        for r in queue_referrals
    ]
    wait_list = []
    for r in wait_listed:
        item = queue_item(user, r, wait_position=positions[r.pk])
        # One decision form per referral on the page: a queued one is decided in the queue.
        wait_list.append((with_forms(item, r, "w") if r.pk not in queue_pks else item, r.meeting))
    decided = [minutes_line(change) for change in decisions_at(user, meeting)]

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
        request=request,
    )
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
            "can_raise_consultation": project_access.can_raise_consultation(user, project),
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
    return render(
        request,
        "referrals/meeting_list.html",
        {
            "project": project,
            "upcoming": [m for m in meetings if m.date >= today],
            "past": [m for m in reversed(meetings) if m.date < today],
            "waiting": meeting_services.waiting_for_meeting(project, today=today).count(),
            "error": error,
            "can_raise_consultation": project_access.can_raise_consultation(request.user, project),
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
                actor=request.user, project=project, form=form, request=request
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
            meeting_services.meeting_update(actor=request.user, form=form, request=request)
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


@dataclass
class MinutesLine:
    flagged: bool
    agency: str
    display_name: str = ""
    decision: str = ""
    outcome: str = ""
    comment: str = ""
    decided_by: str = ""
    decided_at: object = None


_ACCEPTED = {ReferralStatus.ACCEPTED, ReferralStatus.ENROLLED, ReferralStatus.EXITED}


DECISION_STATUSES = [ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.WAIT_LISTED]


def decisions_at(user, meeting: CaseGroupMeeting):
    """The decisions taken at the meeting, in order, for referrals the user may see: read from
    the status history, so a later decision at another meeting does not rewrite these."""
    return (
        ReferralStatusChange.objects.filter(
            meeting=meeting,
            status__in=DECISION_STATUSES,
            referral__in=Referral.objects.for_user(user),
        )
        .select_related("referral__referring_agency", "cohort__municipality", "by")
        .order_by("at", "pk")
    )


def minutes_line(change: ReferralStatusChange) -> MinutesLine:
    referral = change.referral
    line = MinutesLine(
        flagged=referral.status == ReferralStatus.CONSENT_WITHDRAWN,
        agency=referral.referring_agency.name,
    )
    if line.flagged:
        return line
    line.display_name = referral.display_name
    line.decided_by = str(change.by or "")
    line.decided_at = change.at
    line.comment = change.comment
    if change.status == ReferralStatus.ACCEPTED:
        line.decision = _("Accepted")
        line.outcome = str(change.cohort or "")
    elif change.status == ReferralStatus.DECLINED:
        line.decision = _("Declined")
        line.outcome = change.get_decline_reason_display()
    else:
        line.decision = _("Wait-listed")
    return line


@login_required
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = reviewer_meeting(request, pk)
    decided = decisions_at(request.user, meeting)
    consultations = (
        Consultation.objects.for_user(request.user)
        .filter(meeting=meeting)
        .select_related("raised_by_agency")
    )
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=meeting,
        federation_id=meeting.project.federation_id,
        request=request,
        detail="minutes",
    )
    return render(
        request,
        "referrals/meeting_minutes.html",
        {
            "project": meeting.project,
            "meeting": meeting,
            "lines": [minutes_line(r) for r in decided],
            "consultations": consultations,
            "attendees": meeting.attendees.order_by("full_name"),
        },
    )


def _decision_context(request: HttpRequest, public_id: UUID):
    """The referral (404 unless the user sees it), its project's meetings and starts; 403
    unless the user is one of the project's coordinators or ärendegrupp members."""
    access.require_any_role(request.user)
    referral = get_object_or_404(
        Referral.objects.for_user(request.user).select_related("project"), public_id=public_id
    )
    project = referral.project
    project_access.require(project_access.is_reviewer(request.user, project))
    meetings = list(meeting_queryset(project))
    return referral, project, meetings


def _refused(
    request: HttpRequest,
    *,
    referral: Referral,
    project: Project,
    page: CaseGroupMeeting | None,
    kind: str,
    form: Form,
    message: str,
) -> HttpResponse:
    if page is None:
        return render_meeting_list(request, project, status=400, error=message)
    return render_meeting(
        request, page, status=400, error=message, failed=(kind, referral.pk, form)
    )


def _invalid_message(form: Form, fallback: str) -> str:
    """A hidden `next` that does not name a meeting is not a marked field: say so."""
    if "next" in form.errors:
        return form.errors["next"][0]
    return fallback


def _page(form, referral: Referral, meetings) -> CaseGroupMeeting | None:
    """The meeting page the form came from, else the referral's own meeting."""
    page = form.next_meeting()
    if page is None:
        page = next((m for m in meetings if m.pk == referral.meeting_id), None)
    return page


@login_required
@require_POST
def referral_decide(request: HttpRequest, public_id: UUID) -> HttpResponse:
    referral, project, meetings = _decision_context(request, public_id)
    cohorts = None
    if project.intake_mode == IntakeMode.COHORT:
        cohorts = list(Cohort.objects.filter(project=project).select_related("municipality"))
    hex_id = referral.public_id.hex[:12]
    form = DecisionForm(request.POST, cohorts=cohorts, meetings=meetings, auto_id=f"qd{hex_id}_%s")
    valid = form.is_valid()
    page = _page(form, referral, meetings)

    def refused(message: str) -> HttpResponse:
        return _refused(
            request,
            referral=referral,
            project=project,
            page=page,
            kind="decide",
            form=form,
            message=message,
        )

    if not permissions.can_decide(request.user, referral):
        # A reviewer who came too late: decided by someone else, withdrawn, or no consent.
        return refused(_("This referral is no longer waiting for a decision."))
    if not valid:
        return refused(
            _invalid_message(form, _("The decision was not saved. Correct the marked fields."))
        )
    try:
        meeting_services.referral_decide_at_meeting(
            actor=request.user,
            referral=referral,
            meeting=form.next_meeting(),
            decision=form.cleaned_data["decision"],
            cohort=form.chosen_cohort(),
            reason=form.cleaned_data["reason"]
            if form.cleaned_data["decision"] == Decision.DECLINE
            else "",
            comment=form.cleaned_data["comment"],
            request=request,
        )
    except ReferralError as error:
        return refused(" ".join(error.messages))
    labels = dict(form.fields["decision"].choices)
    messages.success(
        request,
        _("The decision for %(name)s was saved: %(decision)s.")
        % {"name": referral.display_name, "decision": labels[form.cleaned_data["decision"]]},
    )
    return redirect("referrals:meeting-detail", form.next_meeting().pk)


@login_required
@require_POST
def referral_move(request: HttpRequest, public_id: UUID) -> HttpResponse:
    referral, project, meetings = _decision_context(request, public_id)
    today = timezone.localdate()
    targets = [m for m in meetings if m.date >= today and m.pk != referral.meeting_id]
    form = MoveForm(
        request.POST,
        targets=targets,
        meetings=meetings,
        auto_id=f"qm{referral.public_id.hex[:12]}_%s",
    )
    valid = form.is_valid()
    page = _page(form, referral, meetings)

    def refused(message: str) -> HttpResponse:
        return _refused(
            request,
            referral=referral,
            project=project,
            page=page,
            kind="move",
            form=form,
            message=message,
        )

    if not permissions.can_decide(request.user, referral):
        return refused(_("Only referrals waiting for a decision can be moved."))
    if not valid:
        return refused(
            _invalid_message(form, _("The referral was not moved. Correct the marked fields."))
        )
    target = form.target()
    try:
        meeting_services.referral_move(
            actor=request.user, referral=referral, meeting=target, request=request
        )
    except ReferralError as error:
        return refused(" ".join(error.messages))
    messages.success(
        request,
        _("%(name)s was moved to the meeting on %(date)s.")
        % {"name": referral.display_name, "date": f"{target.date:%Y-%m-%d}"},
    )
    return redirect("referrals:meeting-detail", (page or target).pk)

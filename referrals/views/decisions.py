"""The ärendegrupp's decision on one referral, and moving a referral to another meeting."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fokus import policy
from fokus.models import IntakeMode, Project
from referrals import meetings as meeting_services
from referrals.forms.meeting import DecisionForm, MoveForm
from referrals.models import (
    CaseGroupMeeting,
    Referral,
)
from referrals.services import Decision, ReferralError
from referrals.views.meeting import meeting_queryset, render_meeting, render_meeting_list


def _decision_context(request: HttpRequest, public_id: UUID):
    """The referral (404 unless the user sees it), its project's meetings and starts; 403
    unless the user is one of the project's coordinators or ärendegrupp members."""
    policy.require_any_role(request.user)
    referral = get_object_or_404(
        Referral.objects.for_user(request.user).select_related("project"), public_id=public_id
    )
    project = policy.project_access_for(request.user, referral.project, "referrals.review").project
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
        cohorts = list(project.cohorts.select_related("municipality"))
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

    if not policy.referrals.can_decide(request.user, referral):
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

    if not policy.referrals.can_decide(request.user, referral):
        return refused(_("Only referrals waiting for a decision can be moved."))
    if not valid:
        return refused(
            _invalid_message(form, _("The referral was not moved. Correct the marked fields."))
        )
    target = form.target()
    try:
        meeting_services.referral_move(actor=request.user, referral=referral, meeting=target)
    except ReferralError as error:
        return refused(" ".join(error.messages))
    messages.success(
        request,
        _("%(name)s was moved to the meeting on %(date)s.")
        % {"name": referral.display_name, "date": f"{target.date:%Y-%m-%d}"},
    )
    return redirect("referrals:meeting-detail", (page or target).pk)

"""The action plan: the goals with their sub-goals, adding and changing a goal, and every
earlier version of the plan. Only the project's coordinators; after the exit, read only."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import conflicts, policy
from fokus.audit import log_access
from fokus.models import AccessAction
from fokus.numbers import int_or_404
from participants import plans
from participants.forms.plans import GoalForm
from participants.models import ActionPlan, ActionPlanVersion, Enrolment, Goal
from participants.views.lookup import enrolment_for as _enrolment


def _require_open(enrolment: Enrolment) -> None:
    if not plans.plan_is_open(enrolment):
        raise PermissionDenied(
            _("The participation has ended: its action plan can be read but not changed.")
        )


@login_required
@require_safe
def plan_detail(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=enrolment,
        detail="action plan",
    )
    plan = (
        ActionPlan.objects.for_user(request.user)
        .filter(enrolment=enrolment)
        .select_related("updated_by")
        .first()
    )
    versions = plan.versions.select_related("by") if plan else []
    return render(
        request,
        "participants/plan_detail.html",
        {
            "enrolment": enrolment,
            "plan": plan,
            "goals": plans.current_goals(enrolment),
            "versions": versions,
            "can_edit": plans.plan_is_open(enrolment),
        },
    )


def _parent_goal(request: HttpRequest, enrolment: Enrolment) -> Goal | None:
    """The main goal named by ?parent=: one of this plan's top-level goals, else 404. The page
    only offers sub-goals of main goals, so anything else is a tampered address."""
    raw = request.GET.get("parent")
    if raw is None:
        return None
    return get_object_or_404(
        Goal.objects.for_user(request.user).filter(plan__enrolment=enrolment, parent__isnull=True),
        pk=int_or_404(raw),
    )


def _save(request, form, *, enrolment: Enrolment, goal: Goal | None, parent: Goal | None):
    """Hand the form's values to the service; returns the goal, or None with the service's
    errors shown at their fields."""
    fields = dict(form.cleaned_data)
    if parent is not None:
        fields["parent"] = parent
    try:
        return plans.goal_save(actor=request.user, enrolment=enrolment, goal=goal, **fields)
    except conflicts.ConflictError as conflict:
        conflicts.keep_for_second_save(form, conflict)
        return None
    except plans.PlanError as error:
        form.add_error(None, error)
        return None


def _status(form) -> int:
    if getattr(form, "conflict", None):
        return conflicts.CONFLICT_STATUS
    return 400 if form.errors else 200


@login_required
@require_http_methods(["GET", "POST"])
def goal_create(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    _require_open(enrolment)
    parent = _parent_goal(request, enrolment)
    if request.method == "POST":
        form = GoalForm(request.POST, enrolment=enrolment)
        if form.is_valid() and _save(request, form, enrolment=enrolment, goal=None, parent=parent):
            messages.success(
                request, _("The sub-goal was added.") if parent else _("The goal was added.")
            )
            return redirect("participants:plan-detail", enrolment.public_id)
    else:
        form = GoalForm(enrolment=enrolment)
    return render(
        request,
        "participants/goal_form.html",
        {
            "enrolment": enrolment,
            "form": form,
            "parent": parent,
            "title": _("New sub-goal") if parent else _("New goal"),
        },
        status=_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    goal = get_object_or_404(
        Goal.objects.in_federation(request.user).select_related(
            "plan__enrolment", "parent", "responsible_agency"
        ),
        pk=pk,
    )
    # The same 404/403 as every page of the participation, and the enrolment it shows.
    enrolment = _enrolment(request, goal.plan.enrolment.public_id)
    _require_open(enrolment)
    if request.method == "POST":
        form = GoalForm(request.POST, enrolment=enrolment, goal=goal)
        if form.is_valid() and _save(request, form, enrolment=enrolment, goal=goal, parent=None):
            messages.success(request, _("The goal was saved."))
            return redirect("participants:plan-detail", enrolment.public_id)
    else:
        form = GoalForm(enrolment=enrolment, goal=goal)
    return render(
        request,
        "participants/goal_form.html",
        {
            "enrolment": enrolment,
            "form": form,
            "goal": goal,
            "parent": goal.parent,
            "title": _("Change the sub-goal") if goal.parent_id else _("Change the goal"),
        },
        status=_status(form),
    )


@login_required
@require_safe
def plan_version(request: HttpRequest, public_id, number: int) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    version = get_object_or_404(
        ActionPlanVersion.objects.for_user(request.user).select_related("by", "plan"),
        plan__enrolment=enrolment,
        number=number,
    )
    log_access(
        actor=request.user,
        action=AccessAction.VIEW,
        obj=enrolment,
        detail=f"action plan v{number}",
    )
    return render(
        request,
        "participants/plan_version.html",
        {"enrolment": enrolment, "version": version, "latest": version.plan.version},
    )

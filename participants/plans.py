"""The action plan: saving a goal (each change a new version with who, when and what), the plan
as it stands now, and the snapshot kept with every version.

A goal is never deleted: it is set to "dropped", so that every version still tells what was
planned and what became of it."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.db.models import Max, Prefetch
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from fokus import conflicts, text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, User
from participants.models import (
    ActionPlan,
    ActionPlanVersion,
    Enrolment,
    Goal,
    GoalStatus,
    ResponsibleParty,
)

GOAL_FIELDS = (
    "text",
    "responsible",
    "responsible_agency",
    "target_date",
    "status",
    "follow_up_on",
    "parent",
)

SUMMARY_TEXT_CHARS = 80


class PlanError(ValidationError):
    """A rule refused the change; the messages are keyed by the goal form's field names."""


def plan_is_open(enrolment: Enrolment) -> bool:
    """Only a running participation gets its plan changed; after it, the plan is kept."""
    return enrolment.is_running


def _plan_for(enrolment: Enrolment) -> ActionPlan:
    plan, _created = ActionPlan.objects.get_or_create(enrolment=enrolment)
    return plan


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _goal_dict(goal: Goal) -> dict:
    return {
        "id": goal.pk,
        "text": goal.text,
        "responsible": goal.responsible_label,
        "responsible_party": goal.responsible,
        "target_date": _iso(goal.target_date),
        "status": goal.status,
        "status_display": str(goal.get_status_display()),
        "follow_up_on": _iso(goal.follow_up_on),
        "sub_goals": [],
    }


def snapshot(plan: ActionPlan) -> list[dict]:
    """Every goal of the plan with its sub-goals nested, display texts resolved (one query)."""
    goals = Goal.objects.filter(plan=plan).select_related("responsible_agency")
    top, children = [], {}
    for goal in goals:
        if goal.parent_id is None:
            top.append(_goal_dict(goal))
        else:
            children.setdefault(goal.parent_id, []).append(_goal_dict(goal))
    for item in top:
        item["sub_goals"] = children.get(item["id"], [])
    return top


def current_goals(enrolment: Enrolment) -> list[Goal]:
    """The plan's top-level goals, each with `sub_goals` prefetched (two queries; [] when the
    participation has no plan yet)."""
    return list(
        Goal.objects.filter(plan__enrolment=enrolment, parent__isnull=True)
        .select_related("responsible_agency")
        .prefetch_related(
            Prefetch("sub_goals", queryset=Goal.objects.select_related("responsible_agency"))
        )
    )


def _short(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(SUMMARY_TEXT_CHARS)


def _day(day: date | None) -> str:
    return day.isoformat() if day else "–"


def _change_summary(old: dict, goal: Goal) -> str:
    """What changed, e.g. "Changed goal: Körkort (status: In progress → Done)"."""
    changes = []
    if old["text"] != goal.text:
        changes.append(_("text was: %(old)s") % {"old": _short(old["text"])})
    if (old["responsible"], old["responsible_agency"]) != (
        goal.responsible,
        goal.responsible_agency,
    ):
        before = Goal(responsible=old["responsible"], responsible_agency=old["responsible_agency"])
        changes.append(
            _("responsible: %(old)s → %(new)s")
            % {"old": before.responsible_label, "new": goal.responsible_label}
        )
    if old["target_date"] != goal.target_date:
        changes.append(
            _("target date: %(old)s → %(new)s")
            % {"old": _day(old["target_date"]), "new": _day(goal.target_date)}
        )
    if old["status"] != goal.status:
        changes.append(
            _("status: %(old)s → %(new)s")
            % {"old": GoalStatus(old["status"]).label, "new": goal.get_status_display()}
        )
    if old["follow_up_on"] != goal.follow_up_on:
        changes.append(
            _("follow-up date: %(old)s → %(new)s")
            % {"old": _day(old["follow_up_on"]), "new": _day(goal.follow_up_on)}
        )
    if old["parent"] != goal.parent:
        changes.append(
            _("part of: %(goal)s") % {"goal": _short(goal.parent.text)}
            if goal.parent
            else _("now a goal of its own")
        )
    return _("Changed goal: %(text)s (%(changes)s)") % {
        "text": _short(goal.text),
        "changes": "; ".join(changes),
    }


def _check(
    *, plan: ActionPlan, enrolment: Enrolment, goal: Goal, old: dict | None, values: dict
) -> dict:
    """The rules a goal must keep; returns the cleaned values or raises PlanError."""
    errors: dict[str, str] = {}
    values["text"] = (values.get("text") or "").strip()
    if not values["text"]:
        errors["text"] = _("Write the goal.")
    errors |= text_limits.over_limit(text=(values["text"], text_limits.SHORT))
    if values.get("responsible") not in ResponsibleParty.values:
        errors["responsible"] = _("Choose who is responsible for the goal.")
    agency: Agency | None = values.get("responsible_agency")
    if values.get("responsible") == ResponsibleParty.AGENCY:
        if agency is None:
            errors["responsible_agency"] = _("Choose the responsible agency.")
        elif agency.federation_id != enrolment.federation_id:
            errors["responsible_agency"] = _("Choose one of the federation's agencies.")
        elif not agency.is_active and (old is None or old["responsible_agency"] != agency):
            errors["responsible_agency"] = _("The agency is no longer active; choose another.")
    else:
        # Only an agency is named: for the participant or the project it would mislead.
        values["responsible_agency"] = None
    if values.get("status") not in GoalStatus.values:
        errors["status"] = _("Choose the status of the goal.")
    # A date before the enrolment is a typo; checked only when the date is set or changed, so
    # a goal written before the start can still be edited afterwards.
    if enrolment.enrolled_on:
        for name, message in (
            ("target_date", _("The target date cannot be before the enrolment date, %(date)s.")),
            (
                "follow_up_on",
                _("The follow-up date cannot be before the enrolment date, %(date)s."),
            ),
        ):
            day = values.get(name)
            changed = old is None or old[name] != day
            if day and changed and day < enrolment.enrolled_on:
                errors[name] = message % {"date": enrolment.enrolled_on.isoformat()}
    parent: Goal | None = values.get("parent")
    if parent is not None and (old is None or old["parent"] != parent):
        if parent.plan_id != plan.pk:
            errors[NON_FIELD_ERRORS] = _("The goal to add a sub-goal to is not in this plan.")
        elif parent.parent_id is not None:
            errors[NON_FIELD_ERRORS] = _(
                "A sub-goal cannot have sub-goals of its own; add it to the main goal."
            )
        elif goal.pk and (parent.pk == goal.pk or goal.sub_goals.exists()):
            errors[NON_FIELD_ERRORS] = _("A goal with sub-goals cannot become a sub-goal.")
    if errors:
        raise PlanError(errors)
    return values


def _snapshot_in_organisation_language(plan: ActionPlan) -> list[dict]:
    with translation.override(settings.LANGUAGE_CODE):
        return snapshot(plan)


@transaction.atomic
def goal_save(
    *,
    actor: User,
    enrolment: Enrolment,
    goal: Goal | None = None,
    version: int | None = None,
    **fields,
) -> Goal:
    """Add a goal (with `parent`, a sub-goal) or change one, and keep the plan as it then
    stands as a new version. Nothing changed: nothing is saved and no version written.

    `fields`: text, responsible, responsible_agency, target_date, status, follow_up_on and,
    when adding, parent; a field left out keeps its value. `version`: the goal's version the
    user loaded; a goal saved since raises `ConflictError` and nothing is written."""
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"goal_save() got unexpected fields: {', '.join(sorted(unknown))}")
    plan_pk = _plan_for(enrolment).pk
    # The lock orders concurrent changes of one plan, so version numbers follow each other.
    plan = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("enrolment")
        .get(pk=plan_pk)
    )
    # The participation as it stands now, not as the caller read it before the lock.
    current = plan.enrolment
    if not plan_is_open(current):
        raise PlanError(_("The participation has ended: its action plan can no longer change."))

    if goal is None:
        goal, old = Goal(plan=plan, status=GoalStatus.PLANNED), None
    else:
        goal = (
            Goal.objects.select_for_update(of=("self",))
            .select_related("responsible_agency", "parent")
            .get(pk=goal.pk)
        )
        if goal.plan_id != plan.pk:
            raise PlanError(_("The goal is not in this participant's plan."))
        old = {name: getattr(goal, name) for name in GOAL_FIELDS}

    values = dict(old) if old else dict.fromkeys(GOAL_FIELDS)
    if old is None:
        values["status"] = GoalStatus.PLANNED
    values.update(fields)
    values = _check(plan=plan, enrolment=current, goal=goal, old=old, values=values)
    if old is not None:
        conflicts.check(goal, version=version, yours={name: values[name] for name in fields})
    if old is not None and all(old[name] == values[name] for name in GOAL_FIELDS):
        return goal

    for name in GOAL_FIELDS:
        setattr(goal, name, values[name])
    if old is not None:
        goal.edit_version = conflicts.next_version(goal)
    if old is None:
        siblings = Goal.objects.filter(plan=plan, parent=goal.parent)
        goal.position = (siblings.aggregate(last=Max("position"))["last"] or 0) + 1
    # The version is a record: written in the organisation's language, whoever writes it
    # (the demo seeds plans outside any request).
    with translation.override(settings.LANGUAGE_CODE):
        if old is None:
            summary = (_("New sub-goal: %(text)s") if goal.parent else _("New goal: %(text)s")) % {
                "text": _short(goal.text)
            }
        else:
            summary = _change_summary(old, goal)
    goal.save()

    plan.version += 1
    plan.updated_at = timezone.now()
    plan.updated_by = actor
    plan.save(update_fields=["version", "updated_at", "updated_by"])
    ActionPlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        summary=Truncator(summary).chars(300),
        goals=_snapshot_in_organisation_language(plan),
        by=actor,
    )
    # The goal's text is case content: the log names the goal and the version, not the text.
    changed = "" if old is None else ", ".join(n for n in GOAL_FIELDS if old[n] != values[n])
    log_access(
        actor=actor,
        action=AccessAction.CREATE if old is None else AccessAction.CHANGE,
        obj=enrolment,
        detail=(
            f"action plan v{plan.version}: goal {goal.pk} "
            + ("created" if old is None else f"changed ({changed})")
        ),
    )
    return goal

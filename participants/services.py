"""Writes that span several rows: yearly places per agency, starting, extending and ending a
participation, and the follow-up 90 days after the end."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.models import AgencyYearQuota, add_months
from fokus import conflicts, text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from fokus.roles import Role
from participants.models import (
    EXIT_REASONS_WITHOUT_HANDOVER,
    WORK_DESTINATIONS,
    Enrolment,
    EnrolmentExtension,
    FollowUp,
)
from referrals.models import ReferralStatus, ReferralStatusChange
from referrals.services import notify_officer


class EnrolmentError(ValidationError):
    """A rule refused the change; the message is for the user."""


@transaction.atomic
def year_quotas_save(
    *,
    actor: User,
    project: Project,
    year: int,
    places_by_agency: dict[Agency, int | None],
) -> int:
    """Set each agency's places for the year; None removes the limit. Returns how many
    agencies changed."""
    existing = {
        q.agency_id: q
        for q in AgencyYearQuota.objects.select_for_update().filter(project=project, year=year)
    }
    changed = []
    for agency, places in places_by_agency.items():
        quota = existing.get(agency.pk)
        if places is None:
            if quota is not None:
                quota.delete()
                changed.append(f"{agency.name}: -")
        elif quota is None:
            AgencyYearQuota.objects.create(project=project, agency=agency, year=year, places=places)
            changed.append(f"{agency.name}: {places}")
        elif quota.places != places:
            quota.places = places
            quota.save(update_fields=["places"])
            changed.append(f"{agency.name}: {places}")
    if changed:
        log_access(
            actor=actor,
            action=AccessAction.CHANGE,
            obj=project,
            detail=f"yearly places {year}: " + "; ".join(changed),
        )
    return len(changed)


def project_coordinators(project_id: int):
    """The active users who coordinate the project: who may be responsible for a participant."""
    return User.objects.filter(
        is_active=True,
        memberships__project_id=project_id,
        memberships__role=Role.COORDINATOR,
    ).distinct()


@transaction.atomic
def enrolment_start(
    *,
    actor: User,
    enrolment: Enrolment,
    coordinator: User,
    enrolled_on: date,
    income_source_before: str,
    occupation_before: str,
    education_level: str,
) -> Enrolment:
    """Start an accepted participation: the responsible coordinator, the date and the SUS
    variables at start. The planned exit follows from the cohort's period; the referral
    becomes enrolled and its officer is told (without personal data)."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort", "referral__created_by")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != Enrolment.Status.ACCEPTED:
        raise EnrolmentError(_("Only an accepted participation that has not started can start."))
    if not project_coordinators(enrolment.project_id).filter(pk=coordinator.pk).exists():
        raise EnrolmentError(_("Choose one of the project's coordinators."))
    # Rolling intake has no cohort; its participations run the default twelve months.
    period = enrolment.cohort.period_months if enrolment.cohort else 12
    enrolment.coordinator = coordinator
    enrolment.enrolled_on = enrolled_on
    enrolment.planned_exit_on = add_months(enrolled_on, period)
    enrolment.income_source_before = income_source_before
    enrolment.occupation_before = occupation_before
    enrolment.education_level = education_level
    enrolment.status = Enrolment.Status.ACTIVE
    enrolment.save()
    referral = enrolment.referral
    referral.status = ReferralStatus.ENROLLED
    referral.save(update_fields=["status", "updated_at"])
    ReferralStatusChange.objects.create(referral=referral, status=referral.status, by=actor)
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=enrolment,
        detail=f"started {enrolled_on:%Y-%m-%d}, planned exit {enrolment.planned_exit_on:%Y-%m-%d}",
    )
    notify_officer(referral)
    return enrolment


@transaction.atomic
def enrolment_extend(
    *,
    actor: User,
    enrolment: Enrolment,
    new_planned_exit_on: date,
    reason: str,
) -> EnrolmentExtension:
    """Move the planned exit later, keeping the old date and the reason."""
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status != Enrolment.Status.ACTIVE or enrolment.planned_exit_on is None:
        raise EnrolmentError(_("Only an active participation can be extended."))
    reason = reason.strip()
    if not reason:
        raise EnrolmentError(_("Write why the participation is extended."))
    if new_planned_exit_on <= enrolment.planned_exit_on:
        raise EnrolmentError(
            _("The new planned exit date must be after the current one, %(date)s.")
            % {"date": enrolment.planned_exit_on.isoformat()}
        )
    extension = EnrolmentExtension.objects.create(
        enrolment=enrolment,
        old_planned_exit_on=enrolment.planned_exit_on,
        new_planned_exit_on=new_planned_exit_on,
        reason=reason,
        by=actor,
    )
    enrolment.planned_exit_on = new_planned_exit_on
    enrolment.save(update_fields=["planned_exit_on"])
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=enrolment,
        detail=f"planned exit {extension}",
    )
    return extension


@transaction.atomic
def enrolment_exit(
    *,
    actor: User,
    enrolment: Enrolment,
    exited_on: date,
    exit_reason: str,
    destination: str = "",
    destination_extent_percent: int | None = None,
    receiving_party: str = "",
    exit_plan: str = "",
    income_source_after: str = "",
    occupation_after: str = "",
    occupation_extent_percent: int | None = None,
) -> Enrolment:
    """End an active participation. Exit was the weakest point, so a receiving party, a plan,
    the destination and the SUS variables at exit are required, except when the person died or
    was registered in error. The 90-day follow-up is planned, the referral becomes exited and
    its officer is told (without personal data).

    Errors are keyed by the exit form's field names, so the form shows each at its field."""
    enrolment = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("referral__created_by")
        .get(pk=enrolment.pk)
    )
    if enrolment.status != Enrolment.Status.ACTIVE:
        raise EnrolmentError(_("Only an active participation can be ended."))
    receiving_party, exit_plan = receiving_party.strip(), exit_plan.strip()
    handover = exit_reason not in EXIT_REASONS_WITHOUT_HANDOVER
    errors: dict[str, str] = {}
    if exited_on < enrolment.enrolled_on:
        errors["exited_on"] = _("The exit date cannot be before the enrolment date, %(date)s.") % {
            "date": enrolment.enrolled_on.isoformat()
        }
    elif exited_on > timezone.localdate():
        errors["exited_on"] = _("The exit date cannot be in the future.")
    if handover:
        if not destination:
            errors["destination"] = _("Choose where the person goes after the project.")
        if not receiving_party:
            errors["receiving_party"] = _(
                "Write who takes over after the project, e.g. an agency and a named contact. "
                "A participation cannot be ended without a receiving party."
            )
        if not exit_plan:
            errors["exit_plan"] = _(
                "Write the plan agreed for the time after the project. A participation cannot "
                "be ended without a plan."
            )
        if not income_source_after:
            errors["income_source_after"] = _("Choose the main income source at exit.")
        if not occupation_after:
            errors["occupation_after"] = _("Choose the occupation at exit.")
    if destination in WORK_DESTINATIONS and destination_extent_percent is None:
        errors["destination_extent_percent"] = _(
            "Enter the extent of the work in per cent, e.g. 50 or 100."
        )
    errors |= text_limits.over_limit(
        receiving_party=(receiving_party, text_limits.SHORT),
        exit_plan=(exit_plan, text_limits.PLAN),
    )
    if errors:
        raise EnrolmentError(errors)

    enrolment.status = Enrolment.Status.EXITED
    enrolment.exited_on = exited_on
    enrolment.exit_reason = exit_reason
    enrolment.destination = destination
    # An extent only means something for work.
    enrolment.destination_extent_percent = (
        destination_extent_percent if destination in WORK_DESTINATIONS else None
    )
    enrolment.receiving_party = receiving_party
    enrolment.exit_plan = exit_plan
    enrolment.income_source_after = income_source_after
    enrolment.occupation_after = occupation_after
    enrolment.occupation_extent_percent = occupation_extent_percent
    enrolment.save()
    detail = f"exited {exited_on:%Y-%m-%d}, reason {exit_reason}"
    if handover:
        follow_up = FollowUp.objects.create(
            enrolment=enrolment, due_on=FollowUp.due_after(exited_on)
        )
        detail += f", follow-up due {follow_up.due_on:%Y-%m-%d}"
    referral = enrolment.referral
    referral.status = ReferralStatus.EXITED
    referral.save(update_fields=["status", "updated_at"])
    ReferralStatusChange.objects.create(referral=referral, status=referral.status, by=actor)
    log_access(actor=actor, action=AccessAction.CHANGE, obj=enrolment, detail=detail)
    notify_officer(referral)
    return enrolment


# A follow-up may be held a little before it is due, e.g. when the person is about to move.
FOLLOW_UP_EARLY_DAYS = 14


@transaction.atomic
def follow_up_record(
    *,
    actor: User,
    follow_up: FollowUp,
    done_on: date,
    self_sufficient: bool,
    income_source: str,
    occupation: str,
    comment: str = "",
    version: int | None = None,
) -> FollowUp:
    """Record (or correct) the answers of the 90-day follow-up. `version`: the one the user
    loaded; a follow-up saved since raises `ConflictError` and nothing is written."""
    follow_up = (
        FollowUp.objects.select_for_update().select_related("enrolment").get(pk=follow_up.pk)
    )
    earliest = follow_up.due_on - timedelta(days=FOLLOW_UP_EARLY_DAYS)
    if done_on < earliest:
        raise EnrolmentError(
            {
                "done_on": _(
                    "The follow-up is due %(due)s: it can be recorded from %(earliest)s, two "
                    "weeks before."
                )
                % {"due": follow_up.due_on.isoformat(), "earliest": earliest.isoformat()}
            }
        )
    if done_on > timezone.localdate():
        raise EnrolmentError({"done_on": _("The follow-up date cannot be in the future.")})
    answers = {
        "done_on": done_on,
        "self_sufficient": self_sufficient,
        "income_source": income_source,
        "occupation": occupation,
        "comment": comment.strip(),
    }
    conflicts.check(follow_up, version=version, yours=answers)
    follow_up.edit_version = conflicts.next_version(follow_up)
    follow_up.done_on = done_on
    follow_up.self_sufficient = self_sufficient
    follow_up.income_source = income_source
    follow_up.occupation = occupation
    follow_up.comment = comment.strip()
    follow_up.recorded_by = actor
    follow_up.recorded_at = timezone.now()
    follow_up.save()
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=follow_up.enrolment,
        detail=f"follow-up recorded {done_on:%Y-%m-%d}",
    )
    return follow_up

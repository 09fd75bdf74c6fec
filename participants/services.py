"""Writes that span several rows: yearly places per agency, starting and extending a
participation."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from fokus import access
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from participants.models import AgencyYearQuota, Enrolment, EnrolmentExtension, add_months
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
    request: HttpRequest | None = None,
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
            request=request,
            detail=f"yearly places {year}: " + "; ".join(changed),
        )
    return len(changed)


def project_coordinators(project_id: int):
    """The active users who coordinate the project: who may be responsible for a participant."""
    return User.objects.filter(
        is_active=True,
        memberships__project_id=project_id,
        memberships__role=access.Role.COORDINATOR,
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
    request: HttpRequest | None = None,
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
        request=request,
        detail=f"started {enrolled_on:%Y-%m-%d}, planned exit {enrolment.planned_exit_on:%Y-%m-%d}",
    )
    notify_officer(referral, request=request)
    return enrolment


@transaction.atomic
def enrolment_extend(
    *,
    actor: User,
    enrolment: Enrolment,
    new_planned_exit_on: date,
    reason: str,
    request: HttpRequest | None = None,
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
        request=request,
        detail=f"planned exit {extension}",
    )
    return extension

"""Who sees which referrals, meetings and consultations (DOMAIN §9), and what they may do with a
referral they can see. The querysets' `for_user` filter by the `visible_*` conditions here."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from fokus.policy import held
from fokus.roles import Role

if TYPE_CHECKING:
    from fokus.models import User
    from referrals.models import Referral

NOTHING = Q(pk__in=[])


def visible_referrals(user: User) -> Q:
    """Case officers: their agency's referrals. Coordinators: submitted referrals of their
    projects. Ärendegrupp members: submitted referrals of their project's queue. Federation
    staff see counts only (`referrals.stats`), never a referral."""
    if not user.is_authenticated or user.federation_id is None:
        return NOTHING
    visible = NOTHING
    if agencies := held.case_officer_agency_ids(user):
        visible |= Q(referring_agency_id__in=agencies)
    if reviewing := held.reviewed_project_ids(user):
        visible |= Q(project_id__in=reviewing) & ~Q(status="draft")
    return Q(federation_id=user.federation_id) & visible


def visible_case_group_meetings(user: User) -> Q:
    if not user.is_authenticated or user.federation_id is None:
        return NOTHING
    return Q(
        project__federation_id=user.federation_id, project_id__in=held.reviewed_project_ids(user)
    )


def visible_consultations(user: User) -> Q:
    if not user.is_authenticated or user.federation_id is None:
        return NOTHING
    visible = Q(project_id__in=held.reviewed_project_ids(user))
    if Role.CASE_OFFICER in held.roles(user):
        visible |= Q(raised_by_agency_id__in=held.case_officer_agency_ids(user))
    return Q(project__federation_id=user.federation_id) & visible


def is_referring_officer(user: User, referral: Referral) -> bool:
    return referral.referring_agency_id in held.case_officer_agency_ids(user)


def is_case_group_member(user: User, project_id: int) -> bool:
    return project_id in held.case_group_project_ids(user)


def _coordinates(user: User, referral: Referral) -> bool:
    return referral.project_id in held.coordinated_project_ids(user)


def can_edit(user: User, referral: Referral) -> bool:
    return referral.is_draft and is_referring_officer(user, referral)


def can_withdraw(user: User, referral: Referral) -> bool:
    return referral.is_decidable and is_referring_officer(user, referral)


def can_decide(user: User, referral: Referral) -> bool:
    """The ärendegrupp (and the project's coordinators, who keep its minutes) decide."""
    return referral.is_decidable and (
        is_case_group_member(user, referral.project_id) or _coordinates(user, referral)
    )


def can_see_details(user: User, referral: Referral) -> bool:
    """After consent is withdrawn only the referring officer and the coordinators keep the
    details (they must document the ending); the ärendegrupp sees a flagged row."""
    if not referral.is_consent_withdrawn:
        return True
    return is_referring_officer(user, referral) or _coordinates(user, referral)


def case_group_sees_full(user: User, referral: Referral, today: date) -> bool:
    """Whether the user still sees the whole referral (personnummer, contact details, free
    text, the consent document), or only a summary (birth year, gender, municipality, agency,
    status and dates).

    The referring officer and the project's coordinators always see it whole. The ärendegrupp
    needs it to decide: while the referral is queued (submitted, on a meeting, on the wait
    list) and for the federation's `case_group_access_days` after it left the queue, the day
    of the decision plus that many days; from the day after, the summary. Consent withdrawn
    is `can_see_details`, asked as well."""
    if is_referring_officer(user, referral) or _coordinates(user, referral):
        return True
    if referral.is_decidable:
        return True
    # A withdrawal is the referral's last change; a decision has its own time. A decided
    # referral without one (older data) gets the summary.
    left_queue = referral.updated_at if referral.status == "withdrawn" else referral.decided_at
    if left_queue is None:
        return False
    # The user's federation is the referral's: `visible_referrals` shows no other.
    days = user.federation.case_group_access_days
    return today <= timezone.localdate(left_queue) + timedelta(days=days)


def can_withdraw_consent(user: User, referral: Referral) -> bool:
    # At any time after submission, whatever the decision: a declined person's details stay
    # with the ärendegrupp and the agencies until consent is withdrawn.
    if referral.is_draft or referral.is_consent_withdrawn:
        return False
    if not hasattr(referral, "consent"):
        return False
    return is_referring_officer(user, referral) or _coordinates(user, referral)

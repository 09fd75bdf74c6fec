"""What a user may do with a referral they can already see (fetched through for_user)."""

from fokus import access
from referrals.models import DECIDABLE_STATUSES, Referral, ReferralStatus


def is_referring_officer(user, referral: Referral) -> bool:
    return referral.referring_agency_id in access.case_officer_agency_ids(user)


def is_case_group_member(user, project_id: int) -> bool:
    return any(m.project_id == project_id for m in access.case_group_seats(user))


def can_edit(user, referral: Referral) -> bool:
    return referral.status == ReferralStatus.DRAFT and is_referring_officer(user, referral)


def can_withdraw(user, referral: Referral) -> bool:
    return referral.status in DECIDABLE_STATUSES and is_referring_officer(user, referral)


def can_decide(user, referral: Referral) -> bool:
    """The ärendegrupp (and the project's coordinators, who keep its minutes) decide."""
    return referral.status in DECIDABLE_STATUSES and (
        is_case_group_member(user, referral.project_id)
        or referral.project_id in access.coordinated_project_ids(user)
    )


def can_see_details(user, referral: Referral) -> bool:
    """After consent is withdrawn only the referring officer and the coordinators keep the
    details (they must document the ending); the ärendegrupp sees a flagged row."""
    if referral.status != ReferralStatus.CONSENT_WITHDRAWN:
        return True
    return is_referring_officer(user, referral) or (
        referral.project_id in access.coordinated_project_ids(user)
    )


def can_withdraw_consent(user, referral: Referral) -> bool:
    # At any time after submission, whatever the decision: a declined person's details stay
    # with the ärendegrupp and the agencies until consent is withdrawn.
    if referral.status in (ReferralStatus.DRAFT, ReferralStatus.CONSENT_WITHDRAWN):
        return False
    if not hasattr(referral, "consent"):
        return False
    return is_referring_officer(user, referral) or (
        referral.project_id in access.coordinated_project_ids(user)
    )

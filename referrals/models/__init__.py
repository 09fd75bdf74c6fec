"""Referrals (anvisningar), consents (samtycken), the ärendegrupp's meetings and consultations,
one module per feature: statuses (the referral's states and status history), referrals (the
referral and its form's choices), consent, and meetings (ärendemöten and consultations)."""

from referrals.models.consent import (
    CONSENT_PARTIES,
    Consent,
    ConsentMethod,
    WithdrawalChannel,
)
from referrals.models.meetings import CaseGroupMeeting, Consultation
from referrals.models.referrals import (
    CONTACT_SLOTS,
    INCOME_SOURCES,
    Gender,
    OfficerContact,
    PreferredContact,
    Referral,
    YesNo,
)
from referrals.models.statuses import (
    DECIDABLE_STATUSES,
    OPEN_STATUSES,
    PLACE_HOLDING_STATUSES,
    DeclineReason,
    ReferralStatus,
    ReferralStatusChange,
)

__all__ = [
    "CONSENT_PARTIES",
    "CONTACT_SLOTS",
    "DECIDABLE_STATUSES",
    "INCOME_SOURCES",
    "OPEN_STATUSES",
    "PLACE_HOLDING_STATUSES",
    "CaseGroupMeeting",
    "Consent",
    "ConsentMethod",
    "Consultation",
    "DeclineReason",
    "Gender",
    "OfficerContact",
    "PreferredContact",
    "Referral",
    "ReferralStatus",
    "ReferralStatusChange",
    "WithdrawalChannel",
    "YesNo",
]

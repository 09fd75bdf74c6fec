"""What the ärendegrupp sees of a referral in the queue before opening it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID

from django.forms import Form
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from fokus import policy
from referrals.models import Referral, ReferralStatus

# The target-group questions the group sees in the summary (answers only, no comments).
SUMMARY_ANSWERS = [
    "far_from_labour_market",
    "long_term_unemployed",
    "needs_rehabilitation",
    "sufficient_swedish",
]
PURPOSE_CHARS = 300


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


def queue_item(
    user, referral: Referral, *, today: date, wait_position: int | None = None
) -> QueueItem:
    flagged = referral.status == ReferralStatus.CONSENT_WITHDRAWN
    item = QueueItem(
        public_id=referral.public_id,
        agency=referral.referring_agency.name,
        flagged=flagged,
        can_open=policy.referrals.can_see_details(user, referral),
    )
    if flagged:
        return item
    item.status = referral.get_status_display()
    item.wait_position = wait_position
    if not policy.referrals.case_group_sees_full(user, referral, today):
        # Queued referrals are always shown whole; this guards any other caller.
        item.display_name = _("Summary only")
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
    return item

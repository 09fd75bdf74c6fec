"""The referral's life cycle: its states, the lists of states the rules use, the reasons for a
decline, and the status history the referring officer sees (ReferralStatusChange)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAIT_LISTED = "wait_listed", _("Wait-listed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ENROLLED = "enrolled", _("Enrolled")
    EXITED = "exited", _("Exited")


# Referrals in these states hold a place in their cohort or yearly quota.
PLACE_HOLDING_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.ENROLLED,
    ReferralStatus.EXITED,
]
# A person with a referral in one of these states cannot be referred to the project again.
OPEN_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.WAIT_LISTED,
    ReferralStatus.ENROLLED,
]
DECIDABLE_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.WAIT_LISTED]


class DeclineReason(models.TextChoices):
    NOT_TARGET_GROUP = "not_target_group", _("Not in the target group")
    NOT_RESIDENT = "not_resident", _("Not resident in a participating municipality")
    OTHER_SUPPORT = "other_support", _("Other support is more suitable")
    ONGOING_PROGRAMME = "ongoing_programme", _("Ongoing programme at another agency")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Insufficient information")
    PERSON_DECLINED = "person_declined", _("The person does not want to take part")
    NO_PLACE = "no_place", _("No place available")
    OTHER = "other", _("Other reason")


class ReferralStatusChange(models.Model):
    """The status history shown to the referring officer: who moved it where, and when."""

    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.CASCADE, related_name="history"
    )
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    # A default, not auto_now_add: imported history keeps the dates of its file.
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # For the ärendegrupp's decisions: where and what was decided, so each meeting's minutes
    # keep their decisions even when a referral is decided again at a later meeting.
    meeting = models.ForeignKey(
        "referrals.CaseGroupMeeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(
        _("reason"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%Y-%m-%d}"

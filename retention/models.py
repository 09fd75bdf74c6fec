"""Each federation's retention periods (gallringsfrister): how long what is kept, by kind."""

import pghistory
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fokus.history import row_history
from fokus.models import Federation


class RetentionPolicyQuerySet(models.QuerySet):
    def for_federation(self, federation: Federation) -> "RetentionPolicy":
        """The federation's periods; a federation without a row gets one with the defaults."""
        policy, _created = self.get_or_create(federation=federation)
        return policy


@pghistory.track(*row_history())
class RetentionPolicy(models.Model):
    federation = models.OneToOneField(
        Federation, on_delete=models.CASCADE, related_name="retention_policy"
    )
    after_participation_days = models.PositiveIntegerField(
        _("days after an ended participation"),
        default=730,
        validators=[MinValueValidator(30)],
        help_text=_(
            "This long after the exit (or the withdrawn consent) the participation is "
            "anonymised: name, personnummer, contact details, free text and documents are "
            "removed; the figures of the reports are kept."
        ),
    )
    unenrolled_referral_days = models.PositiveIntegerField(
        _("days for referrals that never led to a participation"),
        default=180,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Declined and withdrawn referrals and abandoned drafts are deleted entirely this "
            "long after they were last changed."
        ),
    )
    withdrawn_consent_days = models.PositiveIntegerField(
        _("days after a consent withdrawn before the start"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A referral whose consent was withdrawn before the participation started is "
            "deleted entirely this long after the withdrawal."
        ),
    )
    access_log_days = models.PositiveIntegerField(
        _("days the access log is kept"),
        default=1826,
        validators=[MinValueValidator(365)],
        help_text=_("Access log entries older than this are deleted."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = RetentionPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("retention periods")
        verbose_name_plural = _("retention periods")

    def __str__(self) -> str:
        return str(_("Retention periods of %(federation)s") % {"federation": self.federation})


class Anonymised(models.Model):
    """That a referral and its participation were anonymised, and when: a later run leaves
    them alone. Holds nothing about the person."""

    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.CASCADE, related_name="anonymised"
    )
    on = models.DateField()

    class Meta:
        verbose_name = _("anonymised participation")
        verbose_name_plural = _("anonymised participations")

    def __str__(self) -> str:
        return f"{self.referral_id} {self.on:%Y-%m-%d}"

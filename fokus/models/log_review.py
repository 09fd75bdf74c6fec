"""Review rounds of the access log (loggkontroll): a period someone has gone through."""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus import policy
from fokus.models.organisation import Federation
from fokus.models.users import User


class LogReviewQuerySet(models.QuerySet):
    def for_user(self, user):
        """The user's federation's rounds, for its administrators and log reviewers."""
        if not user.is_authenticated or not policy.reviews_access_log(user):
            return self.none()
        return self.filter(federation_id=user.federation_id)


class LogReview(models.Model):
    """One reviewed period of a federation's access log, with what the reviewer noted.
    Rounds of one federation never overlap (`fokus.logreview.services.log_review_mark`)."""

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    reviewed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)
    comment = models.TextField(_("comment"), max_length=2000)
    # How many flags the page showed for the period when it was marked as reviewed.
    flags_seen = models.PositiveIntegerField(_("flags seen"), default=0)

    objects = LogReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("log review")
        verbose_name_plural = _("log reviews")
        ordering = ["-period_start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="logreview_period_in_order"
            ),
            models.UniqueConstraint(
                fields=["federation", "period_start"], name="logreview_one_per_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"

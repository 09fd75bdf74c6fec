"""The follow-up 90 days after exit: whether the person supports themselves, and on what."""

from datetime import date, timedelta

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus.conflicts import version_column
from fokus.history import row_history
from participants.models.enrolments import (
    FOLLOW_UP_DAYS,
    Enrolment,
    IncomeSource,
    Occupation,
    ThroughEnrolmentQuerySet,
)


@pghistory.track(*row_history())
class FollowUp(models.Model):
    """The follow-up 90 days after exit: is the person self-sufficient, and on what."""

    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="follow_up")
    due_on = models.DateField(_("follow-up due"))
    done_on = models.DateField(_("follow-up date"), null=True, blank=True)
    self_sufficient = models.BooleanField(_("self-sufficient"), null=True, blank=True)
    income_source = models.CharField(
        _("main income source"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    occupation = models.CharField(
        _("occupation"), max_length=20, choices=Occupation.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    edit_version = version_column()

    objects = ThroughEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("90-day follow-up")
        verbose_name_plural = _("90-day follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            # A done follow-up has all its answers and who recorded them.
            models.CheckConstraint(
                condition=Q(done_on__isnull=True)
                | (
                    Q(self_sufficient__isnull=False, recorded_by__isnull=False)
                    & Q(recorded_at__isnull=False)
                    & ~Q(income_source="")
                    & ~Q(occupation="")
                ),
                name="follow_up_done_is_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.due_on:%Y-%m-%d}"

    @staticmethod
    def due_after(exited_on: date) -> date:
        return exited_on + timedelta(days=FOLLOW_UP_DAYS)

    def is_overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today

"""Invitation letters (kallelser): what was in each letter that was generated, so that a letter
can be printed again exactly and anyone can see what the participant was told."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fokus.history import row_history
from participants.models.enrolments import Enrolment, ThroughEnrolmentQuerySet


@pghistory.track(*row_history())
class InvitationLetter(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="letters")
    intake_at = models.DateTimeField(_("intake talk"))
    intake_place = models.CharField(_("place of the intake talk"), max_length=200)
    group_starts_at = models.DateTimeField(_("first group session"), null=True, blank=True)
    group_place = models.CharField(_("place of the group sessions"), max_length=200, blank=True)
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("contact person"),
    )
    contact_phone = models.CharField(_("contact person's phone"), max_length=40)
    message = models.TextField(_("personal message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation letter")
        verbose_name_plural = _("invitation letters")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.enrolment} {self.intake_at:%Y-%m-%d}"

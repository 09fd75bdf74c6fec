"""The ärendegrupp's meetings (ärendemöten) and the consultations raised there for advice."""

import pghistory
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fokus.history import row_history
from fokus.models import Agency, Project
from referrals.querysets import CaseGroupMeetingQuerySet, ConsultationQuerySet


@pghistory.track(*row_history())
class CaseGroupMeeting(models.Model):
    """An ärendemöte of one project's ärendegrupp."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    time = models.TimeField(_("time"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("attendees")
    )
    notes = models.TextField(
        _("minutes: other matters"),
        blank=True,
        help_text=_("Improvements discussed and other matters; no personal data."),
    )

    objects = CaseGroupMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("ärendemöte")
        verbose_name_plural = _("ärendemöten")
        ordering = ["date", "time"]

    def __str__(self) -> str:
        return f"{self.project} {self.date:%Y-%m-%d}"


@pghistory.track(*row_history())
class Consultation(models.Model):
    """A case raised for advice only: no identity, no referral."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="consultations")
    meeting = models.ForeignKey(
        CaseGroupMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name=_("ärendemöte"),
    )
    raised_by_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", verbose_name=_("agency")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField(
        _("the case"),
        help_text=_(
            "Describe the situation without name, personnummer or other identifying details."
        ),
    )
    question = models.TextField(_("question to the group"))
    advice = models.TextField(_("the group's advice"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return str(_("Consultation %(number)s") % {"number": self.pk})

"""The action plan (handlingsplan): one per participation, goals with sub-goals, and a version
kept for every change so that anyone can see who changed what, and when, and what the plan
looked like when a report was sent."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus.conflicts import version_column
from fokus.history import row_history
from fokus.models import Agency
from participants.models.enrolments import Enrolment, ThroughEnrolmentQuerySet


class ThroughPlanQuerySet(ThroughEnrolmentQuerySet):
    enrolment_path = "plan__enrolment"


class ResponsibleParty(models.TextChoices):
    PARTICIPANT = "participant", _("The participant")
    PROJECT = "project", _("The project")
    AGENCY = "agency", _("An agency")


class GoalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


@pghistory.track(*row_history())
class ActionPlan(models.Model):
    enrolment = models.OneToOneField(Enrolment, on_delete=models.CASCADE, related_name="plan")
    # Bumped by every change (`participants.plans`); each bump writes an ActionPlanVersion.
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ThroughEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")

    def __str__(self) -> str:
        return str(_("Action plan for %(participant)s") % {"participant": self.enrolment})


@pghistory.track(*row_history())
class Goal(models.Model):
    """A goal, or with `parent` a sub-goal of one (one level deep)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="goals")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_goals",
        verbose_name=_("part of the goal"),
    )
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("goal"))
    responsible = models.CharField(
        _("responsible"), max_length=20, choices=ResponsibleParty.choices
    )
    responsible_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible agency"),
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.PLANNED
    )
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    edit_version = version_column()

    objects = ThroughPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(responsible="agency") & Q(responsible_agency__isnull=False))
                | (~Q(responsible="agency") & Q(responsible_agency__isnull=True)),
                name="goal_agency_responsible_names_agency",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="goal_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def responsible_label(self) -> str:
        """Who is responsible, as a person reads it: the agency's name when an agency is."""
        if self.responsible == ResponsibleParty.AGENCY and self.responsible_agency is not None:
            return self.responsible_agency.name
        return str(self.get_responsible_display())


class ActionPlanVersion(models.Model):
    """The plan as it stood after one change: who, when, what changed and every goal."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    summary = models.CharField(_("change"), max_length=300)
    # The goals as `participants.plans.snapshot()` writes them: a list of dicts, sub-goals
    # nested, with display texts resolved so an old version reads right after renames.
    goals = models.JSONField(default=list)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    objects = ThroughPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan version")
        verbose_name_plural = _("action plan versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"

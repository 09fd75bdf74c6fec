"""Projects (insatser) funded by a federation, their intake mode and the queryset that scopes
them to what a user may open."""

import pghistory
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from fokus import policy
from fokus.history import row_history
from fokus.models.organisation import Federation, Municipality
from fokus.tenancy import PROJECT_STAYS_IN_ITS_FEDERATION


class IntakeMode(models.TextChoices):
    COHORT = "cohort", _("Cohort starts")
    ROLLING = "rolling", _("Rolling intake")


class ProjectQuerySet(models.QuerySet):
    def for_user(self, user):
        """Projects a user may open: the federation's for staff, admins and case officers
        (who refer to them); only their own for coordinators and ärendegrupp members."""
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        scoped = self.filter(federation_id=user.federation_id)
        if policy.sees_all_projects(user):
            return scoped
        return scoped.filter(pk__in=policy.project_ids(user))


@pghistory.track(*row_history())
class Project(models.Model):
    """An insats/projekt funded by the federation."""

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(
        _("project owner"),
        max_length=200,
        help_text=_("The organisation that runs the project, e.g. a municipality."),
    )
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    municipalities = models.ManyToManyField(
        Municipality, related_name="projects", verbose_name=_("participating municipalities")
    )
    intake_mode = models.CharField(
        _("intake"), max_length=10, choices=IntakeMode.choices, default=IntakeMode.COHORT
    )
    min_age = models.PositiveSmallIntegerField(
        _("lowest age"), default=16, help_text=_("On the start date of the person's cohort.")
    )
    max_age = models.PositiveSmallIntegerField(
        _("highest age"), default=64, help_text=_("On the start date of the person's cohort.")
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        triggers = [PROJECT_STAYS_IN_ITS_FEDERATION]
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-start_date", "name"]
        constraints = [
            models.UniqueConstraint(
                "federation", Lower("name"), name="project_unique_name_per_federation"
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="project_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(max_age__gte=models.F("min_age")),
                name="project_age_limits_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

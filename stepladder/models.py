"""The step ladder (DOMAIN §6): ladder definitions as data, and the ratings of participants.

A ladder has numbered steps, and each step has markers, so that movement *within* a step is
visible (the staff found six steps too coarse). The Fokus 1–6 ladder is created by a data
migration and shared by every federation; a federation may define its own for a project.
A ladder that has ratings is never changed in ways that would rewrite them: a new version is
made instead (`stepladder.ladders.ladder_new_version`).
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus.history import row_history
from fokus.models import Federation, Project
from participants.models import Enrolment


def _federation_id(user) -> int | None:
    return user.federation_id if user.is_authenticated else None


class LadderQuerySet(models.QuerySet):
    def for_federation(self, federation_id):
        """The built-in ladders and the federation's own."""
        return self.filter(Q(federation__isnull=True) | Q(federation_id=federation_id))

    def in_federation(self, user):
        """The ladders the user's federation may use: built-in and its own. Who may manage
        them is the view's question (the federation's admins)."""
        if _federation_id(user) is None:
            return self.none()
        return self.for_federation(user.federation_id)


@pghistory.track(*row_history())
class Ladder(models.Model):
    # None: a built-in ladder, shared by every federation and changed only by migrations.
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, null=True, blank=True, related_name="ladders"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    is_default = models.BooleanField(_("default ladder"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = LadderQuerySet.as_manager()

    class Meta:
        verbose_name = _("step ladder")
        verbose_name_plural = _("step ladders")
        ordering = ["name", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["federation", "name", "version"],
                name="ladder_name_version_unique",
                nulls_distinct=False,
            ),
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="ladder_one_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})" if self.version > 1 else self.name

    def is_in_use(self) -> bool:
        return Rating.objects.filter(step__ladder=self).exists()


@pghistory.track(*row_history())
class Step(models.Model):
    ladder = models.ForeignKey(Ladder, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(_("step"))
    headline = models.CharField(_("headline"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["ladder", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ladder", "number"], name="step_number_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=20), name="step_number_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.headline}"


@pghistory.track(*row_history())
class Marker(models.Model):
    """Something typical of a step that the participant has reached, e.g. "mapping done"."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="markers")
    text = models.CharField(_("marker"), max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("marker")
        verbose_name_plural = _("markers")
        ordering = ["step", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class ProjectLadderQuerySet(models.QuerySet):
    def in_federation(self, user):
        if _federation_id(user) is None:
            return self.none()
        return self.filter(project__federation_id=user.federation_id)


@pghistory.track(*row_history())
class ProjectLadder(models.Model):
    """Which ladder a project rates on, and how often. Without one: the default ladder,
    every three months."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="ladder_setting")
    ladder = models.ForeignKey(Ladder, on_delete=models.PROTECT, related_name="+")
    interval_months = models.PositiveSmallIntegerField(
        _("months between ratings"),
        default=3,
        help_text=_("A rating is due at enrolment, then this often, and at exit."),
    )

    objects = ProjectLadderQuerySet.as_manager()

    class Meta:
        verbose_name = _("project step ladder")
        verbose_name_plural = _("project step ladders")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_months__gte=1, interval_months__lte=12),
                name="project_ladder_interval_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.ladder}"


DEFAULT_INTERVAL_MONTHS = 3


class RatingKind(models.TextChoices):
    ENROLMENT = "enrolment", _("At enrolment")
    QUARTERLY = "quarterly", _("Regular")
    EXIT = "exit", _("At exit")
    EXTRA = "extra", _("Extra")


class RatingQuerySet(models.QuerySet):
    def in_federation(self, user):
        """The tenant only: a view fetches one rating through this and then asks the
        project's permission (403 for the wrong role, 404 for another project)."""
        if _federation_id(user) is None:
            return self.none()
        return self.filter(enrolment__federation_id=user.federation_id)

    def for_user(self, user):
        """Coordinators: their projects' participants. Case officers: the participants shared
        with their agency. Federation staff see only aggregates (`stepladder.stats`)."""
        return self.filter(
            Q(enrolment__in=Enrolment.objects.for_user(user))
            | Q(enrolment__in=Enrolment.objects.shared_with_officer(user))
        )


@pghistory.track(*row_history())
class Rating(models.Model):
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="ratings")
    rated_on = models.DateField(_("date of the rating"))
    kind = models.CharField(_("kind of rating"), max_length=20, choices=RatingKind.choices)
    step = models.ForeignKey(
        Step, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("step")
    )
    markers = models.ManyToManyField(
        Marker, blank=True, related_name="ratings", verbose_name=_("markers reached")
    )
    comment = models.TextField(_("comment"), blank=True)
    # The participant's own view of where they stand; kept beside the coordinator's.
    participant_step = models.ForeignKey(
        Step,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("the participant's own placement"),
    )
    disagreement_note = models.TextField(_("how the views differ"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rated by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    corrected_at = models.DateTimeField(null=True, blank=True)
    # History from a spreadsheet (`imports`): the file and its row.
    import_batch = models.ForeignKey(
        "fokus.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    import_row = models.PositiveIntegerField(null=True, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("step rating")
        verbose_name_plural = _("step ratings")
        ordering = ["rated_on", "created_at", "pk"]
        indexes = [models.Index(fields=["enrolment", "rated_on"])]

    def __str__(self) -> str:
        return f"{self.rated_on:%Y-%m-%d}: {self.step.number}"


class RatingCorrection(models.Model):
    """A correction of the latest rating: why, who, when, and what it said before."""

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="corrections")
    reason = models.TextField(_("reason for the correction"))
    before = models.JSONField(default=dict)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("correction of a rating")
        verbose_name_plural = _("corrections of ratings")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="rating_correction_has_reason")
        ]

    def __str__(self) -> str:
        return f"{self.rating} ({self.at:%Y-%m-%d})"

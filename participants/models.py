"""Cohorts (uppstarter) and enrolments. The referrals app books places in cohorts and turns an
accepted referral into an enrolment; the participants issue adds the programme shape."""

import uuid

import pghistory
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fokus import access
from fokus.models import Agency, Federation, Municipality, Project


def _history():
    return (pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())


class CohortQuerySet(models.QuerySet):
    def for_user(self, user):
        """Cohorts are planning data: everyone with a role in the federation may see the
        project's starts (case officers pick one when referring)."""
        if not user.is_authenticated or user.federation_id is None or not access.memberships(user):
            return self.none()
        return self.filter(project__federation_id=user.federation_id)


@pghistory.track(*_history())
class Cohort(models.Model):
    """A start (uppstart) of participants in one municipality on a date."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="cohorts")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("municipality"),
    )
    start_date = models.DateField(_("start date"))
    places = models.PositiveSmallIntegerField(_("places"), default=16)
    places_per_agency = models.PositiveSmallIntegerField(
        _("places per referring agency"),
        default=4,
        help_text=_("How many people each agency may refer to this start."),
    )
    release_date = models.DateField(
        _("release date"),
        null=True,
        blank=True,
        help_text=_("After this date, places an agency has not used are open to every agency."),
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["start_date", "municipality__name"]
        constraints = [
            models.CheckConstraint(condition=Q(places__gte=1), name="cohort_has_places"),
            models.CheckConstraint(
                condition=Q(places_per_agency__gte=1) & Q(places_per_agency__lte=F("places")),
                name="cohort_agency_places_within_places",
            ),
            models.CheckConstraint(
                condition=Q(release_date__isnull=True) | Q(release_date__lte=F("start_date")),
                name="cohort_release_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.start_date:%Y-%m-%d}"


@pghistory.track(*_history())
class AgencyYearQuota(models.Model):
    """Rolling intake: how many people an agency may refer to a project in a calendar year."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="year_quotas")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="year_quotas")
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("yearly agency quota")
        verbose_name_plural = _("yearly agency quotas")
        ordering = ["year", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "agency", "year"], name="year_quota_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}: {self.places}"


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        return self.filter(
            federation_id=user.federation_id, project_id__in=access.coordinated_project_ids(user)
        )


@pghistory.track(*_history())
class Enrolment(models.Model):
    """A participation: created when the ärendegrupp accepts a referral."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted, not yet started")
        ACTIVE = "active", _("Active")
        EXITED = "exited", _("Exited")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="enrolments"
    )
    referral = models.OneToOneField(
        "referrals.Referral", on_delete=models.PROTECT, related_name="enrolment"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACCEPTED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.referral)

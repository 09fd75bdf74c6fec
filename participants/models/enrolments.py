"""Participations (enrolments): start with the SUS variables, extensions, exit with hand-over,
and the follow-up 90 days after the exit."""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus import policy
from fokus.history import row_history
from fokus.models import AgencyKind, Federation, Project
from fokus.tenancy import federation_matches_project


class IncomeSource(models.TextChoices):
    """Main income source before start, as the national follow-up system (SUS) asks it."""

    SOCIAL_ASSISTANCE = "social_assistance", _("Försörjningsstöd")
    ACTIVITY_SUPPORT = "activity_support", _("Aktivitetsstöd")
    SICKNESS_BENEFIT = "sickness_benefit", _("Sjukpenning")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sjuk-/aktivitetsersättning")
    UNEMPLOYMENT_INSURANCE = "unemployment_insurance", _("A-kassa")
    SALARY = "salary", _("Salary")
    STUDY_SUPPORT = "study_support", _("Study support")
    NONE = "none", _("No income")
    OTHER = "other", _("Other income")


class Occupation(models.TextChoices):
    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    JOB_SEEKING = "job_seeking", _("Job seeking")
    OTHER = "other", _("Other")


class EducationLevel(models.TextChoices):
    COMPULSORY_INCOMPLETE = "compulsory_incomplete", _("Compulsory school not completed")
    COMPULSORY = "compulsory", _("Compulsory school")
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary school")
    POST_SECONDARY = "post_secondary", _("Post-secondary education")
    UNKNOWN = "unknown", _("Unknown")


class ExitReason(models.TextChoices):
    COMPLETED_PERIOD = "completed_period", _("Completed the period")
    WORK = "work", _("Work")
    STUDIES = "studies", _("Studies")
    WORK_TRAINING = "work_training", _("Work training / internship")
    OTHER_PROJECT = "other_project", _("Another project")
    HEALTH = "health", _("Could not continue for health reasons")
    MOVED = "moved", _("Moved")
    DIED = "died", _("Died")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    REGISTERED_IN_ERROR = "registered_in_error", _("Registered in error")


# Nobody can be handed over after these: no receiving party, plan, destination or follow-up.
EXIT_REASONS_WITHOUT_HANDOVER = (ExitReason.DIED, ExitReason.REGISTERED_IN_ERROR)


class Destination(models.TextChoices):
    """Where the person goes after the project."""

    WORK_UNSUBSIDISED = "work_unsubsidised", _("Work without subsidy")
    WORK_SUBSIDISED = "work_subsidised", _("Subsidised work")
    STUDIES = "studies", _("Studies")
    OWN_BUSINESS = "own_business", _("Own business")
    SICKNESS_COMPENSATION = "sickness_compensation", _("Sickness compensation decided")
    OTHER_PROGRAMME = "other_programme", _("Another programme")
    NONE = "none", _("None")


# Work is recorded with its extent: 50 %, 100 % or hours.
WORK_DESTINATIONS = (Destination.WORK_UNSUBSIDISED, Destination.WORK_SUBSIDISED)

# The follow-up is due this long after the exit; another förbund measures self-sufficiency then.
FOLLOW_UP_DAYS = 90


def _percent_in_range(field: str) -> Q:
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 1, f"{field}__lte": 100})


class EnrolmentQuerySet(models.QuerySet):
    def in_federation(self, user):
        """The tenant only; see `fokus.policy.enrolments.in_federation`."""
        return self.filter(policy.enrolments.in_federation(user))

    def for_user(self, user):
        """The tenant and the role: coordinators see their projects' participants."""
        return self.filter(policy.enrolments.visible_enrolments(user))

    def shared_with_officer(self, user):
        """What a case officer may follow (DOMAIN §9): participants their agency referred
        *and* whose consent, still in force, covers that agency. Not after consent withdrawal."""
        agencies = policy.case_officer_agency_ids(user)
        if not agencies:
            return self.none()
        return (
            self.in_federation(user)
            .filter(referral__referring_agency_id__in=agencies)
            .filter(consent_covers_referring_agency())
            .exclude(status=Enrolment.Status.CONSENT_WITHDRAWN)
        )

    def counts_per_cohort(self) -> dict[int, dict[str, int]]:
        """Per start: how many have started (whatever their status now), are active, exited."""
        rows = (
            self.exclude(cohort=None)
            .values("cohort_id")
            .annotate(
                enrolled=Count("id", filter=Q(enrolled_on__isnull=False)),
                active=Count("id", filter=Q(status=Enrolment.Status.ACTIVE)),
                exited=Count("id", filter=Q(status=Enrolment.Status.EXITED)),
            )
            .order_by()
        )
        return {row.pop("cohort_id"): row for row in rows}


class ThroughEnrolmentQuerySet(models.QuerySet):
    """Case data of one participation (its meetings, plan, letters, attendance), scoped through
    it; `enrolment_path` is the lookup from the model to the participation."""

    enrolment_path = "enrolment"

    def in_federation(self, user):
        """The tenant only: a view then asks `fokus.policy` for the role (403)."""
        return self.filter(**{f"{self.enrolment_path}__in": Enrolment.objects.in_federation(user)})

    def for_user(self, user):
        """The tenant and the role: the project's coordinators."""
        return self.filter(**{f"{self.enrolment_path}__in": Enrolment.objects.for_user(user)})


# Which box of the consent form covers an agency of each kind. "Other" agencies have no box,
# so nothing is shared with them.
CONSENT_FIELD_BY_AGENCY_KIND = {
    AgencyKind.EMPLOYMENT_SERVICE: "consents_af",
    AgencyKind.SOCIAL_INSURANCE: "consents_fk",
    AgencyKind.REGION: "consents_region",
    AgencyKind.SOCIAL_SERVICES: "consents_social_services",
}


def consent_covers_referring_agency() -> Q:
    """Enrolments whose referral's consent is in force and ticks the referring agency's box."""
    covered = Q(pk__in=[])
    for kind, field in CONSENT_FIELD_BY_AGENCY_KIND.items():
        covered |= Q(referral__referring_agency__kind=kind, **{f"referral__consent__{field}": True})
    return covered & Q(referral__consent__withdrawn_at__isnull=True)


@pghistory.track(*row_history())
class Enrolment(models.Model):
    """A participation: created when the ärendegrupp accepts a referral, started by a
    coordinator (`participants.services.enrolment_start`). Gender, birth year and home
    municipality are the referral's and are not copied here."""

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

    # --- Start ---------------------------------------------------------------------------------
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible coordinator"),
    )
    enrolled_on = models.DateField(_("enrolment date"), null=True, blank=True)
    planned_exit_on = models.DateField(_("planned exit date"), null=True, blank=True)

    # --- SUS variables at start ----------------------------------------------------------------
    income_source_before = models.CharField(
        _("main income source before start"),
        max_length=30,
        choices=IncomeSource.choices,
        blank=True,
    )
    occupation_before = models.CharField(
        _("occupation before start"), max_length=20, choices=Occupation.choices, blank=True
    )
    education_level = models.CharField(
        _("education level"), max_length=30, choices=EducationLevel.choices, blank=True
    )

    # --- Exit ----------------------------------------------------------------------------------
    exited_on = models.DateField(_("exit date"), null=True, blank=True)
    exit_reason = models.CharField(
        _("reason for exit"), max_length=30, choices=ExitReason.choices, blank=True
    )
    destination = models.CharField(
        _("destination"), max_length=30, choices=Destination.choices, blank=True
    )
    destination_extent_percent = models.PositiveSmallIntegerField(
        _("extent of the work (%)"), null=True, blank=True
    )
    receiving_party = models.TextField(_("receiving party"), blank=True)
    exit_plan = models.TextField(_("plan after exit"), blank=True)

    # --- SUS variables at exit -----------------------------------------------------------------
    income_source_after = models.CharField(
        _("main income source at exit"), max_length=30, choices=IncomeSource.choices, blank=True
    )
    occupation_after = models.CharField(
        _("occupation at exit"), max_length=20, choices=Occupation.choices, blank=True
    )
    occupation_extent_percent = models.PositiveSmallIntegerField(
        _("extent of the occupation (%)"), null=True, blank=True
    )

    # History from a spreadsheet (`imports`); its referral has the project's id for the person.
    import_batch = models.ForeignKey(
        "fokus.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        triggers = [federation_matches_project("enrolment")]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["-created_at"]
        constraints = [
            # An active participation has been started: it has its coordinator and dates.
            models.CheckConstraint(
                condition=~Q(status="active")
                | Q(
                    coordinator__isnull=False,
                    enrolled_on__isnull=False,
                    planned_exit_on__isnull=False,
                ),
                name="enrolment_active_is_started",
            ),
            models.CheckConstraint(
                condition=Q(planned_exit_on__isnull=True)
                | Q(enrolled_on__isnull=True)
                | Q(planned_exit_on__gt=F("enrolled_on")),
                name="enrolment_exit_after_start",
            ),
            # Exit was the weakest point: nobody is closed without a date and a reason, and,
            # unless they died or were registered in error, without a receiving party and a plan.
            # Imported history has what its spreadsheet had: a date and a reason.
            models.CheckConstraint(
                condition=~Q(status="exited")
                | (
                    Q(exited_on__isnull=False)
                    & ~Q(exit_reason="")
                    & (
                        Q(exit_reason__in=EXIT_REASONS_WITHOUT_HANDOVER)
                        | (~Q(receiving_party="") & ~Q(exit_plan=""))
                        | Q(import_batch__isnull=False)
                    )
                ),
                name="enrolment_exit_has_handover",
            ),
            models.CheckConstraint(
                condition=~Q(destination__in=WORK_DESTINATIONS)
                | Q(destination_extent_percent__isnull=False)
                | Q(import_batch__isnull=False),
                name="enrolment_work_destination_has_extent",
            ),
            models.CheckConstraint(
                condition=_percent_in_range("destination_extent_percent"),
                name="enrolment_destination_extent_range",
            ),
            models.CheckConstraint(
                condition=_percent_in_range("occupation_extent_percent"),
                name="enrolment_occupation_extent_range",
            ),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True)
                | Q(enrolled_on__isnull=True)
                | Q(exited_on__gte=F("enrolled_on")),
                name="enrolment_exited_after_enrolled",
            ),
        ]

    def __str__(self) -> str:
        # Never the personnummer: str() ends up in the access log.
        return str(self.referral)

    @property
    def is_consent_withdrawn(self) -> bool:
        return self.status == self.Status.CONSENT_WITHDRAWN

    @property
    def is_imported(self) -> bool:
        return self.import_batch_id is not None

    @property
    def is_accepted(self) -> bool:
        return self.status == self.Status.ACCEPTED

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_exited(self) -> bool:
        return self.status == self.Status.EXITED

    @property
    def is_running(self) -> bool:
        """Accepted (the intake talk and the letter come before the start) or active: meetings,
        letters and the plan are written until the exit. After it, or after a withdrawn
        consent, the participation is documented as it was, not added to."""
        return self.status in (self.Status.ACCEPTED, self.Status.ACTIVE)


@pghistory.track(*row_history())
class EnrolmentExtension(models.Model):
    """A moved planned exit date, with why. Shown on the participant page so that repeated
    extensions are visible: a participation must not turn into storage."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="extensions")
    old_planned_exit_on = models.DateField(_("previous planned exit date"))
    new_planned_exit_on = models.DateField(_("new planned exit date"))
    reason = models.TextField(_("reason"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(new_planned_exit_on__gt=F("old_planned_exit_on")),
                name="enrolment_extension_moves_later",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="enrolment_extension_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.old_planned_exit_on:%Y-%m-%d} → {self.new_planned_exit_on:%Y-%m-%d}"

"""The tenant and its parties: the federation (förbund), its municipalities and its agencies,
and the queryset that scopes organisation data to the user's federation."""

import pghistory
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from fokus.history import row_history


@pghistory.track(*row_history())
class Federation(models.Model):
    """A samordningsförbund: the tenant. Nothing of one federation is visible to another."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Shown in the footer of every page.")
    )
    case_group_access_days = models.PositiveSmallIntegerField(
        _("days the ärendegrupp sees a decided referral"),
        default=30,
        help_text=_(
            "After a decision the ärendegrupp sees the whole referral for this many days; "
            "after that only a summary without personnummer, contact details or free text."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("federation")
        verbose_name_plural = _("federations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class FederationScopedQuerySet(models.QuerySet):
    """Organisation data is readable by anyone of the same federation; case data is not."""

    def for_user(self, user):
        if not user.is_authenticated or user.federation_id is None:
            return self.none()
        return self.filter(federation_id=user.federation_id)


@pghistory.track(*row_history())
class Municipality(models.Model):
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("municipality code"),
        max_length=4,
        blank=True,
        validators=[RegexValidator(r"^\d{4}$", _("Enter the four-digit municipality code."))],
        help_text=_("The four-digit code from SCB, e.g. 0781."),
    )

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "federation", Lower("name"), name="municipality_unique_name_per_federation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AgencyKind(models.TextChoices):
    EMPLOYMENT_SERVICE = "af", _("Arbetsförmedlingen")
    SOCIAL_INSURANCE = "fk", _("Försäkringskassan")
    REGION = "region", _("Region (health care)")
    SOCIAL_SERVICES = "social_services", _("Municipal social services")
    OTHER = "other", _("Other")


@pghistory.track(*row_history())
class Agency(models.Model):
    """A party (part) of the federation: AF, FK, the region or a municipality's social services."""

    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agencies",
        verbose_name=_("municipality"),
        help_text=_("Required for a municipality's social services."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = FederationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "federation", Lower("name"), name="agency_unique_name_per_federation"
            ),
            models.CheckConstraint(
                condition=~Q(kind="social_services") | Q(municipality__isnull=False),
                name="agency_social_services_has_municipality",
            ),
        ]

    def __str__(self) -> str:
        return self.name

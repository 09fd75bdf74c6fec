"""The person's consent (samtycke) to information exchange for one referral, and its
withdrawal."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus.history import row_history
from referrals.models.referrals import Referral


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Signed on paper (uploaded)")
    IN_PERSON = "in_person", _("Given in person, recorded by the case officer")


class WithdrawalChannel(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    LETTER = "letter", _("By letter")
    EMAIL = "email", _("By e-mail")
    OTHER = "other", _("Other way")


# The consent's one checkbox per party (DOMAIN §5); all must be ticked.
CONSENT_PARTIES = [
    "consents_social_services",
    "consents_af",
    "consents_fk",
    "consents_region",
    "consents_project",
]


@pghistory.track(*row_history())
class Consent(models.Model):
    """The person's consent to information exchange for this one participation."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent")
    consents_social_services = models.BooleanField(
        _("the home municipality's social services"), default=False
    )
    consents_af = models.BooleanField(_("Arbetsförmedlingen"), default=False)
    consents_fk = models.BooleanField(_("Försäkringskassan"), default=False)
    consents_region = models.BooleanField(_("the region"), default=False)
    consents_project = models.BooleanField(_("the project and the federation"), default=False)
    method = models.CharField(
        _("how consent was given"), max_length=10, choices=ConsentMethod.choices
    )
    given_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    document = models.FileField(_("signed consent"), upload_to="consents/%Y/%m/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_channel = models.CharField(
        _("how the withdrawal was communicated"),
        max_length=10,
        choices=WithdrawalChannel.choices,
        blank=True,
    )
    withdrawal_note = models.TextField(_("note"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    consents_social_services=True,
                    consents_af=True,
                    consents_fk=True,
                    consents_region=True,
                    consents_project=True,
                ),
                name="consent_covers_every_party",
            ),
            models.CheckConstraint(
                condition=~Q(method="paper") | ~Q(document=""),
                name="consent_paper_has_document",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Consent for %(referral)s") % {"referral": self.referral})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

"""The referral (anvisning) itself, with the choices of its form.

A referral carries the person's details as the paper form did (DOMAIN §4). The personnummer is
stored normalised to 12 digits and is never put in a URL, a log line or str(); lists show it
masked. A person with protected identity is registered by alias, birth year, gender and
municipality only.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus.conflicts import version_column
from fokus.history import row_history
from fokus.models import Agency, Federation, Municipality, Project
from fokus.tenancy import federation_matches_project
from referrals.models.statuses import DECIDABLE_STATUSES, DeclineReason, ReferralStatus
from referrals.querysets import ReferralQuerySet


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other / does not want to say")


class PreferredContact(models.TextChoices):
    PHONE = "phone", _("Phone")
    SMS = "sms", _("Text message")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")
    NONE = "none", _("No preference")


class OfficerContact(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


# The five agency slots of the form's "current agency contacts" block, in paper-form order.
CONTACT_SLOTS = ["social_services", "af", "fk", "region", "other"]
# Income questions of the form (DOMAIN §4), in paper-form order.
INCOME_SOURCES = [
    "income_social_assistance",
    "income_activity_support",
    "income_sickness_compensation",
    "income_sickness_benefit",
    "income_study_support",
    "income_salary",
    "income_other",
]


def _yes_no(label, **kwargs):
    return models.CharField(label, max_length=3, choices=YesNo.choices, blank=True, **kwargs)


def _comment():
    return models.TextField(_("comment"), blank=True)


@pghistory.track(*row_history())
class Referral(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    federation = models.ForeignKey(Federation, on_delete=models.PROTECT, related_name="+")
    edit_version = version_column()
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("project")
    )
    cohort = models.ForeignKey(
        "cohorts.Cohort",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("start"),
        help_text=_("The start the person is referred to (not for rolling intake)."),
    )
    referring_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("agency")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # --- The person ------------------------------------------------------------------------------
    protected_identity = models.BooleanField(
        _("protected identity"),
        default=False,
        help_text=_(
            "The person has protected personal data (skyddade personuppgifter): register an "
            "alias, birth year, gender and municipality only."
        ),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    personnummer = models.CharField(_("personal identity number"), max_length=12, blank=True)
    alias = models.CharField(
        _("alias"), max_length=100, blank=True, help_text=_("Used instead of the name.")
    )
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("home municipality"),
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=10, choices=PreferredContact.choices, blank=True
    )
    agrees_to_contact = models.BooleanField(
        _("I agree that the project may contact me"), default=False
    )

    # --- Target group (each yes/no with a comment) ---------------------------------------------
    far_from_labour_market = _yes_no(_("Far from the labour market"))
    far_from_labour_market_comment = _comment()
    long_term_unemployed = _yes_no(_("Long-term unemployed"))
    long_term_unemployed_comment = _comment()
    last_employment = models.CharField(_("last employment"), max_length=200, blank=True)
    needs_rehabilitation = _yes_no(_("Needs rehabilitation"))
    needs_rehabilitation_comment = _comment()
    sufficient_swedish = _yes_no(
        _("Sufficient Swedish"),
        help_text=_(
            "Understands instructions, completes tasks, takes part in discussions and can retell."
        ),
    )
    sufficient_swedish_comment = _comment()

    # --- Free text -------------------------------------------------------------------------------
    background = models.TextField(
        _("background"), blank=True, help_text=_("Previous occupation, personal history.")
    )
    purpose = models.TextField(_("purpose and goals of the referral"), blank=True)
    important_to_know = models.TextField(
        _("important to know"),
        blank=True,
        help_text=_("Disabilities, ongoing treatment, abilities, interests, strengths."),
    )
    previous_interventions = models.TextField(
        _("previous interventions"),
        blank=True,
        help_text=_("By the referring agency and by other agencies."),
    )

    # --- Current agency contacts ---------------------------------------------------------------
    social_services_involved = models.BooleanField(_("social services involved"), default=False)
    social_services_contact = models.CharField(_("case officer"), max_length=200, blank=True)
    social_services_phone = models.CharField(_("phone"), max_length=40, blank=True)
    af_involved = models.BooleanField(_("Arbetsförmedlingen involved"), default=False)
    af_contact = models.CharField(_("case officer"), max_length=200, blank=True)
    af_phone = models.CharField(_("phone"), max_length=40, blank=True)
    fk_involved = models.BooleanField(_("Försäkringskassan involved"), default=False)
    fk_contact = models.CharField(_("case officer"), max_length=200, blank=True)
    fk_phone = models.CharField(_("phone"), max_length=40, blank=True)
    region_involved = models.BooleanField(_("the region involved"), default=False)
    region_contact = models.CharField(_("case officer"), max_length=200, blank=True)
    region_phone = models.CharField(_("phone"), max_length=40, blank=True)
    other_involved = models.BooleanField(_("other agency involved"), default=False)
    other_contact = models.CharField(_("case officer and agency"), max_length=200, blank=True)
    other_phone = models.CharField(_("phone"), max_length=40, blank=True)
    ongoing_interventions_elsewhere = models.TextField(
        _("ongoing interventions at other providers"), blank=True
    )

    # --- Income (each yes/no with a comment) ---------------------------------------------------
    income_social_assistance = _yes_no(_("Försörjningsstöd (social assistance)"))
    income_social_assistance_comment = _comment()
    income_activity_support = _yes_no(_("Aktivitetsstöd (activity support)"))
    income_activity_support_comment = _comment()
    income_sickness_compensation = _yes_no(_("Sjuk-/aktivitetsersättning"))
    income_sickness_compensation_comment = _comment()
    income_sickness_benefit = _yes_no(_("Sjukpenning (sickness benefit)"))
    income_sickness_benefit_comment = _comment()
    income_study_support = _yes_no(_("Studiebidrag/studiemedel (study support)"))
    income_study_support_comment = _comment()
    income_salary = _yes_no(_("Salary"))
    income_salary_comment = _comment()
    income_other = _yes_no(_("Other income"))
    income_other_comment = _comment()

    # --- Referring party (filled from the officer) -----------------------------------------------
    officer_name = models.CharField(_("case officer"), max_length=200, blank=True)
    officer_email = models.EmailField(_("e-mail"), blank=True)
    officer_phone = models.CharField(_("phone"), max_length=40, blank=True)
    officer_preferred_contact = models.CharField(
        _("preferred contact"), max_length=10, choices=OfficerContact.choices, blank=True
    )
    officer_workplace = models.CharField(_("workplace"), max_length=200, blank=True)

    # A soft eligibility rule failed (e.g. Swedish); the officer explains why anyway.
    eligibility_comment = models.TextField(_("comment on the eligibility warnings"), blank=True)

    # --- The ärendegrupp -------------------------------------------------------------------------
    meeting = models.ForeignKey(
        "referrals.CaseGroupMeeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("ärendemöte"),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(
        _("reason"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    decision_comment = models.TextField(_("comment"), blank=True)
    # Wait list order: a timestamp keeps the order stable as others leave the list.
    wait_listed_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    # --- Imported history (`imports`) ------------------------------------------------------------
    # The project's own id from its spreadsheets: a re-import matches on it, so it changes nothing.
    external_id = models.CharField(_("id in the imported file"), max_length=64, blank=True)
    import_batch = models.ForeignKey(
        "fokus.ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported from"),
    )
    import_row = models.PositiveIntegerField(_("row in the imported file"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        triggers = [federation_matches_project("referral")]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["project", "personnummer"], name="referral_project_pnr"),
            models.Index(fields=["referring_agency", "status"], name="referral_agency_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(personnummer="") | Q(personnummer__regex=r"^\d{12}$"),
                name="referral_personnummer_12_digits",
            ),
            models.CheckConstraint(
                condition=Q(protected_identity=False)
                | Q(personnummer="", name="", street_address=""),
                name="referral_protected_identity_has_no_identity",
            ),
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=~Q(external_id=""),
                name="referral_external_id_unique_per_project",
            ),
        ]

    def __str__(self) -> str:
        # Never the personnummer: str() ends up in the access log and in messages.
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.protected_identity:
            return self.alias or str(_("Protected identity"))
        if not self.name and self.is_imported_without_identity:
            return str(_("Imported without identity (%(id)s)") % {"id": self.external_id})
        return self.name or str(_("(no name yet)"))

    @property
    def is_imported(self) -> bool:
        return self.import_batch_id is not None

    @property
    def is_imported_without_identity(self) -> bool:
        """History from a spreadsheet that had no name or personnummer: not a protected
        identity, just one the file did not carry."""
        return self.is_imported and not self.protected_identity and not self.personnummer

    @property
    def known_birth_year(self) -> int | None:
        """The registered birth year, or the one in the personnummer."""
        if self.birth_year:
            return self.birth_year
        return int(self.personnummer[:4]) if self.personnummer else None

    @property
    def masked_personnummer(self) -> str:
        if not self.personnummer:
            return ""
        return f"{self.personnummer[:8]}-****"

    @property
    def formatted_personnummer(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}" if self.personnummer else ""

    @property
    def is_consent_withdrawn(self) -> bool:
        return self.status == ReferralStatus.CONSENT_WITHDRAWN

    @property
    def is_draft(self) -> bool:
        return self.status == ReferralStatus.DRAFT

    @property
    def is_decidable(self) -> bool:
        return self.status in DECIDABLE_STATUSES

    def involved_agency_slots(self) -> list[str]:
        return [slot for slot in CONTACT_SLOTS if getattr(self, f"{slot}_involved")]

"""Referrals (anvisningar), consents (samtycken), the ärendegrupp's meetings and consultations.

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

from fokus.history import row_history
from fokus.models import Agency, Federation, Municipality, Project
from fokus.tenancy import federation_matches_project
from referrals.querysets import CaseGroupMeetingQuerySet, ConsultationQuerySet, ReferralQuerySet


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


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WAIT_LISTED = "wait_listed", _("Wait-listed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    ENROLLED = "enrolled", _("Enrolled")
    EXITED = "exited", _("Exited")


# Referrals in these states hold a place in their cohort or yearly quota.
PLACE_HOLDING_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.ENROLLED,
    ReferralStatus.EXITED,
]
# A person with a referral in one of these states cannot be referred to the project again.
OPEN_STATUSES = [
    ReferralStatus.SUBMITTED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.WAIT_LISTED,
    ReferralStatus.ENROLLED,
]
DECIDABLE_STATUSES = [ReferralStatus.SUBMITTED, ReferralStatus.WAIT_LISTED]


class DeclineReason(models.TextChoices):
    NOT_TARGET_GROUP = "not_target_group", _("Not in the target group")
    NOT_RESIDENT = "not_resident", _("Not resident in a participating municipality")
    OTHER_SUPPORT = "other_support", _("Other support is more suitable")
    ONGOING_PROGRAMME = "ongoing_programme", _("Ongoing programme at another agency")
    INSUFFICIENT_INFORMATION = "insufficient_information", _("Insufficient information")
    PERSON_DECLINED = "person_declined", _("The person does not want to take part")
    NO_PLACE = "no_place", _("No place available")
    OTHER = "other", _("Other reason")


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
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("project")
    )
    cohort = models.ForeignKey(
        "participants.Cohort",
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
        ]

    def __str__(self) -> str:
        # Never the personnummer: str() ends up in the access log and in messages.
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.protected_identity:
            return self.alias or str(_("Protected identity"))
        return self.name or str(_("(no name yet)"))

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

    def involved_agency_slots(self) -> list[str]:
        return [slot for slot in CONTACT_SLOTS if getattr(self, f"{slot}_involved")]


class ReferralStatusChange(models.Model):
    """The status history shown to the referring officer: who moved it where, and when."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # For the ärendegrupp's decisions: where and what was decided, so each meeting's minutes
    # keep their decisions even when a referral is decided again at a later meeting.
    meeting = models.ForeignKey(
        "referrals.CaseGroupMeeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions",
    )
    cohort = models.ForeignKey(
        "participants.Cohort", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decline_reason = models.CharField(
        _("reason"), max_length=30, choices=DeclineReason.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.at:%Y-%m-%d}"


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

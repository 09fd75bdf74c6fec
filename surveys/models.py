"""Surveys (DOMAIN §8) defined as data: questions of four types, answered on a phone without an
account through a personal one-time link or a cohort's anonymous link, or entered from paper.

A survey that has answers never changes its questions — a new version is made instead, so
results stay comparable. The built-in surveys (federation null) are created by a data migration;
coordinators copy one into their project and adapt the copy.
"""

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus.history import row_history
from fokus.models import Agency, Federation, Project
from fokus.tenancy import federation_matches_project
from participants.models import Enrolment
from surveys.querysets import (
    AnswerQuerySet,
    ContactQuerySet,
    CoordinatedQuerySet,
    SurveyQuerySet,
)


class Audience(models.TextChoices):
    PARTNERS = "partners", _("Partners at the agencies")
    PARTICIPANTS = "participants", _("Participants")


@pghistory.track(*row_history())
class Survey(models.Model):
    # Both None: a built-in survey (a template). Otherwise the project's own copy.
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="surveys"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    audience = models.CharField(_("who answers"), max_length=20, choices=Audience.choices)
    introduction = models.TextField(_("introduction"), blank=True)
    thanks = models.TextField(_("thank-you text"), blank=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("previous version"),
    )
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Answers to an open survey are accepted; a closed one keeps its results.
    is_open = models.BooleanField(_("open for answers"), default=True)
    # Participant surveys: answers through personal links are linked to the person (then they
    # are personal data); without it, only anonymous links are offered.
    follows_individuals = models.BooleanField(
        _("follow individual participants"),
        default=False,
        help_text=_("Personal links per participant; the answers are then personal data."),
    )
    # Translations of the name and introduction: {"en": {"name": ..., "introduction": ...}}.
    translations = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        triggers = [federation_matches_project("survey")]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["name", "version"]
        constraints = [
            # A project's survey belongs to the project's federation; a template to none.
            models.CheckConstraint(
                condition=Q(project__isnull=True, federation__isnull=True)
                | Q(project__isnull=False, federation__isnull=False),
                name="survey_template_or_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})" if self.version > 1 else self.name

    @property
    def is_template(self) -> bool:
        return self.project_id is None

    def has_answers(self) -> bool:
        return self.responses.exists()


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    SCALE = "scale", _("Scale")
    TEXT = "text", _("Free text")


@pghistory.track(*row_history())
class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("type of question"), max_length=10, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    # Scales run from 1 to scale_max, with words at the ends.
    scale_max = models.PositiveSmallIntegerField(_("highest value"), null=True, blank=True)
    scale_min_label = models.CharField(_("label of the lowest value"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("label of the highest value"), max_length=100, blank=True)
    allow_dont_know = models.BooleanField(_('offer "don\'t know"'), default=False)
    # {"en": {"text": ..., "help_text": ..., "scale_min_label": ..., "scale_max_label": ...}}
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique"),
            models.CheckConstraint(
                condition=~Q(kind="scale") | Q(scale_max__gte=2, scale_max__lte=10),
                name="question_scale_has_range",
            ),
            models.CheckConstraint(condition=~Q(text=""), name="question_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text[:80]}"


@pghistory.track(*row_history())
class Option(models.Model):
    """A choice of a single- or multiple-choice question."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("order"))
    text = models.CharField(_("option"), max_length=200)
    translations = models.JSONField(default=dict, blank=True)  # {"en": "..."}

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="option_position_unique"),
        ]

    def __str__(self) -> str:
        return self.text


@pghistory.track(*row_history())
class Contact(models.Model):
    """Someone at an agency who worked with the project: the partner survey's register."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="survey_contacts")
    name = models.CharField(_("name"), max_length=200)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agency"),
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    is_active = models.BooleanField(_("active"), default=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "email"], name="contact_email_unique"),
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track(*row_history(), exclude=["token_hash"])
class Invitation(models.Model):
    """A personal one-time link: to a contact (partner survey) or to a participant (when the
    project follows individuals). Only a hash of the token is stored; the link is in the
    e-mail. One response per invitation, enforced by the database."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="invitations")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="invitations"
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField(_("valid until"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = CoordinatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["survey", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact__isnull=False, enrolment__isnull=True)
                | Q(contact__isnull=True, enrolment__isnull=False),
                name="invitation_to_contact_or_participant",
            ),
            models.UniqueConstraint(
                fields=["survey", "contact"],
                condition=Q(contact__isnull=False),
                name="invitation_once_per_contact",
            ),
            models.UniqueConstraint(
                fields=["survey", "enrolment"],
                condition=Q(enrolment__isnull=False),
                name="invitation_once_per_participant",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.contact or self.enrolment}"


@pghistory.track(*row_history(), exclude=["token_hash"])
class AnonymousLink(models.Model):
    """A cohort's link (and QR code) to a participant survey: no account, no person."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="anonymous_links")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="+")
    # Only a hash, like the personal links': the plain token is shown to the coordinator who
    # made the link, in that session (`surveys.views.distribution`), and printed.
    token_hash = models.CharField(max_length=64, unique=True)
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = CoordinatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("anonymous link")
        verbose_name_plural = _("anonymous links")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "cohort"],
                condition=Q(is_active=True),
                name="anonymous_link_one_active_per_cohort",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey}: {self.cohort}"


class AnonymousSubmission(models.Model):
    """That an anonymous link took an answer, when, and from which client: what the flood
    limits count (`surveys.flood`). The client is a keyed hash of its address and the link,
    never the address; nothing points to the response, and rows older than the longest window
    are deleted as new ones come."""

    link = models.ForeignKey(AnonymousLink, on_delete=models.CASCADE, related_name="+")
    client_hash = models.CharField(max_length=64)
    submitted_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["link", "submitted_at"], name="anon_submission_link_time"),
            models.Index(
                fields=["link", "client_hash", "submitted_at"], name="anon_submission_client"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.submitted_at:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    PERSONAL = "personal", _("Personal link")
    ANONYMOUS = "anonymous", _("Anonymous link")
    PAPER = "paper", _("Paper, entered by staff")
    IMPORTED = "imported", _("Imported from a spreadsheet")


class Response(models.Model):
    """One filled-in form. An anonymous response knows its cohort (for filtering), never the
    person; a personal one knows its invitation."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(_("how it was answered"), max_length=10, choices=Channel.choices)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=10, default="sv")
    # A default, not auto_now_add: imported answers keep the date they were given.
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    # Paper answers: who typed it in, and the date on the paper.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_on = models.DateField(_("date answered"), null=True, blank=True)
    # History from a spreadsheet (`imports`): the respondent's id in it, the file and its row.
    external_id = models.CharField(max_length=64, blank=True)
    import_batch = models.ForeignKey(
        "fokus.ImportBatch", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    import_row = models.PositiveIntegerField(null=True, blank=True)

    objects = CoordinatedQuerySet.as_manager()

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(channel="personal") | Q(invitation__isnull=False),
                name="response_personal_has_invitation",
            ),
            models.CheckConstraint(
                condition=~Q(channel="anonymous") | Q(invitation__isnull=True),
                name="response_anonymous_has_no_invitation",
            ),
            models.CheckConstraint(
                condition=~Q(channel="paper") | Q(entered_by__isnull=False),
                name="response_paper_has_enterer",
            ),
            models.UniqueConstraint(
                fields=["survey", "external_id"],
                condition=~Q(external_id=""),
                name="response_external_id_unique_per_survey",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} #{self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Single and multiple choice: the chosen options.
    options = models.ManyToManyField(Option, blank=True, related_name="answers")
    scale_value = models.PositiveSmallIntegerField(null=True, blank=True)
    dont_know = models.BooleanField(default=False)
    text = models.TextField(blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="answer_once_per_question"
            ),
            models.CheckConstraint(
                condition=~(Q(dont_know=True) & Q(scale_value__isnull=False)),
                name="answer_dont_know_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.response}: {self.question_id}"

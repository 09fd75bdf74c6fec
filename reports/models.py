"""Reports (DOMAIN §7): per-participant follow-up and exit reports to the agencies, stored as
immutable PDFs once finalised; the project's final and interim reports with their narrative
sections; and each project's threshold for small cells in its reports.
"""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fokus.conflicts import version_column
from fokus.history import row_history
from fokus.models import Agency, Project
from fokus.policy import reports as report_policy
from participants.models import Enrolment


class ParticipantReportKind(models.TextChoices):
    FOLLOW_UP_3 = "follow_up_3", _("Follow-up report (about 3 months)")
    FOLLOW_UP_6 = "follow_up_6", _("Follow-up report (about 6 months)")
    EXIT = "exit", _("Exit report")


# Reports listed and offered in the order they are written.
KIND_ORDER = [
    ParticipantReportKind.FOLLOW_UP_3,
    ParticipantReportKind.FOLLOW_UP_6,
    ParticipantReportKind.EXIT,
]


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Finalised")


class ParticipantReportQuerySet(models.QuerySet):
    def in_federation(self, user):
        """The tenant only; see `fokus.policy.reports.in_federation`."""
        return self.filter(report_policy.in_federation(user))

    def for_user(self, user):
        """The tenant and the role: the coordinators' reports, the officers' shared ones."""
        return self.filter(report_policy.visible_reports(user)).distinct()


class ProjectScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """The project's coordinators and the federation's staff."""
        return self.filter(report_policy.visible_project_reports(user))


@pghistory.track(*row_history(), exclude=["pdf"])
class ParticipantReport(models.Model):
    """A follow-up or exit report. The coordinator writes the free text, previews, finalises:
    the PDF made then is stored and never changed (what was sent is what can be downloaded
    again). A corrected report is a new version that supersedes the old one."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("report"), max_length=20, choices=ParticipantReportKind.choices)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    edit_version = version_column()
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("replaces"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # The coordinator's text; the rest of the report comes from the data.
    mapping = models.TextField(_("mapping (kartläggning)"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    recommendations = models.TextField(_("recommendations and next steps"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_at = models.DateTimeField(_("finalised"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The agencies the consent covered when the report was finalised: they may download it
    # for as long as the consent stands.
    shared_with = models.ManyToManyField(
        Agency, blank=True, related_name="+", verbose_name=_("shared with")
    )

    objects = ParticipantReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant report")
        verbose_name_plural = _("participant reports")
        ordering = ["enrolment", "kind", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "version"], name="participant_report_version_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="final")
                | (Q(finalised_at__isnull=False, finalised_by__isnull=False) & ~Q(pdf="")),
                name="participant_report_final_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.get_kind_display()}, {self.enrolment}"
        return f"{label} (v{self.version})" if self.version > 1 else label

    @property
    def is_final(self) -> bool:
        return self.status == ReportStatus.FINAL

    @property
    def kind_order(self) -> tuple[int, int]:
        """Sort key: the kinds in the order they are written, then the versions."""
        return KIND_ORDER.index(self.kind), self.version


class ProjectReportKind(models.TextChoices):
    FINAL = "final", _("Final report")
    INTERIM = "interim", _("Interim report")


# The narrative sections, written in the app. The final report uses the first group, the
# interim report (delårsrapport) the fixed headings of the second.
FINAL_SECTIONS = ["description", "goals", "reflection", "lessons"]
INTERIM_SECTIONS = [
    "background",
    "purpose",
    "goals",
    "method",
    "results",
    "success_factors",
    "intake_and_handover",
    "goals_met",
]


@pghistory.track(*row_history())
class ProjectReport(models.Model):
    """The narrative of a project's final report or one half-year's interim report. The figures
    are computed from the data each time the report is shown or printed."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("report"), max_length=10, choices=ProjectReportKind.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    description = models.TextField(_("description"), blank=True)
    background = models.TextField(_("background"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    goals = models.TextField(_("goals"), blank=True)
    method = models.TextField(_("method and strategy"), blank=True)
    results = models.TextField(_("results so far"), blank=True)
    success_factors = models.TextField(_("success factors and difficulties"), blank=True)
    intake_and_handover = models.TextField(_("how intake and hand-over work"), blank=True)
    goals_met = models.TextField(_("will the goals be met?"), blank=True)
    reflection = models.TextField(_("reflection"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    edit_version = version_column()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("project report")
        verbose_name_plural = _("project reports")
        ordering = ["project", "kind", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "period_start", "period_end"],
                name="project_report_period_unique",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="project_report_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.project} {self.period_start}–{self.period_end}"


@pghistory.track(*row_history())
class ReportSettings(models.Model):
    """Small cells: a project's own threshold, counts of people below it hidden in its reports
    so that nobody can be picked out. Hiding is always on; the threshold in effect is never
    below `settings.FOKUS_MIN_GROUP_SIZE` (see `reports.smallcells`)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="report_settings"
    )
    small_cell_threshold = models.PositiveSmallIntegerField(
        _("smallest count shown"),
        default=5,
        help_text=_("Counts of people below this are hidden in the reports."),
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(small_cell_threshold__gte=2, small_cell_threshold__lte=10),
                name="report_settings_threshold_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.project)

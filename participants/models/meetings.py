"""Meetings with a participant (intake talk, individual talks, follow-up and exit meetings with
the parties, external lectures and study visits) and a cohort's group sessions with attendance.

Attendance matters (DOMAIN §3 step 5): absence patterns are an early warning, so every group
session records every participant's attendance, and two unexcused absences in a row put the
participant on the due list (`participants.attendance`)."""

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from fokus import policy
from fokus.history import row_history
from fokus.models import Agency
from participants.models.enrolments import Enrolment, ThroughEnrolmentQuerySet


class MeetingKind(models.TextChoices):
    INTAKE = "intake", _("Intake talk")
    INDIVIDUAL = "individual", _("Individual talk")
    FOLLOW_UP = "follow_up", _("Follow-up meeting with the parties")
    EXIT = "exit", _("Exit meeting")
    EXTERNAL = "external", _("External lecture or study visit")


class TalkForm(models.TextChoices):
    """How an individual talk was held: walks and home visits are part of the method."""

    OFFICE = "office", _("At the office")
    WALK = "walk", _("Walk")
    HOME_VISIT = "home_visit", _("Home visit")
    REMOTE = "remote", _("Phone or video")
    ACCOMPANYING = "accompanying", _("Accompanying to an appointment")


@pghistory.track(*row_history())
class ClientMeeting(models.Model):
    """A meeting held with or about one participant. Group sessions are `GroupSession`."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="meetings")
    kind = models.CharField(_("type of meeting"), max_length=20, choices=MeetingKind.choices)
    talk_form = models.CharField(
        _("form of the talk"), max_length=20, choices=TalkForm.choices, blank=True
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    participant_attended = models.BooleanField(_("the participant took part"), default=True)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name=_("coordinators who took part"),
    )
    agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="+",
        verbose_name=_("agencies represented"),
    )
    other_attendees = models.CharField(_("others who took part"), max_length=300, blank=True)
    # The coordinators' working notes: never shown to case officers.
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.TextField(_("next agreed step"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ThroughEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            # The form of the talk belongs to individual talks, and they always have one.
            models.CheckConstraint(
                condition=(Q(kind="individual") & ~Q(talk_form=""))
                | (~Q(kind="individual") & Q(talk_form="")),
                name="client_meeting_talk_form_for_individual_talks",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=720),
                name="client_meeting_duration_range",
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%Y-%m-%d}"


class SessionTheme(models.TextChoices):
    MOTIVATION = "motivation", _("Motivation")
    SELF_ESTEEM = "self_esteem", _("Self-esteem")
    STRESS = "stress", _("Stress")
    SLEEP = "sleep", _("Sleep")
    DIET = "diet", _("Diet")
    HEALTH = "health", _("Health")
    LABOUR_MARKET = "labour_market", _("Knowledge of the labour market")
    OTHER = "other", _("Other theme")


class GroupSessionQuerySet(models.QuerySet):
    def in_federation(self, user):
        """The tenant only, through the start (planning data every role in the federation
        sees); a view then asks `fokus.policy` for the role (403)."""
        return self.filter(cohort__in=Cohort.objects.for_user(user))

    def for_user(self, user):
        """The tenant and the role: the project's coordinators."""
        return self.in_federation(user).filter(
            cohort__project_id__in=policy.coordinated_project_ids(user)
        )


@pghistory.track(*row_history())
class GroupSession(models.Model):
    """One session of a cohort's group programme, with everyone's attendance."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("time"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    theme = models.CharField(_("theme"), max_length=20, choices=SessionTheme.choices)
    theme_note = models.CharField(
        _("theme in own words"),
        max_length=200,
        blank=True,
        help_text=_("Required for another theme, e.g. a guest lecture."),
    )
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(theme="other") | ~Q(theme_note=""),
                name="group_session_other_theme_named",
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15, duration_minutes__lte=480),
                name="group_session_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_theme_display()} {self.date:%Y-%m-%d}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


@pghistory.track(*row_history())
class Attendance(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=10, choices=AttendanceStatus.choices)

    objects = ThroughEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {self.get_status_display()}"

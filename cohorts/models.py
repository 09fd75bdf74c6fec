"""Cohorts (uppstarter): a project's starts per municipality with their programme shape, and,
for rolling intake, yearly places per agency.

The tables keep the names they had when these models lived in `participants` (migration
cohorts 0001 moved them without touching the database)."""

import calendar
from datetime import date

import pghistory
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from fokus import policy
from fokus.conflicts import version_column
from fokus.history import row_history
from fokus.models import Agency, Municipality, Project


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, kept inside the target month: 31 January plus one
    month is the last day of February, not 3 March."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


class CohortQuerySet(models.QuerySet):
    def for_user(self, user):
        """Cohorts are planning data: everyone with a role in the federation may see the
        project's starts (case officers pick one when referring)."""
        if not user.is_authenticated or user.federation_id is None or not policy.memberships(user):
            return self.none()
        return self.filter(project__federation_id=user.federation_id)


@pghistory.track(*row_history(), meta={"db_table": "participants_cohortevent"})
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
    edit_version = version_column()

    # --- Programme shape: it changed at almost every start, so it is data, not code. ----------
    group_weeks = models.PositiveSmallIntegerField(
        _("weeks of group programme"),
        default=12,
        help_text=_("How many weeks the group programme runs, e.g. 12 or 8."),
    )
    group_sessions_per_week = models.PositiveSmallIntegerField(
        _("group sessions per week"), default=1
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("length of a group session (minutes)"),
        default=180,
        help_text=_("E.g. 180 for a three-hour session."),
    )
    talks_before_group = models.PositiveSmallIntegerField(
        _("individual talks before the group starts"),
        default=2,
        help_text=_("From 0 to 3 talks with the assigned coordinator after the intake talk."),
    )
    period_months = models.PositiveSmallIntegerField(
        _("participation period (months)"),
        default=12,
        help_text=_("Sets each participant's planned exit date, e.g. 9, 10 or 12 months."),
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        db_table = "participants_cohort"
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
            models.CheckConstraint(
                condition=Q(group_weeks__gte=1, group_weeks__lte=52),
                name="cohort_group_weeks_range",
            ),
            models.CheckConstraint(
                condition=Q(group_sessions_per_week__gte=1, group_sessions_per_week__lte=7),
                name="cohort_sessions_per_week_range",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=15, session_minutes__lte=480),
                name="cohort_session_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(talks_before_group__lte=3), name="cohort_talks_before_group_range"
            ),
            models.CheckConstraint(
                condition=Q(period_months__gte=1, period_months__lte=36),
                name="cohort_period_months_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality} {self.start_date:%Y-%m-%d}"

    def planned_exit(self, enrolled_on: date) -> date:
        return add_months(enrolled_on, self.period_months)


@pghistory.track(*row_history(), meta={"db_table": "participants_agencyyearquotaevent"})
class AgencyYearQuota(models.Model):
    """Rolling intake: how many people an agency may refer to a project in a calendar year."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="year_quotas")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="year_quotas")
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        db_table = "participants_agencyyearquota"
        verbose_name = _("yearly agency quota")
        verbose_name_plural = _("yearly agency quotas")
        ordering = ["year", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "agency", "year"], name="year_quota_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}: {self.places}"

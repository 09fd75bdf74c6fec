"""The figures of a project's final and interim reports (DOMAIN §7), as database aggregates.

Every function below is one query (the step figures: `stepladder.stats.step_statistics`, four
at most), so a report costs the same number of queries for 20 participants as for 2,000. They
return plain numbers; `reports.project_reports` turns them into the tables the web page, the
PDF and the CSV/XLSX exports show, and hides small counts there when the project asks for it.

What is counted, so that a reader can count the same by hand:

* **Participants** (the final report's "participants", the interim report's "new"): started
  participations — `enrolled_on` in the period — of the project, active or exited now.
  Participations whose consent was withdrawn are left out everywhere, as in the step
  statistics: their data may no longer be used.
* **Municipality**: the start's (cohort's) municipality, or, without a start (rolling
  intake), the referral's home municipality — as `stepladder.stats` counts it. For referrals
  it is the referral's home municipality.
* **Gender**: the referral's; "other or not known" is everything but woman and man.
* **Referrals**: every submitted referral (not a draft) whose `submitted_at` falls in the
  period (Swedish time), whatever became of it since.
* **Exits**: exited participations with `exited_on` in the period. *Early* ("before the
  planned end") are those with `exited_on` before the participation's own planned exit date
  (`Enrolment.planned_exit_on`: the period their start promised, extensions included), not
  the project's end date: an exit on or after the planned date is not early, and neither is
  an exit without a planned date.
* **90-day follow-ups**: of the exits counted above, the follow-ups that have been done,
  whenever; those not done yet are counted apart.
* **Starts**: the project's starts with their start date in the period, with the number of
  their participants who have started (whenever they started).
* **Interim "active"**: started on or before the period's last day and not exited before its
  first day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from cohorts.models import Cohort
from fokus.models import Project
from participants.models import Destination, Enrolment, ExitReason, FollowUp, IncomeSource
from referrals.models import Gender, Referral, ReferralStatus
from stepladder.stats import StepStatistics, counted, step_statistics


@dataclass(frozen=True)
class Period:
    """A closed range of days."""

    start: date
    end: date

    @classmethod
    def half_year(cls, year: int, half: int) -> Period:
        """Half 1 is January–June, half 2 July–December."""
        if half == 1:
            return cls(date(year, 1, 1), date(year, 6, 30))
        if half == 2:
            return cls(date(year, 7, 1), date(year, 12, 31))
        raise ValueError(f"half must be 1 or 2, not {half!r}")

    @classmethod
    def of_project(cls, project: Project) -> Period:
        return cls(project.start_date, project.end_date)

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end


_WOMAN = Q(referral__gender=Gender.WOMAN)
_MAN = Q(referral__gender=Gender.MAN)
_OTHER = ~Q(referral__gender__in=[Gender.WOMAN, Gender.MAN])


@dataclass(frozen=True)
class ByGender:
    women: int = 0
    men: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.women + self.men + self.other

    def __add__(self, other: ByGender) -> ByGender:
        return ByGender(self.women + other.women, self.men + other.men, self.other + other.other)


def _by_gender(prefix: str = "", condition: Q | None = None) -> dict:
    """Count annotations women/men/other for an aggregate, optionally within `condition`."""
    base = condition if condition is not None else Q()
    return {
        f"{prefix}women": Count("pk", filter=base & _WOMAN),
        f"{prefix}men": Count("pk", filter=base & _MAN),
        f"{prefix}other": Count("pk", filter=base & _OTHER),
    }


def _gender(row: dict, prefix: str = "") -> ByGender:
    return ByGender(
        row[f"{prefix}women"] or 0, row[f"{prefix}men"] or 0, row[f"{prefix}other"] or 0
    )


def _area_key(area_id: int | None, name: str) -> tuple:
    # By name; the participations whose municipality is not known come last.
    return (area_id is None, name.casefold(), area_id or 0)


# --- Participations --------------------------------------------------------------------------


def project_participations(project: Project) -> QuerySet[Enrolment]:
    """The project's participations that count (started, consent not withdrawn)."""
    return counted(Enrolment.objects.filter(project=project, federation_id=project.federation_id))


def started_in(project: Project, period: Period) -> QuerySet[Enrolment]:
    return project_participations(project).filter(
        enrolled_on__gte=period.start, enrolled_on__lte=period.end
    )


def exited_in(project: Project, period: Period) -> QuerySet[Enrolment]:
    return project_participations(project).filter(
        status=Enrolment.Status.EXITED, exited_on__gte=period.start, exited_on__lte=period.end
    )


def _with_area(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    return enrolments.annotate(
        area_id=Coalesce("cohort__municipality_id", "referral__home_municipality_id"),
        area_name=Coalesce("cohort__municipality__name", "referral__home_municipality__name"),
    )


@dataclass(frozen=True)
class MunicipalityCount:
    municipality_id: int | None
    municipality: str  # empty when not known
    counts: ByGender


def participants_by_municipality(project: Project, period: Period) -> list[MunicipalityCount]:
    """Participants who started in the period per municipality, by gender (one query)."""
    rows = (
        _with_area(started_in(project, period))
        .values("area_id", "area_name")
        .annotate(**_by_gender())
        .order_by()
    )
    result = [
        MunicipalityCount(row["area_id"], row["area_name"] or "", _gender(row)) for row in rows
    ]
    result.sort(key=lambda row: _area_key(row.municipality_id, row.municipality))
    return result


# --- Referrals -------------------------------------------------------------------------------


@dataclass
class CrossTable:
    """Counts per (row, column), e.g. referring agency × municipality, with the totals."""

    rows: list[tuple[int | None, str]] = field(default_factory=list)  # (pk, name)
    columns: list[tuple[int | None, str]] = field(default_factory=list)
    cells: dict[tuple[int | None, int | None], int] = field(default_factory=dict)

    def count(self, row_id: int | None, column_id: int | None) -> int:
        return self.cells.get((row_id, column_id), 0)

    def row_total(self, row_id: int | None) -> int:
        return sum(n for (r, _c), n in self.cells.items() if r == row_id)

    def column_total(self, column_id: int | None) -> int:
        return sum(n for (_r, c), n in self.cells.items() if c == column_id)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def referrals_by_agency(project: Project, period: Period) -> CrossTable:
    """Submitted referrals per referring agency × home municipality (one query)."""
    rows = (
        Referral.objects.filter(
            federation_id=project.federation_id,
            project=project,
            submitted_at__date__gte=period.start,
            submitted_at__date__lte=period.end,
        )
        .exclude(status=ReferralStatus.DRAFT)
        .values(
            "referring_agency_id",
            "referring_agency__name",
            "home_municipality_id",
            "home_municipality__name",
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    table = CrossTable()
    agencies: dict[int, str] = {}
    municipalities: dict[int | None, str] = {}
    for row in rows:
        agencies[row["referring_agency_id"]] = row["referring_agency__name"]
        municipalities[row["home_municipality_id"]] = row["home_municipality__name"] or ""
        table.cells[(row["referring_agency_id"], row["home_municipality_id"])] = row["n"]
    table.rows = sorted(agencies.items(), key=lambda item: (item[1].casefold(), item[0]))
    table.columns = sorted(municipalities.items(), key=lambda item: _area_key(*item))
    return table


# --- Steps -----------------------------------------------------------------------------------


def steps(enrolments: QuerySet[Enrolment]) -> StepStatistics:
    """Step figures without any individual data (no "went down" list): the reports are read
    by federation staff and leave the project."""
    return step_statistics(enrolments, with_went_down=False)


# --- Exits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExitCount:
    code: str
    label: str
    early: int  # exited before the participation's planned exit date
    total: int  # every exit in the period
    counts: ByGender  # every exit in the period, by gender


# An early exit: before the participation's own planned exit date. Without a planned date
# nothing is early (and an exit on the planned date is not).
EARLY_EXIT = Q(planned_exit_on__isnull=False, exited_on__lt=F("planned_exit_on"))


def _exit_counts(project: Project, period: Period, field_name: str, choices) -> list[ExitCount]:
    labels = dict(choices)
    rows = (
        exited_in(project, period)
        .values(field_name)
        .annotate(
            total=Count("pk"),
            early=Count("pk", filter=EARLY_EXIT),
            **_by_gender(),
        )
        .order_by()
    )
    found = {row[field_name]: row for row in rows}
    # In the order of the choices, then anything unexpected (e.g. no destination recorded).
    order = [code for code in labels if code in found] + sorted(
        code for code in found if code not in labels
    )
    return [
        ExitCount(
            code=code,
            label=str(labels.get(code, "")),
            early=found[code]["early"],
            total=found[code]["total"],
            counts=_gender(found[code]),
        )
        for code in order
    ]


def exits_by_reason(project: Project, period: Period) -> list[ExitCount]:
    """Exits in the period per reason (one query)."""
    return _exit_counts(project, period, "exit_reason", ExitReason.choices)


def destinations(project: Project, period: Period) -> list[ExitCount]:
    """Exits in the period per destination; "" = none recorded (one query)."""
    return _exit_counts(project, period, "destination", Destination.choices)


# --- 90-day follow-up ------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowUpRow:
    income_source: str
    label: str
    self_sufficient: int
    not_self_sufficient: int

    @property
    def total(self) -> int:
        return self.self_sufficient + self.not_self_sufficient


@dataclass(frozen=True)
class FollowUps:
    rows: list[FollowUpRow]  # done follow-ups per main income source
    not_done: int  # follow-ups of the period's exits not done (yet)

    @property
    def self_sufficient(self) -> int:
        return sum(row.self_sufficient for row in self.rows)

    @property
    def not_self_sufficient(self) -> int:
        return sum(row.not_self_sufficient for row in self.rows)

    @property
    def done(self) -> int:
        return self.self_sufficient + self.not_self_sufficient


def follow_ups(project: Project, period: Period) -> FollowUps:
    """The 90-day follow-ups of the period's exits (one query)."""
    done = Q(done_on__isnull=False)
    rows = (
        FollowUp.objects.filter(enrolment__in=exited_in(project, period).values("pk"))
        .values("income_source")
        .annotate(
            yes=Count("pk", filter=done & Q(self_sufficient=True)),
            no=Count("pk", filter=done & Q(self_sufficient=False)),
            pending=Count("pk", filter=~done),
        )
        .order_by()
    )
    labels = dict(IncomeSource.choices)
    found = {row["income_source"]: row for row in rows}
    order = [code for code in labels if code in found] + sorted(
        code for code in found if code not in labels
    )
    return FollowUps(
        rows=[
            FollowUpRow(code, str(labels.get(code, "")), found[code]["yes"], found[code]["no"])
            for code in order
            if found[code]["yes"] or found[code]["no"]
        ],
        not_done=sum(row["pending"] for row in found.values()),
    )


# --- Starts ----------------------------------------------------------------------------------


def cohort_starts(project: Project, period: Period) -> list[Cohort]:
    """The project's starts in the period, each annotated with `started`: its participants
    who have started (consent not withdrawn). One query."""
    started = Q(enrolments__enrolled_on__isnull=False) & ~Q(
        enrolments__status=Enrolment.Status.CONSENT_WITHDRAWN
    )
    return list(
        Cohort.objects.filter(
            project=project, start_date__gte=period.start, start_date__lte=period.end
        )
        .select_related("municipality")
        .annotate(started=Count("enrolments", filter=started))
        .order_by("start_date", "municipality__name", "pk")
    )


# --- Interim report --------------------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """The interim report's participants: new, active and exited in the period, by gender."""

    new: ByGender
    active: ByGender
    exited: ByGender


def flow(project: Project, period: Period) -> Flow:
    """One aggregate query over the project's participations."""
    new = Q(enrolled_on__gte=period.start, enrolled_on__lte=period.end)
    active = Q(enrolled_on__lte=period.end) & (
        Q(exited_on__isnull=True) | Q(exited_on__gte=period.start)
    )
    exited = Q(
        status=Enrolment.Status.EXITED, exited_on__gte=period.start, exited_on__lte=period.end
    )
    row = project_participations(project).aggregate(
        **_by_gender("new_", new), **_by_gender("active_", active), **_by_gender("exited_", exited)
    )
    return Flow(_gender(row, "new_"), _gender(row, "active_"), _gender(row, "exited_"))

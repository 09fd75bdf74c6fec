"""Step-ladder figures for a group of participations: a start (cohort), a project, or whatever
queryset of enrolments a report needs (DOMAIN §6 and §7).

`step_statistics(enrolments)` is the one entry point. Every figure is computed by the database
(subqueries per participation, aggregated with `Count`/`Sum` per municipality), so the number
of queries is fixed — four at most — whatever the number of participants.

The choices behind the figures, so that a report can say what it counts:

* **Who is counted.** Participations that have started (`enrolled_on` set), active or exited.
  Those never started have no place on the ladder; those whose consent was withdrawn are left
  out, since their data may no longer be used.
* **Latest rating.** The one with the greatest (`rated_on`, `created_at`, pk): on the same day
  the one registered last wins. A participation without any rating counts as "not rated" in
  the distribution and is left out of every mean.
* **First rating** ("at enrolment"). The rating of kind "at enrolment"; where there is none
  (e.g. the first rating was registered as a regular one) the earliest rating. So the mean at
  enrolment and the movement both start from the same rating.
* **Exit rating.** The rating of kind "at exit" (the latest, should there be more than one).
* **Steps 4–6 at exit.** Literally steps 4, 5 and 6 (DOMAIN §6 "share on steps 4–6"), whatever
  the ladder's top step: of the participations with an exit rating, how many ended there.
* **Movement.** Between the first and the latest rating, for participations with at least two
  ratings: forward (higher step), same, back (lower step).
* **Went down.** Participations whose latest rating is lower than the one before it. This is
  individual data, for the project's coordinators only.
* **Municipality.** The start's municipality, or, for a participation without a start (rolling
  intake), the referral's home municipality.
* Means and percentages are `Decimal`s rounded half up to one decimal (1.25 → 1.3); None when
  nothing is behind them. Step numbers from different ladders are counted by number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from participants.models import Enrolment
from stepladder.models import ProjectLadder, Rating, RatingKind, Step

# DOMAIN §6 reports the share that ended "on steps 4–6".
HIGH_STEPS = (4, 6)

_LATEST_FIRST = ("-rated_on", "-created_at", "-pk")
_EARLIEST_FIRST = ("rated_on", "created_at", "pk")
_ONE_DECIMAL = Decimal("0.1")


def rounded(value: Decimal) -> Decimal:
    """One decimal, half up: 1.25 → 1.3 (Python's `round` would give 1.2)."""
    return value.quantize(_ONE_DECIMAL, rounding=ROUND_HALF_UP)


def _mean(total: int, n: int) -> Decimal | None:
    return rounded(Decimal(total) / Decimal(n)) if n else None


def _percent(count: int, total: int) -> Decimal | None:
    return rounded(Decimal(count) * 100 / Decimal(total)) if total else None


@dataclass(frozen=True)
class StepCount:
    """How many participations stand on a step now (their latest rating)."""

    number: int
    headline: str
    count: int
    percent: Decimal | None  # of all the participations counted, the not rated included


@dataclass(frozen=True)
class Share:
    count: int
    total: int
    percent: Decimal | None


@dataclass(frozen=True)
class Movement:
    """Between the first and the latest rating, for participations rated at least twice."""

    forward: int
    same: int
    back: int

    @property
    def total(self) -> int:
        return self.forward + self.same + self.back


@dataclass(frozen=True)
class Figures:
    """The figures of one municipality, or of all of them (`is_total`)."""

    municipality_id: int | None
    municipality: str  # empty when not known (no start and no home municipality) or the total
    is_total: bool
    participants: int
    mean_at_enrolment: Decimal | None
    n_at_enrolment: int
    mean_latest: Decimal | None
    n_latest: int
    mean_at_exit: Decimal | None
    n_at_exit: int
    share_high_at_exit: Share
    movement: Movement


@dataclass(frozen=True)
class WentDown:
    """A participation whose latest rating is lower than the one before it."""

    enrolment: Enrolment  # with referral and cohort (and its municipality) loaded
    previous_step: int
    latest_step: int
    rated_on: date

    @property
    def display_name(self) -> str:
        return self.enrolment.referral.display_name

    @property
    def cohort(self):
        return self.enrolment.cohort


@dataclass(frozen=True)
class StepStatistics:
    participants: int
    distribution: list[StepCount]
    not_rated: int
    municipalities: list[Figures]
    total: Figures
    # None when not asked for (`with_went_down=False`): aggregates only.
    went_down: list[WentDown] | None = None

    @property
    def rows(self) -> list[Figures]:
        """The municipalities, then the total: the rows of a table."""
        return [*self.municipalities, self.total]

    @property
    def rated(self) -> int:
        return self.participants - self.not_rated

    @property
    def not_rated_percent(self) -> Decimal | None:
        return _percent(self.not_rated, self.participants)

    @property
    def movement(self) -> Movement:
        return self.total.movement

    @property
    def share_high_at_exit(self) -> Share:
        return self.total.share_high_at_exit


@dataclass
class _Sums:
    """Raw counts and sums from the database, added up across municipalities for the total
    so that the total's means are exact, not means of rounded means."""

    participants: int = 0
    n_first: int = 0
    sum_first: int = 0
    n_latest: int = 0
    sum_latest: int = 0
    n_exit: int = 0
    sum_exit: int = 0
    high_at_exit: int = 0
    forward: int = 0
    same: int = 0
    back: int = 0

    FIELDS = (
        "participants",
        "n_first",
        "sum_first",
        "n_latest",
        "sum_latest",
        "n_exit",
        "sum_exit",
        "high_at_exit",
        "forward",
        "same",
        "back",
    )

    def add(self, row: dict) -> None:
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name) + (row[name] or 0))

    def figures(self, municipality_id: int | None, name: str, *, is_total=False) -> Figures:
        return Figures(
            municipality_id=municipality_id,
            municipality=name,
            is_total=is_total,
            participants=self.participants,
            mean_at_enrolment=_mean(self.sum_first, self.n_first),
            n_at_enrolment=self.n_first,
            mean_latest=_mean(self.sum_latest, self.n_latest),
            n_latest=self.n_latest,
            mean_at_exit=_mean(self.sum_exit, self.n_exit),
            n_at_exit=self.n_exit,
            share_high_at_exit=Share(
                self.high_at_exit, self.n_exit, _percent(self.high_at_exit, self.n_exit)
            ),
            movement=Movement(self.forward, self.same, self.back),
        )


def counted(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """The participations the figures are about: started, consent not withdrawn."""
    return (
        enrolments.filter(enrolled_on__isnull=False)
        .exclude(status=Enrolment.Status.CONSENT_WITHDRAWN)
        .order_by()
    )


def with_steps(enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
    """Each participation annotated, in SQL, with `first_step`, `latest_step`,
    `previous_step` (the one before the latest), `exit_step` (step numbers or None) and its
    municipality (`area_id`, `area_name`)."""
    ratings = Rating.objects.filter(enrolment=OuterRef("pk"))
    latest_first = ratings.order_by(*_LATEST_FIRST).values("step__number")
    enrolment_kind_first = ratings.order_by(
        Case(When(kind=RatingKind.ENROLMENT, then=Value(0)), default=Value(1)), *_EARLIEST_FIRST
    ).values("step__number")
    exit_rating = ratings.filter(kind=RatingKind.EXIT).order_by(*_LATEST_FIRST)
    return counted(enrolments).annotate(
        first_step=Subquery(enrolment_kind_first[:1]),
        latest_step=Subquery(latest_first[:1]),
        previous_step=Subquery(latest_first[1:2]),
        exit_step=Subquery(exit_rating.values("step__number")[:1]),
        area_id=Coalesce("cohort__municipality_id", "referral__home_municipality_id"),
        area_name=Coalesce("cohort__municipality__name", "referral__home_municipality__name"),
    )


def _per_municipality(annotated: QuerySet[Enrolment]) -> list[dict]:
    rated_twice = Q(previous_step__isnull=False)
    low, high = HIGH_STEPS
    return list(
        annotated.values("area_id", "area_name")
        .annotate(
            participants=Count("pk"),
            n_first=Count("first_step"),
            sum_first=Sum("first_step"),
            n_latest=Count("latest_step"),
            sum_latest=Sum("latest_step"),
            n_exit=Count("exit_step"),
            sum_exit=Sum("exit_step"),
            high_at_exit=Count("pk", filter=Q(exit_step__gte=low, exit_step__lte=high)),
            forward=Count("pk", filter=rated_twice & Q(latest_step__gt=F("first_step"))),
            same=Count("pk", filter=rated_twice & Q(latest_step=F("first_step"))),
            back=Count("pk", filter=rated_twice & Q(latest_step__lt=F("first_step"))),
        )
        .order_by()
    )


def _steps_in_use(participations: QuerySet[Enrolment]) -> QuerySet[Step]:
    """The steps of every ladder the participations were rated on, of the ladders their
    projects rate on now, and of the default ladder if a project has none of its own."""
    projects = participations.values("project_id")
    return (
        Step.objects.filter(
            Q(ladder__in=Rating.objects.filter(enrolment__in=participations).values("step__ladder"))
            | Q(ladder__in=ProjectLadder.objects.filter(project__in=projects).values("ladder"))
            | (
                Q(ladder__is_default=True)
                & Q(Exists(participations.filter(project__ladder_setting__isnull=True)))
            )
        )
        .order_by("number", "ladder__name", "ladder__version")
        .values_list("number", "headline")
    )


def _distribution(
    annotated: QuerySet[Enrolment], participations: QuerySet[Enrolment], participants: int
) -> tuple[list[StepCount], int]:
    counts = dict(
        annotated.values("latest_step")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("latest_step", "n")
    )
    headlines: dict[int, list[str]] = {}
    for number, headline in _steps_in_use(participations):
        names = headlines.setdefault(number, [])
        if headline not in names:
            names.append(headline)
    numbers = sorted(set(headlines) | {n for n in counts if n is not None})
    distribution = [
        StepCount(
            number=number,
            headline=" / ".join(headlines.get(number, [])),
            count=counts.get(number, 0),
            percent=_percent(counts.get(number, 0), participants),
        )
        for number in numbers
    ]
    return distribution, counts.get(None, 0)


def _went_down(annotated: QuerySet[Enrolment]) -> list[WentDown]:
    latest_on = Subquery(
        Rating.objects.filter(enrolment=OuterRef("pk"))
        .order_by(*_LATEST_FIRST)
        .values("rated_on")[:1]
    )
    rows = (
        annotated.filter(previous_step__isnull=False, latest_step__lt=F("previous_step"))
        .annotate(latest_on=latest_on)
        .select_related("referral", "cohort__municipality")
        .order_by("-latest_on", "pk")
    )
    return [
        WentDown(
            enrolment=row,
            previous_step=row.previous_step,
            latest_step=row.latest_step,
            rated_on=row.latest_on,
        )
        for row in rows
    ]


def step_statistics(
    enrolments: QuerySet[Enrolment], *, with_went_down: bool = True
) -> StepStatistics:
    """The step-ladder figures of the given participations, e.g.
    `Enrolment.objects.filter(cohort=cohort)` or `.filter(project=project)`; see the module
    docstring for what is counted. The caller scopes `enrolments` to what the user may see.
    `with_went_down=False` leaves out the only individual data (the list of those who went
    down), for readers entitled to aggregates only."""
    participations = counted(enrolments)
    annotated = with_steps(enrolments)

    total = _Sums()
    areas = []
    for row in _per_municipality(annotated):
        sums = _Sums()
        sums.add(row)
        total.add(row)
        areas.append((row["area_id"], row["area_name"] or "", sums))
    # By name; a participation whose municipality is not known comes last.
    areas.sort(key=lambda area: (area[0] is None, area[1]))

    distribution, not_rated = _distribution(annotated, participations, total.participants)
    return StepStatistics(
        participants=total.participants,
        distribution=distribution,
        not_rated=not_rated,
        municipalities=[sums.figures(pk, name) for pk, name, sums in areas],
        total=total.figures(None, "", is_total=True),
        went_down=_went_down(annotated) if with_went_down else None,
    )

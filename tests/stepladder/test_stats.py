"""Step-ladder figures of a group of participations (`stepladder.stats`), on a constructed
dataset whose figures are worked out by hand below."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.models import Cohort
from participants.models import Enrolment
from referrals.models import ReferralStatus
from stepladder.charts_bar import distribution_chart
from stepladder.models import Ladder, ProjectLadder, Rating, RatingKind, Step
from stepladder.stats import Movement, Share, rounded, step_statistics
from tests.conftest import test_personnummer

ENROLMENT, QUARTERLY, EXIT, EXTRA = (
    RatingKind.ENROLMENT,
    RatingKind.QUARTERLY,
    RatingKind.EXIT,
    RatingKind.EXTRA,
)
SEP, DEC, MAR = date(2026, 9, 1), date(2026, 12, 1), date(2027, 3, 1)


@pytest.fixture
def cohort_norrvik(project_a, municipality_a2):
    return Cohort.objects.create(
        project=project_a,
        municipality=municipality_a2,
        start_date=date(2026, 9, 1),
        places=16,
        places_per_agency=4,
    )


@pytest.fixture
def participant(make_referral, coordinator, project_a):
    """participant("Anna", cohort, [(date, kind, step number), ...]) → a started enrolment
    with those ratings, made in the order given."""
    serials = iter(range(980, 1000))

    def make(
        name,
        cohort,
        ratings=(),
        *,
        status=Enrolment.Status.ACTIVE,
        home=None,
        project=None,
        started=True,
    ):
        referral = make_referral(
            name=name,
            personnummer=test_personnummer("19850101", str(next(serials))),
            cohort=cohort,
            status=ReferralStatus.ACCEPTED,
            **({"home_municipality": home} if home else {}),
        )
        fields = {}
        if started:
            fields = {
                "coordinator": coordinator,
                "enrolled_on": SEP,
                "planned_exit_on": date(2027, 9, 1),
            }
        if status == Enrolment.Status.EXITED:
            fields |= {
                "exited_on": MAR,
                "exit_reason": "completed_period",
                "receiving_party": "Arbetsförmedlingen",
                "exit_plan": "Praktik",
            }
        enrolment = Enrolment.objects.create(
            federation=project_a.federation,
            project=project or project_a,
            cohort=cohort,
            referral=referral,
            status=status,
            **fields,
        )
        for rated_on, kind, number in ratings:
            rate(enrolment, rated_on, kind, number, coordinator)
        return enrolment

    return make


def rate(enrolment, rated_on, kind, number, rated_by, ladder=None):
    step = Step.objects.get(ladder=ladder or Ladder.objects.get(is_default=True), number=number)
    return Rating.objects.create(
        enrolment=enrolment, rated_on=rated_on, kind=kind, step=step, rated_by=rated_by
    )


@pytest.fixture
def dataset(participant, cohort, cohort_norrvik, municipality_a2, project_a_other):
    """Seven participations that count, in two municipalities, and three that do not.

    Ekeby (the start `cohort`):
      Anna  1 (enrolment) → 2 (regular) → 4 (exit), exited    first 1, latest 4, exit 4
      Bo    2 (enrolment) → 3 (regular) → 1 (regular)         first 2, latest 1: went down
      Cia   1 (enrolment) only                                first 1, latest 1, one rating
      Dan   never rated                                       not rated
    Norrvik (Eva and Fia in the start `cohort_norrvik`; Gun without a start, rolling intake,
    counted in her home municipality):
      Eva   1 (enrolment) → 3 (exit), exited                  first 1, latest 3, exit 3
      Fia   2 (regular, no enrolment rating) → 5 (exit)       first 2 (earliest), latest 5, exit 5
      Gun   2 (enrolment, Sep) → 1 (regular, Dec) → 2 (extra, Dec, registered later)
                                                              first 2, latest 2 (same day: the
                                                              one registered last), previous 1
    Not counted: Hugo accepted but never started; Ida, rated, whose consent was withdrawn;
    Jon in another project (left out by the queryset the test passes).
    """
    p = participant
    p("Anna", cohort, [(SEP, ENROLMENT, 1), (DEC, QUARTERLY, 2), (MAR, EXIT, 4)],
      status=Enrolment.Status.EXITED)  # fmt: skip
    p("Bo", cohort, [(SEP, ENROLMENT, 2), (DEC, QUARTERLY, 3), (MAR, QUARTERLY, 1)])
    p("Cia", cohort, [(SEP, ENROLMENT, 1)])
    p("Dan", cohort)
    p("Eva", cohort_norrvik, [(SEP, ENROLMENT, 1), (MAR, EXIT, 3)],
      status=Enrolment.Status.EXITED)  # fmt: skip
    p("Fia", cohort_norrvik, [(DEC, QUARTERLY, 2), (MAR, EXIT, 5)],
      status=Enrolment.Status.EXITED)  # fmt: skip
    # Ratings are made in the order listed, so Gun's extra rating is registered after the
    # regular one of the same day.
    p("Gun", None, [(SEP, ENROLMENT, 2), (DEC, QUARTERLY, 1), (DEC, EXTRA, 2)],
      home=municipality_a2)  # fmt: skip
    p("Hugo", cohort, status=Enrolment.Status.ACCEPTED, started=False)
    p("Ida", cohort, [(SEP, ENROLMENT, 6)], status=Enrolment.Status.CONSENT_WITHDRAWN)
    p("Jon", None, [(SEP, ENROLMENT, 6)], project=project_a_other)


def test_it_computes_the_project_figures_worked_out_by_hand(dataset, project_a):
    stats = step_statistics(Enrolment.objects.filter(project=project_a))

    # Anna, Bo, Cia, Dan, Eva, Fia, Gun; not Hugo (never started) nor Ida (consent withdrawn).
    assert stats.participants == 7
    # Latest steps: Anna 4, Bo 1, Cia 1, Eva 3, Fia 5, Gun 2; Dan not rated.
    # Shares of 7: 1/7 = 14.285… → 14.3 %, 2/7 = 28.571… → 28.6 %.
    assert [(s.number, s.count, s.percent) for s in stats.distribution] == [
        (1, 2, Decimal("28.6")),
        (2, 1, Decimal("14.3")),
        (3, 1, Decimal("14.3")),
        (4, 1, Decimal("14.3")),
        (5, 1, Decimal("14.3")),
        (6, 0, Decimal("0.0")),
    ]
    assert stats.distribution[0].headline == "Passiv"
    assert stats.not_rated == 1
    assert stats.not_rated_percent == Decimal("14.3")

    ekeby, norrvik = stats.municipalities
    assert (ekeby.municipality, norrvik.municipality) == ("Ekeby", "Norrvik")

    # Ekeby: 4 participants; first Anna 1 + Bo 2 + Cia 1 = 4 / 3 = 1.333… → 1.3;
    # latest 4 + 1 + 1 = 6 / 3 = 2.0; exit Anna 4 / 1 = 4.0.
    assert ekeby.participants == 4
    assert (ekeby.mean_at_enrolment, ekeby.n_at_enrolment) == (Decimal("1.3"), 3)
    assert (ekeby.mean_latest, ekeby.n_latest) == (Decimal("2.0"), 3)
    assert (ekeby.mean_at_exit, ekeby.n_at_exit) == (Decimal("4.0"), 1)
    # Steps 4–6 at exit: Anna (4) of 1 rated at exit = 100.0 %.
    assert ekeby.share_high_at_exit == Share(1, 1, Decimal("100.0"))
    # Rated at least twice: Anna 1 → 4 forward, Bo 2 → 1 back; Cia has one rating only.
    assert ekeby.movement == Movement(forward=1, same=0, back=1)

    # Norrvik: Eva, Fia, Gun; first 1 + 2 + 2 = 5 / 3 = 1.666… → 1.7;
    # latest 3 + 5 + 2 = 10 / 3 = 3.333… → 3.3; exit Eva 3 + Fia 5 = 8 / 2 = 4.0.
    assert norrvik.participants == 3
    assert (norrvik.mean_at_enrolment, norrvik.n_at_enrolment) == (Decimal("1.7"), 3)
    assert (norrvik.mean_latest, norrvik.n_latest) == (Decimal("3.3"), 3)
    assert (norrvik.mean_at_exit, norrvik.n_at_exit) == (Decimal("4.0"), 2)
    # Steps 4–6 at exit: Fia (5), not Eva (3): 1 of 2 = 50.0 %.
    assert norrvik.share_high_at_exit == Share(1, 2, Decimal("50.0"))
    # Eva 1 → 3 forward, Fia 2 → 5 forward, Gun 2 → 2 same.
    assert norrvik.movement == Movement(forward=2, same=1, back=0)

    # Total, from the sums, not from the rounded municipal means:
    # first 4 + 5 = 9 / 6 = 1.5; latest 6 + 10 = 16 / 6 = 2.666… → 2.7;
    # exit 4 + 8 = 12 / 3 = 4.0; steps 4–6 at exit 2 of 3 = 66.666… → 66.7 %.
    total = stats.total
    assert total.participants == 7
    assert (total.mean_at_enrolment, total.n_at_enrolment) == (Decimal("1.5"), 6)
    assert (total.mean_latest, total.n_latest) == (Decimal("2.7"), 6)
    assert (total.mean_at_exit, total.n_at_exit) == (Decimal("4.0"), 3)
    assert stats.share_high_at_exit == Share(2, 3, Decimal("66.7"))
    assert stats.movement == Movement(forward=3, same=1, back=1)

    # Went down: Bo 3 → 1 on 1 March. Gun's latest (the extra rating, 2) is above her
    # previous (1), so she is not on the list even though her regular rating that day was 1.
    [down] = stats.went_down
    assert down.display_name == "Bo"
    assert (down.previous_step, down.latest_step, down.rated_on) == (3, 1, MAR)
    assert down.cohort.municipality.name == "Ekeby"


def test_it_computes_a_cohort_alone(dataset, cohort):
    stats = step_statistics(Enrolment.objects.filter(cohort=cohort))
    # Anna, Bo, Cia, Dan: the Ekeby figures above, and they are the total here.
    assert stats.participants == 4
    assert [m.municipality for m in stats.municipalities] == ["Ekeby"]
    assert stats.total.mean_at_enrolment == Decimal("1.3")
    assert stats.total.mean_latest == Decimal("2.0")
    assert [(s.number, s.count) for s in stats.distribution] == [
        (1, 2), (2, 0), (3, 0), (4, 1), (5, 0), (6, 0)
    ]  # fmt: skip
    assert stats.not_rated == 1


def test_it_leaves_out_the_individuals_when_asked(dataset, project_a):
    stats = step_statistics(Enrolment.objects.filter(project=project_a), with_went_down=False)
    assert stats.went_down is None
    assert stats.movement.back == 1


def test_it_rounds_half_up(participant, cohort):
    # First steps 1, 1, 1, 2: 5 / 4 = 1.25 → 1.3 (half up; banker's rounding would give 1.2).
    for name, first in [("A", 1), ("B", 1), ("C", 1), ("D", 2)]:
        participant(name, cohort, [(SEP, ENROLMENT, first)])
    stats = step_statistics(Enrolment.objects.filter(cohort=cohort))
    assert stats.total.mean_at_enrolment == Decimal("1.3")
    assert rounded(Decimal("0.05")) == Decimal("0.1")
    assert rounded(Decimal("2.349")) == Decimal("2.3")


def test_it_has_no_figures_for_nobody(project_a):
    stats = step_statistics(Enrolment.objects.filter(project=project_a))
    assert stats.participants == 0
    assert stats.total.mean_latest is None
    assert stats.share_high_at_exit == Share(0, 0, None)
    assert stats.went_down == []
    # No participations, so no ladder in use; the chart still has its "not rated" bar.
    assert stats.distribution == []
    assert [bar.count for bar in distribution_chart(stats).bars] == [0]


def test_it_shows_the_steps_of_the_projects_own_ladder(participant, cohort, project_a, fed_a):
    ladder = Ladder.objects.create(federation=fed_a, name="BIP-trappan")
    for number in (1, 2, 3):
        Step.objects.create(ladder=ladder, number=number, headline=f"Steg {number}")
    ProjectLadder.objects.create(project=project_a, ladder=ladder)
    participant("A", cohort)
    stats = step_statistics(Enrolment.objects.filter(project=project_a))
    # Only the project's ladder: nobody is rated on the default one.
    assert [(s.number, s.headline) for s in stats.distribution] == [
        (1, "Steg 1"), (2, "Steg 2"), (3, "Steg 3")
    ]  # fmt: skip


def test_it_draws_bars_in_proportion_with_their_counts(dataset, project_a):
    chart = distribution_chart(step_statistics(Enrolment.objects.filter(project=project_a)))
    # Steps 1–6 and "not rated"; the tallest bar (step 1, two people) is the full height.
    assert [bar.count for bar in chart.bars] == [2, 1, 1, 1, 1, 0, 1]
    assert [bar.label for bar in chart.bars][:6] == ["1", "2", "3", "4", "5", "6"]
    tallest, one, *_rest = chart.bars
    assert tallest.height == 2 * one.height
    assert tallest.y + tallest.height == chart.baseline == one.y + one.height
    assert chart.bars[5].height == 0


def _queries(project) -> int:
    with CaptureQueriesContext(connection) as ctx:
        step_statistics(Enrolment.objects.filter(project=project))
    return len(ctx.captured_queries)


def test_it_uses_the_same_number_of_queries_whatever_the_number_of_participants(
    participant, cohort, project_a
):
    def add(count):
        for i in range(count):
            participant(
                f"P{i}", cohort, [(SEP, ENROLMENT, 1), (DEC, QUARTERLY, 3), (MAR, QUARTERLY, 2)]
            )

    add(3)
    few = _queries(project_a)
    add(12)
    assert step_statistics(Enrolment.objects.filter(project=project_a)).participants == 15
    assert _queries(project_a) == few <= 4

"""The figures of the final and interim reports (`reports.figures`, `reports.final_tables`),
checked against the constructed project of `tests.reports.project_dataset`, whose every figure
is worked out by hand in its docstring."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cohorts.models import Cohort
from participants.models import Enrolment
from reports import figures
from reports.figures import ByGender, Period
from reports.final_tables import participants_table, steps_table
from reports.models import ReportSettings
from reports.project_reports import half_years
from reports.smallcells import SmallCells
from tests.reports.project_dataset import Builder, build

pytestmark = pytest.mark.django_db

PROJECT_PERIOD = Period(date(2026, 1, 1), date(2027, 12, 31))


@pytest.fixture
def data(project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc):
    return build(
        project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc
    )


def test_it_counts_participants_per_municipality_and_gender(data, project_a):
    rows = figures.participants_by_municipality(project_a, PROJECT_PERIOD)
    assert [(r.municipality, r.counts) for r in rows] == [
        ("Ekeby", ByGender(women=2, men=2, other=1)),
        ("Norrvik", ByGender(women=2, men=2, other=0)),
    ]


def test_it_counts_only_those_who_started_in_the_period(data, project_a):
    # E1–E5 started 2026-03-02, R1 2026-05-01, the Norrvik start 2026-09-07.
    rows = figures.participants_by_municipality(
        project_a, Period(date(2026, 3, 2), date(2026, 9, 6))
    )
    assert [(r.municipality, r.counts.total) for r in rows] == [("Ekeby", 5), ("Norrvik", 1)]


def test_it_counts_referrals_per_agency_and_municipality(data, project_a):
    table = figures.referrals_by_agency(project_a, PROJECT_PERIOD)
    assert [name for _pk, name in table.rows] == [
        "Arbetsförmedlingen",
        "Ekeby socialtjänst",
        "Försäkringskassan",
    ]
    assert [name for _pk, name in table.columns] == ["Ekeby", "Norrvik"]
    matrix = [
        [table.count(row, column) for column, _n in table.columns] + [table.row_total(row)]
        for row, _name in table.rows
    ]
    assert matrix == [[4, 2, 6], [1, 1, 2], [2, 2, 4]]
    assert [table.column_total(c) for c, _n in table.columns] == [7, 5]
    assert table.total == 12


def test_it_computes_the_step_means_per_municipality(data, project_a):
    stats = figures.steps(figures.started_in(project_a, PROJECT_PERIOD))
    rows = [
        (
            f.municipality,
            f.mean_at_enrolment,
            f.mean_at_exit,
            f.participants,
            f.n_at_exit,
            f.share_high_at_exit.count,
            f.share_high_at_exit.percent,
        )
        for f in stats.rows
    ]
    assert rows == [
        ("Ekeby", Decimal("1.4"), Decimal("4.0"), 5, 3, 2, Decimal("66.7")),
        ("Norrvik", Decimal("2.3"), Decimal("5.0"), 4, 2, 2, Decimal("100.0")),
        ("", Decimal("1.8"), Decimal("4.4"), 9, 5, 4, Decimal("80.0")),
    ]
    assert stats.went_down is None  # no individual data in a report


def test_it_counts_exits_before_the_planned_exit_date_and_in_all(data, project_a):
    # E3 left on its planned exit date and N1 after it: neither is early.
    exits = figures.exits_by_reason(project_a, PROJECT_PERIOD)
    assert [(e.code, e.early, e.total) for e in exits] == [
        ("completed_period", 0, 1),
        ("work", 1, 1),
        ("studies", 0, 1),
        ("work_training", 1, 1),
        ("health", 1, 1),
    ]
    destinations = figures.destinations(project_a, PROJECT_PERIOD)
    assert [(d.code, d.early, d.total) for d in destinations] == [
        ("work_unsubsidised", 1, 1),
        ("work_subsidised", 0, 1),
        ("studies", 0, 1),
        ("other_programme", 1, 1),
        ("none", 1, 1),
    ]


def test_it_counts_the_follow_ups_of_the_periods_exits(data, project_a):
    result = figures.follow_ups(project_a, PROJECT_PERIOD)
    assert [(r.income_source, r.self_sufficient, r.not_self_sufficient) for r in result.rows] == [
        ("activity_support", 1, 0),
        ("sickness_compensation", 0, 1),
        ("salary", 1, 0),
    ]
    assert (result.self_sufficient, result.not_self_sufficient, result.done) == (2, 1, 3)
    assert result.not_done == 2
    # Only the exits of the period: E1 exited 2026-12-15, the rest in 2027.
    only_2026 = figures.follow_ups(project_a, Period(date(2026, 1, 1), date(2026, 12, 31)))
    assert (only_2026.done, only_2026.not_done) == (1, 0)


def test_it_lists_the_starts_with_their_started_participants(data, project_a):
    starts = figures.cohort_starts(project_a, PROJECT_PERIOD)
    assert [(c.start_date, c.municipality.name, c.started) for c in starts] == [
        (date(2026, 3, 2), "Ekeby", 5),  # W1 withdrew consent
        (date(2026, 9, 7), "Norrvik", 3),  # A1 never started
    ]


def test_it_counts_new_active_and_exited_per_half_year(data, project_a):
    h2_2026 = figures.flow(project_a, Period.half_year(2026, 2))
    # New: N1 N2 N3 (Norrvik start). Active: everyone started by 2026-12-31 and not exited
    # before 2026-07-01: E1–E5, R1, N1–N3. Exited: E1 (2026-12-15).
    assert h2_2026.new == ByGender(women=1, men=2, other=0)
    assert h2_2026.active == ByGender(women=4, men=4, other=1)
    assert h2_2026.exited == ByGender(women=1, men=0, other=0)
    h1_2027 = figures.flow(project_a, Period.half_year(2027, 1))
    # Exited: E2 (Feb), E3 (Mar), N2 (Jun). Active: all but E1.
    assert h1_2027.new == ByGender()
    assert h1_2027.active == ByGender(women=3, men=4, other=1)
    assert h1_2027.exited == ByGender(women=1, men=2, other=0)


def test_it_hides_small_counts_from_the_projects_threshold(data, project_a, settings):
    with translation.override("sv"):
        shown = participants_table(project_a, PROJECT_PERIOD, SmallCells(hide=False))
        assert [[text for _c, text in cells] for _r, cells in shown.display_rows] == [
            ["2", "2", "1", "5"],
            ["2", "2", "0", "4"],
            ["4", "4", "1", "9"],
        ]
        settings.FOKUS_MIN_GROUP_SIZE = 3
        ReportSettings.objects.create(project=project_a, small_cell_threshold=3)
        small = SmallCells.of(project_a)
        hidden = participants_table(project_a, PROJECT_PERIOD, small)
        # The other's 1 is the one unknown of the totals row: the next-smallest there (a 4)
        # is hidden with it.
        assert [[text for _c, text in cells] for _r, cells in hidden.display_rows] == [
            ["x", "x", "x", "5"],
            ["x", "x", "0", "4"],
            ["x", "4", "x", "9"],
        ]
        assert hidden.export_rows()[0] == ["Ekeby", "x", "x", "x", 5]
        steps = steps_table(figures.steps(figures.started_in(project_a, PROJECT_PERIOD)), small)
        # Means over 3 or more stay; the count on steps 4–6 (2) and its share are hidden, and
        # with it the 3 rated at exit, which with Norrvik's 2 makes the total's 5.
        assert [text for _c, text in steps.display_rows[0][1]] == [
            "1,4",
            "–",
            "5",
            "5",
            "x",
            "x",
            "–",
        ]


@pytest.fixture
def many(project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc):
    """many(n) → n more participants with ratings, exits and follow-ups."""
    builder = Builder(project_a, coordinator, {"AF": agency_af, "FK": agency_fk, "SOC": agency_soc})
    cohort = Cohort.objects.create(
        project=project_a, municipality=municipality_a, start_date=date(2026, 4, 1)
    )

    def make(n: int) -> None:
        for i in range(n):
            exited = i % 2 == 0
            builder.participant(
                agency=("AF", "FK", "SOC")[i % 3],
                home=(municipality_a, municipality_a2)[i % 2],
                gender=("woman", "man", "")[i % 3],
                cohort=cohort if i % 4 else None,
                enrolled_on=date(2026, 4, 1),
                ratings=[("enrolment", 1 + i % 3)] + ([("exit", 4)] if exited else []),
                exited_on=date(2026, 11, 1) if exited else None,
                reason="work" if exited else "",
                destination="studies" if exited else "",
                follow_up=(True, "salary") if exited and i % 4 == 0 else None,
            )

    return make


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_it_costs_the_same_queries_for_4_and_20_participants(data, many, project_a, persona_client):
    client = persona_client("federation_staff")
    urls = [
        f"/projects/{project_a.pk}/reports/final/",
        f"/projects/{project_a.pk}/reports/interim/2026/2/",
    ]
    many(4)
    before = [_count_queries(client, url) for url in urls]
    many(16)
    assert Enrolment.objects.filter(project=project_a).count() == 11 + 20
    after = [_count_queries(client, url) for url in urls]
    assert after == before


def test_it_lists_the_half_years_since_the_project_start(project_a):
    def halves(today):
        return [(year, half) for year, half, _period in half_years(project_a, today)]

    assert halves(date(2025, 6, 1)) == [(2026, 1)]  # not started: the first one
    assert halves(date(2026, 7, 1)) == [(2026, 1), (2026, 2)]
    assert halves(date(2030, 1, 1)) == [(2026, 1), (2026, 2), (2027, 1), (2027, 2)]
    assert Period.half_year(2026, 2) == Period(date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        Period.half_year(2026, 3)

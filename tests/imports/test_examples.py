"""The example files of docs/import-examples/ imported into a project with history: the final
report then counts what the files say. Every expected figure is counted here from the CSV
files with the csv module, by the rules of `reports.figures` and `stepladder.stats` (their
docstrings), not taken from a run of the code under test. Re-importing every file changes
nothing, and the Excel file of the participants reads as its CSV twin."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from cohorts.models import Cohort
from imports import services
from imports.outcomes import Outcome
from participants.models import Enrolment, FollowUp
from referrals.models import Referral
from reports import figures
from reports.figures import Period
from reports.project_reports import final_report_context
from stepladder.models import Rating
from surveys.models import Answer, Response
from tests.imports.examples import (
    day,
    example_bytes,
    example_rows,
    import_example,
    import_examples,
)

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2020, 1, 1), date(2022, 12, 31))  # the history_project's run
# The agency of each kind in the history_project's federation (tests/imports/conftest.py);
# social services of every municipality are Ekeby's, the only one the federation has.
AGENCY = {
    "af": "Arbetsförmedlingen",
    "fk": "Försäkringskassan",
    "social_services": "Ekeby socialtjänst",
    "region": "Region A",
}
NO_HANDOVER = {"died", "registered_in_error"}  # their destination is not kept


def in_period(day: date | None) -> bool:
    return day is not None and PERIOD.start <= day <= PERIOD.end


def gender_of(row: dict) -> str:
    return row["gender"] if row["gender"] in ("woman", "man") else "other"


def planned_exit(row: dict) -> date:
    """The file's planned exit, or the start plus the start's 12 months (no row starts on
    29 February, so plus twelve months is the same day a year later)."""
    if row["planned_exit_on"]:
        return date.fromisoformat(row["planned_exit_on"])
    enrolled = date.fromisoformat(row["enrolled_on"])
    return enrolled.replace(year=enrolled.year + 1)


def one_decimal(total: int, n: int) -> Decimal | None:
    if not n:
        return None
    return (Decimal(total) / Decimal(n)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@pytest.fixture
def participants():
    return example_rows("participants.csv")


@pytest.fixture
def started(participants):
    """The participations the final report counts: started in the period."""
    return [p for p in participants if in_period(day(p["enrolled_on"]))]


@pytest.fixture
def imported(history_project, history_coordinator):
    return import_examples(history_project, history_coordinator)


def test_every_example_row_is_imported(imported, history_project, participants):
    ratings, responses = example_rows("ratings.csv"), example_rows("responses.csv")
    assert imported["participants"].result["new"] == len(participants) == 64
    assert imported["ratings"].result["new"] == len(ratings)
    assert imported["responses"].result["new"] == len(responses)
    assert all(batch.result["error"] == 0 for batch in imported.values())
    assert Referral.objects.filter(project=history_project).count() == len(participants)
    assert Rating.objects.filter(enrolment__project=history_project).count() == len(ratings)
    assert Response.objects.filter(survey__project=history_project).count() == len(responses)
    # One start per (municipality, cohort_start) of the file.
    starts = {(p["municipality"], p["cohort_start"]) for p in participants}
    assert {
        (c.municipality.name, c.start_date.isoformat())
        for c in Cohort.objects.filter(project=history_project)
    } == starts
    # A few participations still run, one was accepted and never started.
    assert Enrolment.objects.filter(project=history_project, status="active").count() == sum(
        1 for p in participants if p["enrolled_on"] and not p["exited_on"]
    )
    assert Enrolment.objects.filter(project=history_project, status="accepted").count() == sum(
        1 for p in participants if not p["enrolled_on"]
    )
    # Every exit is long past: no follow-up is planned for any of them.
    assert not FollowUp.objects.filter(enrolment__project=history_project).exists()


def test_participants_by_municipality_and_gender(imported, history_project, started):
    expected: dict[str, Counter] = defaultdict(Counter)
    for p in started:
        expected[p["municipality"]][gender_of(p)] += 1
    rows = figures.participants_by_municipality(history_project, PERIOD)
    assert {r.municipality: (r.counts.women, r.counts.men, r.counts.other) for r in rows} == {
        m: (c["woman"], c["man"], c["other"]) for m, c in expected.items()
    }
    # By name, Älmhult last (Ä sorts after the other letters).
    assert [r.municipality for r in rows] == ["Ekeby", "Norrvik", "Älmhult"]
    assert sum(r.counts.total for r in rows) == len(started) == 63


def test_referrals_in_the_period(imported, history_project, participants):
    # A referral counts by its submission date: the first starts' referrals of December 2019
    # are before the project's period.
    expected = Counter(
        (AGENCY[p["referring_agency_kind"]], p["municipality"])
        for p in participants
        if in_period(day(p["referred_on"]))
    )
    table = figures.referrals_by_agency(history_project, PERIOD)
    agencies, municipalities = dict(table.rows), dict(table.columns)
    assert {(agencies[a], municipalities[m]): n for (a, m), n in table.cells.items()} == dict(
        expected
    )
    assert table.total == sum(expected.values())
    assert table.total < len(participants)  # some were referred in 2019


def test_exits_early_exits_and_destinations(imported, history_project, participants):
    exits = [p for p in participants if in_period(day(p["exited_on"]))]
    early = [p for p in exits if date.fromisoformat(p["exited_on"]) < planned_exit(p)]
    by_reason = figures.exits_by_reason(history_project, PERIOD)
    assert {e.code: (e.early, e.total) for e in by_reason} == {
        reason: (
            sum(1 for p in early if p["exit_reason"] == reason),
            sum(1 for p in exits if p["exit_reason"] == reason),
        )
        for reason in {p["exit_reason"] for p in exits}
    }
    assert sum(e.total for e in by_reason) == len(exits)
    assert sum(e.early for e in by_reason) == len(early)
    # The participation extended to 15 months left early at 13 (P-025); those who completed
    # the period left on or after the planned date, so never early.
    assert "P-025" in {p["external_id"] for p in early}
    assert next(e for e in by_reason if e.code == "completed_period").early == 0

    def destination(p):
        return "" if p["exit_reason"] in NO_HANDOVER else p["destination"]

    assert {d.code: (d.early, d.total) for d in figures.destinations(history_project, PERIOD)} == {
        code: (
            sum(1 for p in early if destination(p) == code),
            sum(1 for p in exits if destination(p) == code),
        )
        for code in {destination(p) for p in exits}
    }
    # Exits after the project's end are not the period's.
    assert len(exits) < sum(1 for p in participants if p["exited_on"])
    assert figures.follow_ups(history_project, PERIOD).done == 0
    assert figures.follow_ups(history_project, PERIOD).not_done == 0


def test_cohort_starts(imported, history_project, participants):
    expected = Counter(
        (p["municipality"], date.fromisoformat(p["cohort_start"]))
        for p in participants
        if p["enrolled_on"]
    )
    starts = figures.cohort_starts(history_project, PERIOD)
    assert {(c.municipality.name, c.start_date): c.started for c in starts} == dict(expected)


def _steps_by_participant(started) -> dict[str, dict]:
    """Each participation's first, latest and exit step, as `stepladder.stats` defines them:
    first = the enrolment rating (else the earliest), latest = the latest by date (the files
    have one rating per participant and day), exit = the exit rating."""
    ids = {p["external_id"]: p for p in started}
    ratings = defaultdict(list)
    for r in example_rows("ratings.csv"):
        if r["participant_external_id"] in ids:
            ratings[r["participant_external_id"]].append(r)
    steps = {}
    for pid in ids:
        rows = sorted(ratings.get(pid, []), key=lambda r: r["rated_on"])
        if not rows:
            steps[pid] = {"first": None, "latest": None, "exit": None, "count": 0}
            continue
        enrolment = [r for r in rows if r["kind"] == "enrolment"]
        exit_rating = [r for r in rows if r["kind"] == "exit"]
        steps[pid] = {
            "first": int((enrolment or rows)[0]["step"]),
            "latest": int(rows[-1]["step"]),
            "exit": int(exit_rating[-1]["step"]) if exit_rating else None,
            "count": len(rows),
        }
    return steps


def test_step_figures(imported, history_project, started):
    steps = _steps_by_participant(started)
    context = final_report_context(history_project, PERIOD)
    statistics = context["stats"]

    def figures_of(people):
        s = [steps[p["external_id"]] for p in people]
        firsts = [x["first"] for x in s if x["first"] is not None]
        exits = [x["exit"] for x in s if x["exit"] is not None]
        twice = [x for x in s if x["count"] >= 2]
        return {
            "participants": len(s),
            "mean_at_enrolment": one_decimal(sum(firsts), len(firsts)),
            "n_at_enrolment": len(firsts),
            "mean_at_exit": one_decimal(sum(exits), len(exits)),
            "n_at_exit": len(exits),
            "high_at_exit": sum(1 for e in exits if 4 <= e <= 6),
            "movement": (
                sum(1 for x in twice if x["latest"] > x["first"]),
                sum(1 for x in twice if x["latest"] == x["first"]),
                sum(1 for x in twice if x["latest"] < x["first"]),
            ),
        }

    def as_found(f):
        return {
            "participants": f.participants,
            "mean_at_enrolment": f.mean_at_enrolment,
            "n_at_enrolment": f.n_at_enrolment,
            "mean_at_exit": f.mean_at_exit,
            "n_at_exit": f.n_at_exit,
            "high_at_exit": f.share_high_at_exit.count,
            "movement": (f.movement.forward, f.movement.same, f.movement.back),
        }

    by_municipality = defaultdict(list)
    for p in started:
        by_municipality[p["municipality"]].append(p)
    assert {f.municipality: as_found(f) for f in statistics.municipalities} == {
        m: figures_of(people) for m, people in by_municipality.items()
    }
    assert as_found(statistics.total) == figures_of(started)
    latest = Counter(s["latest"] for s in steps.values())
    assert statistics.not_rated == latest.pop(None) == 3
    assert {c.number: c.count for c in statistics.distribution} == {
        n: latest.get(n, 0) for n in range(1, 7)
    }
    # The final report's step table shows the same total row.
    total_row = context["tables"]["steps"].rows[-1]
    total = figures_of(started)
    assert total_row.is_total
    assert [c.value for c in total_row.cells] == [
        total["mean_at_enrolment"],
        total["mean_at_exit"],
        total["participants"],
        total["n_at_enrolment"],
        total["n_at_exit"],
        total["high_at_exit"],
        statistics.total.share_high_at_exit.percent,
    ]


def test_survey_response_counts(imported, history_project):
    responses = example_rows("responses.csv")
    answered = [r for r in responses if in_period(day(r["answered_on"]))]
    [section] = final_report_context(history_project, PERIOD)["surveys"]
    results = section.results
    assert results.survey.name == "Samverkan"
    assert results.responses == len(answered) == 22  # two answered in January 2023
    by_position = {q.question.position: q for q in results.questions}
    for number in range(1, 10):
        assert by_position[number].answered == sum(1 for r in answered if r[str(number)]), number
    # The first question's options, written by number in some rows and by text in others.
    options = ["Varje vecka", "Någon gång i månaden", "Varannan månad", "Mer sällan"]
    options.append("Några enstaka gånger")
    chosen = Counter(options[int(v) - 1] if v.isdigit() else v for v in (r["1"] for r in answered))
    assert {o.text: o.count for o in by_position[1].options} == {o: chosen[o] for o in options}
    # The scale question 6 ("the project as a whole"): its values 1–4.
    values = Counter(int(r["6"]) for r in answered if r["6"])
    assert {o.value: o.count for o in by_position[6].options if o.value} == {
        v: values[v] for v in range(1, 5)
    }
    # An empty cell is a question not answered: no Answer row for it.
    empty_cells = sum(1 for r in responses for n in range(1, 10) if not r[str(n)])
    assert Answer.objects.filter(response__survey=results.survey).count() == (
        9 * len(responses) - empty_cells
    )


def test_reimporting_every_example_file_changes_nothing(
    imported, history_project, history_coordinator
):
    for kind, name in [
        ("participants", "participants.csv"),
        ("participants", "participants.xlsx"),
        ("ratings", "ratings.csv"),
        ("responses", "responses.csv"),
    ]:
        result = services.check_file(
            kind=kind,
            project=history_project,
            actor=history_coordinator,
            file_name=name,
            content=example_bytes(name),
        )
        assert result.counts() == {
            "new": 0,
            "updated": 0,
            "unchanged": len(result.rows),
            "error": 0,
        }, (name, [r.line() for r in result.rows if r.outcome != Outcome.UNCHANGED][:5])
    counts_before = (
        Referral.objects.count(),
        Enrolment.objects.count(),
        Rating.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Cohort.objects.count(),
    )
    batch = import_example(history_project, history_coordinator, "ratings", "ratings.csv")
    assert batch.result["unchanged"] == len(example_rows("ratings.csv"))
    batch = import_example(history_project, history_coordinator, "participants", "participants.csv")
    assert batch.result["unchanged"] == 64
    assert counts_before == (
        Referral.objects.count(),
        Enrolment.objects.count(),
        Rating.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        Cohort.objects.count(),
    )


def test_the_excel_file_previews_as_the_csv_file(history_project, history_coordinator):
    def preview(name):
        return services.check_file(
            kind="participants",
            project=history_project,
            actor=history_coordinator,
            file_name=name,
            content=example_bytes(name),
        ).as_json()

    from_csv = preview("participants.csv")
    assert from_csv["counts"] == {"new": 64, "updated": 0, "unchanged": 0, "error": 0}
    assert preview("participants.xlsx") == from_csv
    # And so does the Excel file imported: the same participations, the CSV then unchanged.
    import_example(history_project, history_coordinator, "participants", "participants.xlsx")
    assert preview("participants.csv")["counts"]["unchanged"] == 64

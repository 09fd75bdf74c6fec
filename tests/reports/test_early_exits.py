"""Early exits ("Avslut före insatsens slut") in the final report: exits before the
participation's own planned exit date, not before the project's end (2027-12-31), with their
reasons as counts and shares of the early exits — in the figures, on the page and in the PDF,
small counts hidden as the rest of the table."""

import re
from datetime import date

import pytest

from participants.models import Enrolment
from reports import figures
from reports.figures import Period
from reports.final_tables import exits_table
from reports.smallcells import SmallCells
from tests.reports.project_dataset import Builder
from tests.reports.test_final_report import final_url, pdf_text, sv

pytestmark = pytest.mark.django_db

ENROLLED = date(2026, 2, 1)
PLANNED = date(2027, 2, 1)  # the default planned exit date below

# (reason, exit date, planned exit date, early?) — every participation enrolled 2026-02-01.
EXITS = [
    ("health", date(2026, 6, 1), PLANNED, True),
    ("health", date(2026, 7, 1), PLANNED, True),
    # On the project's last day, but before its own planned date (after the project): early.
    ("health", date(2027, 12, 31), date(2028, 1, 15), True),
    ("work", date(2026, 9, 1), PLANNED, True),
    ("work", date(2026, 9, 2), PLANNED, True),
    ("studies", date(2026, 10, 1), PLANNED, True),
    ("studies", date(2026, 10, 2), PLANNED, True),
    ("moved", date(2026, 11, 1), PLANNED, True),
    # Not early: on the planned date, after it (though long before the project's end), or
    # without a planned date.
    ("work", PLANNED, PLANNED, False),
    ("completed_period", date(2027, 3, 15), PLANNED, False),
    ("moved", date(2027, 6, 1), PLANNED, False),
    ("health", date(2026, 5, 1), None, False),
]
# Early of all, per reason, in the order of the reasons; 8 early exits of 12.
BY_REASON = [
    ("completed_period", 0, 1),
    ("work", 2, 3),
    ("studies", 2, 2),
    ("health", 3, 4),
    ("moved", 1, 2),
]


@pytest.fixture
def exits(project_a, coordinator, municipality_a, agency_af, agency_fk, agency_soc):
    assert project_a.end_date == date(2027, 12, 31)
    builder = Builder(project_a, coordinator, {"AF": agency_af, "FK": agency_fk, "SOC": agency_soc})
    made = []
    for reason, exited_on, planned, _early in EXITS:
        enrolment = builder.participant(
            agency="AF",
            home=municipality_a,
            gender="woman",
            cohort=None,
            enrolled_on=ENROLLED,
            exited_on=exited_on,
            reason=reason,
        )
        Enrolment.objects.filter(pk=enrolment.pk).update(planned_exit_on=planned)
        made.append(enrolment)
    # An active participation with a planned date long gone is no exit at all.
    builder.participant(
        agency="FK", home=municipality_a, gender="man", cohort=None, enrolled_on=ENROLLED
    )
    return made


def test_it_counts_only_exits_before_their_own_planned_date_as_early(exits, project_a):
    counts = figures.exits_by_reason(project_a, Period.of_project(project_a))
    assert [(c.code, c.early, c.total) for c in counts] == BY_REASON
    assert sum(c.early for c in counts) == sum(early for *_x, early in EXITS) == 8


def test_the_project_end_date_plays_no_part(exits, project_a):
    # Were the project to end earlier, the figures for the same period would not change.
    period = Period.of_project(project_a)
    project_a.end_date = date(2026, 8, 1)
    counts = figures.exits_by_reason(project_a, period)
    assert [(c.code, c.early, c.total) for c in counts] == BY_REASON


def test_it_gives_the_reasons_of_the_early_exits_with_their_shares(exits, project_a):
    table = exits_table(project_a, Period.of_project(project_a), SmallCells(hide=False))
    shown = [(row.label, [text for _cell, text in cells]) for row, cells in table.display_rows]
    assert [texts for _label, texts in shown] == [
        ["0", "0,0 %", "1"],
        ["2", "25,0 %", "3"],
        ["2", "25,0 %", "2"],
        ["3", "37,5 %", "4"],
        ["1", "12,5 %", "2"],
        ["8", "100,0 %", "12"],
    ]


def _rows(html: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    ]


def test_the_report_shows_the_early_exits_and_their_reasons(
    exits, as_counted, project_a, persona_client
):
    client = persona_client("federation_staff")
    total = sv("Total")
    rows = _rows(client.get(final_url(project_a)).content.decode())
    for line in [
        f"{sv('Completed the period')} 0 0,0 % 1",
        f"{sv('Work')} 2 25,0 % 3",
        f"{sv('Studies')} 2 25,0 % 2",
        f"{sv('Could not continue for health reasons')} 3 37,5 % 4",
        f"{sv('Moved')} 1 12,5 % 2",
        f"{total} 8 100,0 % 12",
        # The destinations' early exits are counted the same way.
        f"{sv('No destination recorded')} 8 12",
    ]:
        assert line in rows, f"{line!r} not in {rows}"

    response = client.get(final_url(project_a, "reports:final-report-pdf"))
    assert response.status_code == 200
    text = pdf_text(response.content)
    for line in [
        f"{sv('Work')} 2 25,0 % 3",
        f"{sv('Studies')} 2 25,0 % 2",
        "3 37,5 % 4",  # health, whose long label may wrap in the PDF's table
        f"{sv('Moved')} 1 12,5 % 2",
        f"{total} 8 100,0 % 12",
    ]:
        assert line in text, f"{line!r} not in {text}"


def test_small_counts_and_their_shares_are_hidden(exits, project_a):
    # From 2 (below the floor, for the test): the 1s are hidden — also those not shown as a
    # cell, the exits that were not early (all − early) — then the counts that would give
    # them back, and the share of every hidden count; the others' shares are shown.
    table = exits_table(project_a, Period.of_project(project_a), SmallCells(threshold=2))
    shown = [[text for _cell, text in cells] for _row, cells in table.display_rows]
    assert shown == [
        ["0", "0,0 %", "x"],  # completed period: 1 exit, not early
        ["x", "–", "3"],  # work: its 2 would give the hidden 1 of "moved" back
        ["x", "–", "x"],  # studies
        ["x", "–", "4"],  # health: 3 early would give its 1 not early away
        ["x", "–", "2"],  # moved: 1 early
        ["8", "100,0 %", "12"],
    ]


def test_the_report_hides_as_its_other_tables_do(exits, project_a, persona_client):
    # No settings: from 5. Every reason's count is small, and so is the number of exits
    # that were not early (4), which hides the 8 early ones too; then no share is shown.
    text = pdf_text(
        persona_client("federation_staff")
        .get(final_url(project_a, "reports:final-report-pdf"))
        .content
    )
    for line in [
        f"{sv('Completed the period')} 0 – x",
        f"{sv('Work')} x – x",
        f"{sv('Moved')} x – x",
        f"{sv('Total')} x – 12",
    ]:
        assert line in text, f"{line!r} not in {text}"
    assert "37,5 %" not in text and "25,0 %" not in text


def test_no_share_is_shown_when_the_early_total_is_hidden(exits, project_a):
    # Up to 2026-08-31: two early exits (health) and one without a planned date.
    period = Period(date(2026, 1, 1), date(2026, 8, 31))
    table = exits_table(project_a, period, SmallCells())
    shown = [[text for _cell, text in cells] for _row, cells in table.display_rows]
    assert shown == [["x", "–", "x"], ["x", "–", "x"]]

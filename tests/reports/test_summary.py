"""The förbund's summary across projects (`reports.summary`, reports:federation-summary and its
PDF and CSV/XLSX), on a constructed dataset whose every cell is worked out by hand below.
The PDF's text is read back with pdftotext (poppler-utils, see `make system-deps`)."""

import csv
import io
import itertools
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from fokus.models import AccessAction, AccessLogEntry, Municipality, Project
from participants.models import Enrolment
from referrals.models import Gender, ReferralStatus
from reports.models import ReportSettings
from reports.summary import Counts, Period, federation_summary, signed
from stepladder.models import Ladder, Rating, RatingKind, Step
from tests.conftest import test_personnummer

ACTIVE, EXITED = Enrolment.Status.ACTIVE, Enrolment.Status.EXITED
WITHDRAWN, ACCEPTED = Enrolment.Status.CONSENT_WITHDRAWN, Enrolment.Status.ACCEPTED
W, M, X = Gender.WOMAN, Gender.MAN, Gender.OTHER  # X: other / does not want to say
D = date
PERIOD = {"from": "2026-01-01", "to": "2026-06-30"}
SUMMARY_URL = reverse("reports:federation-summary")
PDF_URL = reverse("reports:federation-summary-pdf")


@pytest.fixture(autouse=True)
def floor_of_3(settings):
    """The dataset below is worked out for projects' own thresholds from 3 up (the floor
    FOKUS_MIN_GROUP_SIZE is 5 unless set)."""
    settings.FOKUS_MIN_GROUP_SIZE = 3


def export_url(fmt: str) -> str:
    return reverse("reports:federation-summary-export", args=[fmt])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def participant(make_referral, coordinator):
    """participant(project, gender, enrolled_on, exited_on=None, steps=(first, latest),
    status=...) → a participation with a rating at enrolment and, given two steps, a later
    one. The status follows from exited_on unless given."""
    numbers = itertools.count()
    ladder = Ladder.objects.get(is_default=True)

    def make(project, gender, enrolled_on, exited_on=None, steps=(), *, status=None, **extra):
        n = next(numbers)
        birth = date(1970, 1, 1) + timedelta(days=n)
        referral = make_referral(
            project=project,
            cohort=None,
            gender=gender,
            name=f"Person {n}",
            personnummer=test_personnummer(f"{birth:%Y%m%d}"),
            status=ReferralStatus.ACCEPTED,
            **extra,
        )
        status = status or (EXITED if exited_on else ACTIVE)
        fields = {}
        if enrolled_on:
            fields = {
                "coordinator": coordinator,
                "enrolled_on": enrolled_on,
                "planned_exit_on": enrolled_on + timedelta(days=365),
            }
        if exited_on:
            fields |= {
                "exited_on": exited_on,
                "exit_reason": "completed_period",
                "receiving_party": "Arbetsförmedlingen",
                "exit_plan": "Praktik",
            }
        enrolment = Enrolment.objects.create(
            federation=project.federation,
            project=project,
            referral=referral,
            status=status,
            **fields,
        )
        for i, number in enumerate(steps):
            Rating.objects.create(
                enrolment=enrolment,
                rated_on=enrolled_on + timedelta(days=60 * i),
                kind=RatingKind.ENROLMENT if i == 0 else RatingKind.QUARTERLY,
                step=Step.objects.get(ladder=ladder, number=number),
                rated_by=coordinator,
            )
        return enrolment

    return make


@pytest.fixture
def project_c(fed_a):
    """A third project whose name a spreadsheet would take for a formula."""
    return Project.objects.create(
        federation=fed_a,
        name="=SUM(A1)",
        owner="Ekeby kommun",
        start_date=date(2026, 1, 1),
        end_date=date(2027, 12, 31),
    )


@pytest.fixture
def dataset(
    participant, project_a, project_a_other, project_c, project_b, agency_b, outsider, fed_b
):
    """Three projects of federation A; the period is 2026-01-01 – 2026-06-30. W woman,
    M man, X other / does not want to say.

    Thresholds: a project's own, never below the floor of 3 (`floor_of_3`). A hidden count
    is "x"; "x!" below marks one that is not small but hidden so that a small one cannot be
    worked out from a total (secondary suppression, see `reports.summary`).

    "Insats A" (no settings: threshold 3, the floor)
      new:        W 01-01 (first day), W 06-30 (last day), W 03-10 (exits 05-01), W 02-01,
                  M 04-01, M 05-05 (exits 06-30, last day), X 03-01
                  → women 4, men 2, all 7
      not new:    W 2025-12-31 (day before; exits 2026-01-01, first day: discharged),
                  M 07-01 (day after), M 2025-06-01 (exits 2025-12-31, day before),
                  W 2025-09-01 (exits 07-01, day after),
                  W 02-01 consent withdrawn, W accepted and never started: not counted at all
      discharged: W (05-01), W (01-01), M (06-30) → women 2, men 1, all 3
      active now: the four W/M/X new ones still active and M 07-01 → 6
      movement:   W 1→3 +2, W 2→4 +2, M 3→2 −1, X 1→2 +1, M(07-01) 1→3 +2; W 02-01 rated
                  once; the withdrawn one 1→6 not counted → n 5, sum 6, mean +1,2
      shown:      x! | x | 7 | x | x | x! | 6 | +1,2
    "Insats A2" (threshold 2, raised to the floor of 3)
      new:        W 06-15 → women 1, men 0, all 1
      discharged: M 2025-10-01 → 03-01, M 2025-10-02 → 06-30 → men 2, all 2
      active now: W 06-15, W 2025-05-01, X 2025-05-02 → 3
      movement:   W 06-15 3→2 −1, W 2025-05-01 2→2 0, X 2025-05-02 1→1 0 → n 3, mean −0,3
      shown:      x | 0 | x | 0 | x | x | x! | −0,3
    "=SUM(A1)" (threshold 5)
      new:        M 01-15 (active, 1→2) → men 1, all 1; active 1; movement n 1 (< 5)
      shown:      0 | x | x | 0 | 0 | 0 | x | –
    Totals (exact sums, threshold 5, the highest):
      new 5 / 3 / 9, discharged 2 / 3 / 5, active 10, movement n 9, sum 6 → +0,7
      shown:      5 | x | 9 | x | x | 5 | 10 | +0,7
    The secondary ones: new women's total 5 would give A2's 1 back (5 − 4 − 0), so A's 4 goes
    (the smallest above 0); discharged, all: 5 − 3 − 0 gives A2's 2, so A's 3 goes; active
    now: 10 − 6 − 3 gives =SUM(A1)'s 1, so A2's 3 goes (smaller than A's 6).
    Federation B's project has a participant new in the period: never in A's figures.
    """
    ReportSettings.objects.create(project=project_a_other, small_cell_threshold=2)
    ReportSettings.objects.create(project=project_c, small_cell_threshold=5)
    p, a = participant, project_a
    p(a, W, D(2026, 1, 1), steps=(1, 3))
    p(a, W, D(2026, 6, 30), steps=(2, 4))
    p(a, W, D(2026, 3, 10), D(2026, 5, 1))
    p(a, W, D(2026, 2, 1), steps=(1,))
    p(a, M, D(2026, 4, 1), steps=(3, 2))
    p(a, M, D(2026, 5, 5), D(2026, 6, 30))
    p(a, X, D(2026, 3, 1), steps=(1, 2))
    p(a, W, D(2025, 12, 31), D(2026, 1, 1))
    p(a, M, D(2026, 7, 1), steps=(1, 3))
    p(a, M, D(2025, 6, 1), D(2025, 12, 31))
    p(a, W, D(2025, 9, 1), D(2026, 7, 1))
    p(a, W, D(2026, 2, 1), steps=(1, 6), status=WITHDRAWN)
    p(a, W, None, status=ACCEPTED)
    b = project_a_other
    p(b, W, D(2026, 6, 15), steps=(3, 2))
    p(b, M, D(2025, 10, 1), D(2026, 3, 1))
    p(b, M, D(2025, 10, 2), D(2026, 6, 30))
    p(b, W, D(2025, 5, 1), steps=(2, 2))
    p(b, X, D(2025, 5, 2), steps=(1, 1))
    p(project_c, M, D(2026, 1, 15), steps=(1, 2))
    p(
        project_b,
        W,
        D(2026, 3, 1),
        steps=(1, 6),
        federation=fed_b,
        referring_agency=agency_b,
        officer=outsider,
        home_municipality=Municipality.objects.get(federation=fed_b),
    )


EXPECTED = {
    "Insats A": ["x", "x", "7", "x", "x", "x", "6", "+1,2"],
    "Insats A2": ["x", "0", "x", "0", "x", "x", "x", "\u22120,3"],
    "=SUM(A1)": ["0", "x", "x", "0", "0", "0", "x", "–"],
}
EXPECTED_TOTAL = ["5", "x", "9", "x", "x", "5", "10", "+0,7"]


def test_the_figures_are_what_a_person_counts_by_hand(dataset, fed_a):
    summary = federation_summary(fed_a.pk, Period(D(2026, 1, 1), D(2026, 6, 30)))
    by_name = {row.name: row for row in summary.rows}
    assert set(by_name) == set(EXPECTED)
    assert by_name["Insats A"].counts == Counts(
        new_women=4,
        new_men=2,
        new_all=7,
        exited_women=2,
        exited_men=1,
        exited_all=3,
        active=6,
        moved=5,
        movement_sum=6,
    )
    assert by_name["Insats A2"].counts == Counts(
        new_women=1, new_all=1, exited_men=2, exited_all=2, active=3, moved=3, movement_sum=-1
    )
    assert by_name["=SUM(A1)"].counts == Counts(
        new_men=1, new_all=1, active=1, moved=1, movement_sum=1
    )
    assert summary.total.counts == Counts(
        new_women=5,
        new_men=3,
        new_all=9,
        exited_women=2,
        exited_men=3,
        exited_all=5,
        active=10,
        moved=9,
        movement_sum=6,
    )
    assert {row.name: row.threshold for row in summary.rows} == {
        "Insats A": 3,
        "Insats A2": 3,
        "=SUM(A1)": 5,
    }
    assert summary.total.threshold == 5
    with translation.override("sv"):
        for name, expected in EXPECTED.items():
            row = by_name[name]
            assert [*row.cells, row.movement_display] == expected, name
        assert [*summary.total.cells, summary.total.movement_display] == EXPECTED_TOTAL
    assert by_name["Insats A"].mean_movement == Decimal("1.2")
    assert by_name["Insats A2"].mean_movement == Decimal("-0.3")
    assert by_name["=SUM(A1)"].mean_movement is None  # 1 participant behind it, threshold 5
    assert summary.total.mean_movement == Decimal("0.7")


def test_a_period_of_one_day_counts_that_day_only(dataset, fed_a):
    summary = federation_summary(fed_a.pk, Period(D(2026, 6, 30), D(2026, 6, 30)))
    a = next(row for row in summary.rows if row.name == "Insats A")
    # New: W 06-30. Discharged: M 06-30. "Active now" does not depend on the period.
    assert (a.counts.new_women, a.counts.new_all) == (1, 1)
    assert (a.counts.exited_men, a.counts.exited_all) == (1, 1)
    assert a.counts.active == 6


def test_signed_means_have_a_sign_and_one_decimal():
    with translation.override("sv"):
        assert signed(Decimal("1.2")) == "+1,2"
        assert signed(Decimal("-0.3")) == "\u22120,3"
        assert signed(Decimal("0.0")) == "0,0"
        assert signed(Decimal("-0.0")) == "0,0"


class _Tables(HTMLParser):
    """The text of every row of the summary table, cell by cell."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> dict[str, list[str]]:
    parser = _Tables()
    parser.feed(html)
    return {row[0]: row[1:] for row in parser.rows if len(row) == 9}


def test_the_page_shows_every_cell(dataset, federation_staff):
    response = client_for(federation_staff).get(SUMMARY_URL, PERIOD)
    assert response.status_code == 200
    rows = table_rows(response.content.decode())
    for name, expected in EXPECTED.items():
        assert rows[name] == expected, name
    assert rows.get("Totalt", rows.get("Total")) == EXPECTED_TOTAL
    assert "Insats B" not in response.content.decode()
    # The download links carry the period shown.
    assert f"{PDF_URL}?from=2026-01-01&amp;to=2026-06-30" in response.content.decode()


def test_the_period_defaults_to_the_year_to_date(dataset, federation_admin, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 6, 30))
    response = client_for(federation_admin).get(SUMMARY_URL)
    assert response.status_code == 200
    assert response.context["summary"].period == Period(D(2026, 1, 1), D(2026, 6, 30))
    # The same figures as the period given explicitly, and the fields show the dates used.
    assert table_rows(response.content.decode())["Insats A"] == EXPECTED["Insats A"]
    assert 'value="2026-01-01"' in response.content.decode()
    assert 'value="2026-06-30"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01"},
        {"to": "not a date"},
        {"from": "2026-07-01", "to": "2026-06-30"},
        {"from": "99999-01-01"},
    ],
)
@pytest.mark.parametrize("url", [SUMMARY_URL, PDF_URL, export_url("csv")])
def test_a_bad_period_is_400_with_a_message(dataset, federation_staff, url, query):
    response = client_for(federation_staff).get(url, query)
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors
    html = response.content.decode()
    assert 'id="form-errors"' in html
    # What was typed is kept.
    for value in query.values():
        assert f'value="{value}"' in html
    assert not AccessLogEntry.objects.filter(
        action__in=[AccessAction.PRINT, AccessAction.EXPORT]
    ).exists()


def test_a_period_that_ends_before_it_starts_says_so(dataset, federation_staff):
    query = {"from": "2026-07-01", "to": "2026-06-30"}
    response = client_for(federation_staff).get(SUMMARY_URL, query)
    assert response.status_code == 400
    assert "2026-07-01 – 2026-06-30" in " ".join(response.context["form"].non_field_errors())


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def test_the_pdf_shows_the_same_figures_and_is_logged(dataset, federation_staff, fed_a):
    response = client_for(federation_staff).get(PDF_URL, PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for name, expected in EXPECTED.items():
        assert " ".join([name, *expected]) in text, name
    assert " ".join(EXPECTED_TOTAL) in text
    assert "2026-01-01 – 2026-06-30" in text
    assert "Insats B" not in text
    entry = AccessLogEntry.objects.get(action=AccessAction.PRINT)
    assert entry.actor == federation_staff
    assert entry.federation_id == fed_a.pk
    assert "2026-01-01–2026-06-30" in entry.detail


def test_the_csv_holds_the_table_with_formulas_escaped(dataset, federation_staff):
    response = client_for(federation_staff).get(export_url("csv"), PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 1 + 3 + 1  # headers, three projects, totals
    by_name = {row[0]: row[1:] for row in rows[1:]}
    # The project named "=SUM(A1)" is text, not a formula; numbers use the decimal comma.
    assert by_name["'=SUM(A1)"] == ["0", "x", "x", "0", "0", "0", "x", "–"]
    assert by_name["Insats A"] == ["x", "x", "7", "x", "x", "x", "6", "1,2"]
    # A negative mean is a number, not a text a spreadsheet could take for a formula.
    assert by_name["Insats A2"] == ["x", "0", "x", "0", "x", "x", "x", "-0,3"]
    assert rows[-1][1:] == ["5", "x", "9", "x", "x", "5", "10", "0,7"]
    assert AccessLogEntry.objects.filter(action=AccessAction.EXPORT, detail__endswith="(csv)")


def test_the_xlsx_keeps_numbers_as_numbers(dataset, federation_admin):
    response = client_for(federation_admin).get(export_url("xlsx"), PERIOD)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_name = {row[0]: row[1:] for row in rows[1:]}
    assert by_name["'=SUM(A1)"][:3] == [0, "x", "x"]
    assert by_name["Insats A"][:7] == ["x", "x", 7, "x", "x", "x", 6]
    assert float(by_name["Insats A"][7]) == pytest.approx(1.2)
    assert float(by_name["Insats A2"][7]) == pytest.approx(-0.3)
    assert rows[-1][1:7] == [5, "x", 9, "x", "x", 5]
    assert AccessLogEntry.objects.filter(action=AccessAction.EXPORT, detail__endswith="(xlsx)")


@pytest.mark.parametrize("fmt", ["pdf", "json", "CSV", "xls"])
def test_an_unknown_export_format_is_404(federation_staff, fmt):
    assert client_for(federation_staff).get(export_url(fmt)).status_code == 404


def test_a_project_name_starting_with_plus_is_escaped_too(federation_staff, fed_a):
    Project.objects.create(
        federation=fed_a,
        name="+Insats",
        owner="Ekeby kommun",
        start_date=D(2026, 1, 1),
        end_date=D(2026, 12, 31),
    )
    response = client_for(federation_staff).get(export_url("csv"), PERIOD)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[0] for row in rows[1:-1]] == ["'+Insats"]


# --- Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("federation_staff", 200),
        ("federation_admin", 200),
        ("coordinator", 403),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("no_role_user", 403),
        # A coordinator of federation B is a coordinator: 403 as here.
        ("outsider", 403),
        # Federation B's admin sees B's summary only (tested below).
        ("outsider_admin", 200),
    ],
)
@pytest.mark.parametrize("url", [SUMMARY_URL, PDF_URL, export_url("csv"), export_url("xlsx")])
def test_access_per_persona(dataset, persona_client, persona, expected, url):
    assert persona_client(persona).get(url, PERIOD).status_code == expected


@pytest.mark.parametrize("url", [SUMMARY_URL, PDF_URL, export_url("csv")])
def test_anonymous_goes_to_the_login(persona_client, url):
    response = persona_client("anonymous").get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_federation_sees_its_own_summary_only(dataset, outsider_admin):
    response = client_for(outsider_admin).get(SUMMARY_URL, PERIOD)
    rows = table_rows(response.content.decode())
    # Federation B's project, with its one participant new in the period (x), and nothing of A.
    assert rows["Insats B"][:3] == ["x", "0", "x"]
    assert not {"Insats A", "Insats A2", "=SUM(A1)"} & set(rows)
    csv_text = client_for(outsider_admin).get(export_url("csv"), PERIOD).content.decode()
    assert "Insats A" not in csv_text


def test_an_empty_federation_has_an_empty_summary(outsider_admin):
    response = client_for(outsider_admin).get(SUMMARY_URL, PERIOD)
    assert response.status_code == 200
    assert response.context["summary"].rows == []


# --- Queries --------------------------------------------------------------------------------


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(SUMMARY_URL, PERIOD)
    assert response.status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_projects_or_participants(
    fed_a, participant, federation_staff
):
    client = client_for(federation_staff)

    def add_projects(count: int, participants: int, start: int) -> None:
        for i in range(start, start + count):
            project = Project.objects.create(
                federation=fed_a,
                name=f"Insats {i:02d}",
                owner="Ekeby kommun",
                start_date=D(2026, 1, 1),
                end_date=D(2027, 12, 31),
            )
            ReportSettings.objects.create(project=project, small_cell_threshold=2 + i % 3)
            for j in range(participants):
                exited = D(2026, 5, 1) if j % 2 else None
                participant(project, (W, M, X)[j % 3], D(2026, 2, 1), exited, steps=(1, 2))

    add_projects(2, 2, 0)
    two = _queries(client)
    add_projects(4, 5, 2)
    six = _queries(client)
    # Six projects, "Insats A" of the fixtures (without participants) and the totals.
    rows = table_rows(client.get(SUMMARY_URL, PERIOD).content.decode())
    assert len(rows) == 6 + 1 + 1
    assert six == two


def test_without_any_setting_the_floor_is_5(dataset, fed_a, settings):
    settings.FOKUS_MIN_GROUP_SIZE = 5
    summary = federation_summary(fed_a.pk, Period(D(2026, 1, 1), D(2026, 6, 30)))
    assert {row.threshold for row in summary.rows} == {5}
    a = next(row for row in summary.rows if row.name == "Insats A")
    # Women 4, men 2, all 7 (one other): every count below 5 is hidden.
    assert a.cells[:3] == ["x", "x", "7"]


def test_no_hidden_count_is_the_only_unknown_of_its_row_or_column(dataset, fed_a):
    summary = federation_summary(fed_a.pk, Period(D(2026, 1, 1), D(2026, 6, 30)))
    rows = [*summary.rows, summary.total]
    hidden = [[cell == "x" for cell in row.cells] for row in rows]
    for column in range(7):
        assert sum(row[column] for row in hidden) != 1, column

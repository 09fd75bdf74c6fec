"""The final report (slutrapport): its PDF checked figure by figure against the constructed
project of `tests.reports.project_dataset` (counted by hand in its docstring), small cells,
the narrative, the table exports and who may see what."""

import csv
import io
import re
import subprocess

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from fokus.models import AccessLogEntry, Municipality
from reports.models import ProjectReport, ReportSettings
from tests.conftest import PERSONAS
from tests.reports.project_dataset import Builder, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc):
    return build(
        project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc
    )


def sv(text: str) -> str:
    """A label as the Swedish PDF shows it (translated or not yet)."""
    with translation.override("sv"):
        return gettext(text)


def pdf_text(content: bytes) -> str:
    """The PDF's text, table rows kept on their lines (-layout), all whitespace made single
    spaces."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def final_url(project, name="reports:final-report", **query):
    url = reverse(name, args=[project.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def staff(persona_client):
    return persona_client("federation_staff")


@pytest.fixture
def narrative(project_a, coordinator):
    return ProjectReport.objects.create(
        project=project_a,
        kind="final",
        period_start=project_a.start_date,
        period_end=project_a.end_date,
        description="Insatsen stöder personer långt från arbetsmarknaden.",
        goals="Hälften går vidare till arbete eller studier.",
        reflection="Gruppen bar arbetet.",
        lessons="Överlämningen behöver en mottagare.",
        updated_by=coordinator,
    )


def test_it_prints_every_figure_as_counted_by_hand(data, as_counted, narrative, project_a, staff):
    response = staff.get(final_url(project_a, "reports:final-report-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="slutrapport-insats-a-2026-01-01-2027-12-31.pdf"'
    )
    text = pdf_text(response.content)
    total = sv("Total")
    expected = [
        # 1. The project and its narrative.
        "Insats A",
        "Ekeby kommun",
        "2026-01-01 – 2027-12-31",
        "Insatsen stöder personer långt från arbetsmarknaden.",
        "Hälften går vidare till arbete eller studier.",
        # 2. Participants per municipality: women, men, other, all.
        "Ekeby 2 2 1 5",
        "Norrvik 2 2 0 4",
        f"{total} 4 4 1 9",
        # 3. Referrals per agency: Ekeby, Norrvik, total.
        "Arbetsförmedlingen 4 2 6",
        "Ekeby socialtjänst 1 1 2",
        "Försäkringskassan 2 2 4",
        f"{total} 7 5 12",
        # 4. Steps: mean at enrolment, at exit, participants, rated at enrolment, at exit,
        # on steps 4–6 and its share.
        "Ekeby 1,4 4,0 5 5 3 2 66,7 %",
        "Norrvik 2,3 5,0 4 4 2 2 100,0 %",
        f"{total} 1,8 4,4 9 9 5 4 80,0 %",
        # 5. Exits: before the planned exit date with their share of those, all exits.
        f"{sv('Completed the period')} 0 0,0 % 1",
        f"{sv('Work')} 1 33,3 % 1",
        f"{sv('Studies')} 0 0,0 % 1",
        f"{total} 3 100,0 % 5",
        f"{sv('Subsidised work')} 0 1",
        f"{sv('Work without subsidy')} 1 1",
        f"{total} 3 5",
        # 6. Follow-ups: self-sufficient, not, all.
        f"{sv('Aktivitetsstöd')} 1 0 1",
        f"{sv('Sjuk-/aktivitetsersättning')} 0 1 1",
        f"{sv('Salary')} 1 0 1",
        f"{sv('Total, follow-ups done')} 2 1 3",
        f"{sv('Follow-ups not done yet')} 2",
        # 7. Starts: date, municipality, started, weeks, sessions, minutes, talks, months.
        "2026-03-02 Ekeby 5 12 1 180 2 12",
        "2026-09-07 Norrvik 3 8 2 150 3 9",
        # 8. The partner survey.
        "Samverkan",
        "75,0 % (3/4)",
        "Varje vecka 2 66,7 %",
        "Varje månad 0 0,0 %",
        "Mer sällan 1 33,3 %",
        "3,00",
        # 9. The narrative.
        "Gruppen bar arbetet.",
        "Överlämningen behöver en mottagare.",
    ]
    missing = [line for line in expected if line not in text]
    assert not missing, f"not in the PDF: {missing}\n\n{text}"
    # Aggregates only: no participant's name, no free-text survey answer.
    assert "Hemligsson" not in text
    assert "Hemlig kommentar" not in text
    entry = AccessLogEntry.objects.get(action="print")
    assert entry.object_id == str(project_a.pk)
    assert "2026-01-01" in entry.detail


def test_it_shows_the_same_figures_on_the_page(data, as_counted, project_a, staff):
    response = staff.get(final_url(project_a))
    assert response.status_code == 200
    html = response.content.decode()
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S)
    ]
    assert "Ekeby 1,4 4,0 5 5 3 2 66,7 %" in rows
    assert "Arbetsförmedlingen 4 2 6" in rows
    # Download links for every table; no edit link for federation staff.
    for table in ("participants-by-municipality", "referrals-by-agency", "steps", "cohort-starts"):
        assert f"/reports/final/tables/{table}.csv?from=2026-01-01&amp;to=2027-12-31" in html
    assert reverse("reports:final-report-edit", args=[project_a.pk]) not in html
    assert "Hemligsson" not in html


def test_it_narrows_the_figures_to_the_chosen_period(data, as_counted, project_a, staff):
    response = staff.get(
        final_url(
            project_a, "reports:final-report-pdf", **{"from": "2026-09-01", "to": "2026-12-31"}
        )
    )
    assert response.status_code == 200
    assert "slutrapport-insats-a-2026-09-01-2026-12-31.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    # Only the Norrvik start began in the period: N1 woman, N2 and N3 men.
    assert f"Norrvik 1 2 0 3 {sv('Total')} 1 2 0 3" in text
    assert "Ekeby 2 2 1 5" not in text


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2026-13-01"},
        {"to": "igår"},
        {"from": "2027-01-01", "to": "2026-01-01"},
    ],
)
@pytest.mark.parametrize("name", ["reports:final-report", "reports:final-report-pdf"])
def test_it_refuses_a_bad_period_with_a_message(data, project_a, staff, query, name):
    response = staff.get(final_url(project_a, name, **query))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'id="form-errors"' in response.content.decode()


def test_it_hides_small_counts_without_any_settings(data, project_a, staff):
    # No ReportSettings row: hidden all the same, from the floor of 5.
    assert not ReportSettings.objects.filter(project=project_a).exists()
    response = staff.get(final_url(project_a, "reports:final-report-pdf"))
    text = pdf_text(response.content)
    total = sv("Total")
    for line in [
        # Every gender count is small; Norrvik's 4 too, and then Ekeby's 5, since the total 9
        # would otherwise give Norrvik's 4 back.
        "Ekeby x x x x",
        "Norrvik x x 0 x",
        f"{total} x x x 9",
        # Referrals: 6 and 7 are shown; each row and column keeps two hidden or none.
        f"{total} 7 5 12",
        # The steps: the counts below 5 (and Ekeby's, which the totals would give back), and
        # the means and shares over them, are hidden.
        "Ekeby – – x x x x –",
        f"{total} 1,8 4,4 9 9 5 x –",
        "2026-09-07 Norrvik x 8 2 150 3 9",
        sv("Too few answers to show."),
    ]:
        assert line in text, f"{line!r} not in {text}"
    assert "Ekeby 2 2 1 5" not in text
    assert "75,0 % (3/4)" not in text  # the survey of 3 respondents is withheld
    note = sv(
        "To protect identities, counts of people below %(threshold)s are shown as "
        '"%(marker)s", and so are the counts from which such a count could be worked out '
        'with a total; a share or mean behind a hidden count is shown as "–".'
    )
    assert note.split("%(threshold)s")[0].strip() in text
    html = staff.get(final_url(project_a)).content.decode()
    assert '<td class="text-end text-nowrap">x</td>' in html


def test_a_projects_higher_threshold_hides_more(data, project_a, staff):
    ReportSettings.objects.create(project=project_a, small_cell_threshold=7)
    text = pdf_text(staff.get(final_url(project_a, "reports:final-report-pdf")).content)
    assert "Arbetsförmedlingen x x x" in text


# --- The narrative ---------------------------------------------------------------------------


def test_it_saves_the_narrative_written_by_a_coordinator(data, project_a, persona_client):
    client = persona_client("coordinator")
    url = reverse("reports:final-report-edit", args=[project_a.pk])
    response = client.get(url)
    assert response.status_code == 200
    response = client.post(
        url,
        {
            "description": "Beskrivning",
            "goals": "Målen",
            "reflection": "Reflektion",
            "lessons": " Lärdomar ",
        },
    )
    assert response.status_code == 302
    report = ProjectReport.objects.get(project=project_a, kind="final")
    assert (report.goals, report.lessons, report.period_start) == (
        "Målen",
        "Lärdomar",
        project_a.start_date,
    )
    # A second save changes the same narrative.
    client.post(url, {"description": "Ny", "goals": "", "reflection": "", "lessons": ""})
    assert ProjectReport.objects.get(project=project_a, kind="final").description == "Ny"
    page = client.get(final_url(project_a)).content.decode()
    assert "Ny" in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", 200),
        ("federation_admin", 200),
        ("federation_staff", 403),  # reads, does not write
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_it_lets_only_coordinators_and_admins_write_the_narrative(
    project_a, persona_client, persona, expected
):
    url = reverse("reports:final-report-edit", args=[project_a.pk])
    client = persona_client(persona)
    assert client.get(url).status_code == expected
    response = client.post(url, {"description": "x", "goals": "", "reflection": "", "lessons": ""})
    assert response.status_code == (302 if expected == 200 else expected)
    assert ProjectReport.objects.filter(project=project_a).exists() == (expected == 200)


# --- Access ----------------------------------------------------------------------------------

ACCESS = {
    "coordinator": 200,
    "federation_staff": 200,
    "federation_admin": 200,
    "case_officer_a": 403,
    "case_officer_b": 403,
    "case_group_member": 403,
    "no_role_user": 403,
    "outsider": 404,
    "outsider_admin": 404,
    "anonymous": 302,
}
assert set(ACCESS) == set(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "name",
    ["reports:project-reports", "reports:final-report", "reports:final-report-pdf"],
)
def test_it_shows_the_reports_only_to_coordinators_and_federation_staff(
    project_a, persona_client, persona, name
):
    response = persona_client(persona).get(reverse(name, args=[project_a.pk]))
    assert response.status_code == ACCESS[persona]
    if ACCESS[persona] == 302:
        assert "/accounts/login/" in response["Location"]


def test_it_hides_another_federations_project(project_b, persona_client):
    for name in ["reports:project-reports", "reports:final-report", "reports:final-report-pdf"]:
        assert (
            persona_client("federation_admin").get(reverse(name, args=[project_b.pk])).status_code
            == 404
        )
    url = reverse("reports:report-table-export", args=[project_b.pk, "final", "steps", "csv"])
    assert persona_client("federation_staff").get(url).status_code == 404


def test_it_refuses_writes_to_the_report_pages(project_a, persona_client):
    response = persona_client("coordinator").post(final_url(project_a))
    assert response.status_code == 405


# --- The index -------------------------------------------------------------------------------


def test_it_lists_the_reports_of_the_project(project_a, persona_client, monkeypatch):
    from datetime import date

    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: date(2027, 3, 10))
    html = (
        persona_client("federation_staff")
        .get(reverse("reports:project-reports", args=[project_a.pk]))
        .content.decode()
    )
    assert reverse("reports:final-report", args=[project_a.pk]) in html
    for year, half in [(2026, 1), (2026, 2), (2027, 1)]:
        assert reverse("reports:interim-report", args=[project_a.pk, year, half]) in html
    assert reverse("reports:interim-report", args=[project_a.pk, 2027, 2]) not in html
    assert reverse("reports:federation-summary") in html
    assert reverse("reports:final-report-edit", args=[project_a.pk]) not in html


# --- Table exports ---------------------------------------------------------------------------


def export_url(project, report, table, fmt, query=""):
    url = reverse("reports:report-table-export", args=[project.pk, report, table, fmt])
    return f"{url}?{query}" if query else url


def test_it_exports_a_table_as_csv_and_xlsx(data, as_counted, project_a, staff):
    response = staff.get(export_url(project_a, "final", "referrals-by-agency", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][1:] == ["Ekeby", "Norrvik", sv("Total")]
    assert rows[1] == ["Arbetsförmedlingen", "4", "2", "6"]
    assert rows[-1] == [sv("Total"), "7", "5", "12"]

    response = staff.get(export_url(project_a, "final", "steps", "xlsx"))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[1][:3] == ["Ekeby", 1.4, 4]  # numbers stay numbers
    assert AccessLogEntry.objects.filter(action="export").count() == 2


def test_it_exports_with_the_periods_small_cells(data, project_a, staff):
    response = staff.get(
        export_url(project_a, "final", "participants-by-municipality", "csv", "from=2026-01-01")
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == ["Ekeby", "x", "x", "x", "x"]
    assert rows[-1] == [sv("Total"), "x", "x", "x", "9"]


def test_it_escapes_formulas_in_exports(
    project_a, coordinator, fed_a, agency_af, agency_fk, agency_soc, staff
):
    evil = Municipality.objects.create(federation=fed_a, name="=Kommun")
    builder = Builder(project_a, coordinator, {"AF": agency_af, "FK": agency_fk, "SOC": agency_soc})
    from datetime import date

    builder.participant(
        agency="AF", home=evil, gender="woman", cohort=None, enrolled_on=date(2026, 2, 1)
    )
    response = staff.get(export_url(project_a, "final", "participants-by-municipality", "csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0] == "'=Kommun"
    response = staff.get(export_url(project_a, "final", "participants-by-municipality", "xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=1).value == "'=Kommun"


@pytest.mark.parametrize(
    "url_args",
    [
        ("final", "no-such-table", "csv"),
        ("final", "steps", "pdf"),
        ("summary", "steps", "csv"),
        ("interim", "referrals-by-agency", "csv"),
    ],
)
def test_it_does_not_export_an_unknown_table(project_a, staff, url_args):
    assert staff.get(export_url(project_a, *url_args, query="year=2026&half=1")).status_code == 404


def test_it_refuses_exports_to_others(project_a, persona_client):
    url = export_url(project_a, "final", "steps", "csv")
    assert persona_client("case_officer_a").get(url).status_code == 403
    assert persona_client("outsider_admin").get(url).status_code == 404
    assert persona_client("coordinator").get(url).status_code == 200

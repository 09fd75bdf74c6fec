"""The interim report (delårsrapport) of a half-year: the fixed headings with the narrative,
and the figures of the period — checked in the PDF's text on a dataset that straddles the
boundary between the two halves of 2026."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from fokus.models import AccessLogEntry
from reports.models import ProjectReport, ReportSettings
from tests.conftest import PERSONAS
from tests.reports.project_dataset import Builder
from tests.reports.test_final_report import ACCESS, pdf_text, sv

pytestmark = pytest.mark.django_db


@pytest.fixture
def boundary(
    project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc
):
    """Rolling intake around midsummer 2026 (no starts):

        P1 woman  Ekeby    enrolled 2026-06-30, step 2 at enrolment, active
        P2 man    Norrvik  enrolled 2026-07-01, step 4, active
        P3 (none) Ekeby    enrolled 2026-01-15, step 1 → 5, exited 2026-06-30 (work)
        P4 woman  Norrvik  enrolled 2026-02-01, step 3 → 2, exited 2026-07-01 (health)

    First half of 2026: new P1 P3 P4 (women 2, other 1), active the same three, exited P3.
    Second half: new P2 (man), active P1 P2 P4 (P3 left on 30 June), exited P4 (woman).
    Steps, first half: at enrolment Ekeby (2+1)/2 = 1,5, Norrvik 3,0, total 6/3 = 2,0; at exit
    (P3) Ekeby 5,0, on steps 4–6 1 of 1. Second half: at enrolment Norrvik 4,0 (P2); at exit
    Norrvik 2,0 (P4), 0 of 1 on steps 4–6."""
    b = Builder(project_a, coordinator, {"AF": agency_af, "FK": agency_fk, "SOC": agency_soc})
    ek, no = municipality_a, municipality_a2
    b.participant(
        agency="AF",
        home=ek,
        gender="woman",
        cohort=None,
        enrolled_on=date(2026, 6, 30),
        ratings=[("enrolment", 2)],
    )
    b.participant(
        agency="FK",
        home=no,
        gender="man",
        cohort=None,
        enrolled_on=date(2026, 7, 1),
        ratings=[("enrolment", 4)],
    )
    b.participant(
        agency="AF",
        home=ek,
        gender="",
        cohort=None,
        enrolled_on=date(2026, 1, 15),
        ratings=[("enrolment", 1), ("exit", 5)],
        exited_on=date(2026, 6, 30),
        reason="work",
        destination="studies",
    )
    b.participant(
        agency="SOC",
        home=no,
        gender="woman",
        cohort=None,
        enrolled_on=date(2026, 2, 1),
        ratings=[("enrolment", 3), ("exit", 2)],
        exited_on=date(2026, 7, 1),
        reason="health",
        destination="none",
    )


def interim_url(project, year, half, name="reports:interim-report"):
    return reverse(name, args=[project.pk, year, half])


@pytest.fixture
def staff(persona_client):
    return persona_client("federation_staff")


def test_it_counts_the_first_half_year(boundary, as_counted, project_a, staff):
    response = staff.get(interim_url(project_a, 2026, 1, "reports:interim-report-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="delarsrapport-insats-a-2026-1.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    total = sv("Total")
    for line in [
        "2026-01-01 – 2026-06-30",
        # New, active, exited: women, men, other, all.
        f"{sv('New (started in the period)')} 2 0 1 3",
        f"{sv('Active at some time in the period')} 2 0 1 3",
        f"{sv('Exited in the period')} 0 0 1 1",
        # Steps: at enrolment and n, at exit and n, on steps 4–6 and the share.
        "Ekeby 1,5 2 5,0 1 1 100,0 %",
        "Norrvik 3,0 1 – 0 0 –",
        f"{total} 2,0 3 5,0 1 1 100,0 %",
        # Exits by reason: women, men, other, all.
        f"{sv('Work')} 0 0 1 1",
    ]:
        assert line in text, f"{line!r} not in {text}"
    assert sv("Could not continue for health reasons") not in text
    assert AccessLogEntry.objects.filter(action="print", detail__contains="2026").exists()


def test_it_counts_the_second_half_year(boundary, as_counted, project_a, staff):
    text = pdf_text(
        staff.get(interim_url(project_a, 2026, 2, "reports:interim-report-pdf")).content
    )
    for line in [
        "2026-07-01 – 2026-12-31",
        f"{sv('New (started in the period)')} 0 1 0 1",
        f"{sv('Active at some time in the period')} 2 1 0 3",
        f"{sv('Exited in the period')} 1 0 0 1",
        "Norrvik 4,0 1 2,0 1 0 0,0 %",
        f"{sv('Could not continue for health reasons')} 1 0 0 1",
    ]:
        assert line in text, f"{line!r} not in {text}"


def test_it_shows_the_fixed_headings_and_the_narrative(boundary, project_a, persona_client):
    client = persona_client("coordinator")
    edit = interim_url(project_a, 2026, 1, "reports:interim-report-edit")
    assert client.get(edit).status_code == 200
    values = {
        "background": "Bakgrunden",
        "purpose": "Syftet",
        "goals": "Målen",
        "method": "Metoden",
        "results": "Resultaten",
        "success_factors": "Framgångarna",
        "intake_and_handover": "Intaget",
        "goals_met": "Ja",
    }
    response = client.post(edit, values)
    assert response.status_code == 302
    assert response["Location"] == interim_url(project_a, 2026, 1)
    report = ProjectReport.objects.get(project=project_a, kind="interim")
    assert (report.period_start, report.period_end) == (date(2026, 1, 1), date(2026, 6, 30))
    text = pdf_text(
        client.get(interim_url(project_a, 2026, 1, "reports:interim-report-pdf")).content
    )
    for heading in [
        "Background",
        "Purpose",
        "Goals",
        "Method and strategy",
        "Results",
        "Analysis",
        "Success factors and difficulties",
        "How do intake and hand-over work?",
        "Will the goals be met?",
    ]:
        assert sv(heading) in text
    for value in values.values():
        assert value in text
    # The next half-year has its own narrative, which starts from this one's background.
    other = client.get(interim_url(project_a, 2026, 2)).content.decode()
    assert "Framgångarna" not in other
    form = client.get(interim_url(project_a, 2026, 2, "reports:interim-report-edit"))
    assert "Bakgrunden" in form.content.decode()
    assert "Framgångarna" not in form.content.decode()


def test_it_hides_small_counts_in_the_interim_report_too(boundary, project_a, staff):
    # No settings: hidden from the floor of 5, the means over hidden counts too.
    text = pdf_text(
        staff.get(interim_url(project_a, 2026, 1, "reports:interim-report-pdf")).content
    )
    assert f"{sv('New (started in the period)')} x 0 x x" in text
    assert f"{sv('Total')} – x – x x –" in text


def test_a_threshold_of_3_hides_what_is_below_it(boundary, project_a, staff, settings):
    settings.FOKUS_MIN_GROUP_SIZE = 3
    ReportSettings.objects.create(project=project_a, small_cell_threshold=3)
    text = pdf_text(
        staff.get(interim_url(project_a, 2026, 1, "reports:interim-report-pdf")).content
    )
    assert f"{sv('New (started in the period)')} x 0 x 3" in text
    assert f"{sv('Total')} 2,0 3 – x x –" in text


@pytest.mark.parametrize(
    ("year", "half"),
    [(2026, 3), (2026, 0), (2025, 2), (2028, 1)],  # no such half; outside the project
)
def test_it_does_not_know_other_half_years(project_a, staff, year, half):
    for name in [
        "reports:interim-report",
        "reports:interim-report-pdf",
        "reports:interim-report-edit",
    ]:
        assert staff.get(interim_url(project_a, year, half, name)).status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", ["reports:interim-report", "reports:interim-report-pdf"])
def test_it_shows_the_interim_report_only_to_coordinators_and_staff(
    project_a, persona_client, persona, name
):
    response = persona_client(persona).get(interim_url(project_a, 2026, 2, name))
    assert response.status_code == ACCESS[persona]


def test_it_lets_only_coordinators_and_admins_write_it(project_a, persona_client):
    edit = interim_url(project_a, 2026, 2, "reports:interim-report-edit")
    assert persona_client("federation_admin").get(edit).status_code == 200
    assert persona_client("federation_staff").get(edit).status_code == 403
    assert persona_client("case_officer_a").post(edit, {"background": "x"}).status_code == 403
    assert persona_client("outsider").get(edit).status_code == 404
    assert not ProjectReport.objects.exists()


def test_it_hides_another_federations_interim_report(project_b, persona_client):
    url = interim_url(project_b, 2026, 1)
    assert persona_client("federation_admin").get(url).status_code == 404


def test_it_exports_the_interim_tables(boundary, as_counted, project_a, staff):
    url = reverse(
        "reports:report-table-export", args=[project_a.pk, "interim", "participants", "csv"]
    )
    response = staff.get(url + "?year=2026&half=2")
    assert response.status_code == 200
    assert "delarsrapport-insats-a-participants-2026-2.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1] == [sv("New (started in the period)"), "0", "1", "0", "1"]
    for query in ["", "?year=2026", "?year=x&half=1", "?year=2026&half=5"]:
        assert staff.get(url + query).status_code == 404

"""A coordinator brings history in through the browser: an XLSX with a misspelt municipality,
the preview with its error row, the corrected file, the import with its progress bar, and the
final report counting the imported participants — with axe on the import pages."""

import io
from datetime import date

import openpyxl
import pytest
from playwright.sync_api import expect

from fokus.models import Agency, AgencyKind, ImportBatch, Municipality, Project
from fokus.roles import Role
from referrals.models import Referral
from tests.browser.conftest import log_in
from tests.world import make_user, run_queued_jobs

pytestmark = pytest.mark.browser

HEADER = [
    "external_id",
    "municipality",
    "cohort_start",
    "referring_agency_kind",
    "gender",
    "birth_year",
    "enrolled_on",
    "exited_on",
    "exit_reason",
    "destination",
]


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def participants(municipality_of_the_last: str) -> bytes:
    # Dates as Excel date cells, as a spreadsheet has them.
    return xlsx(
        [
            ["S-1", "Ekeby", date(2020, 9, 1), "af", "woman", 1985, date(2020, 9, 7),
             date(2021, 3, 1), "work", "work_unsubsidised"],
            ["S-2", "Ekeby", date(2020, 9, 1), "fk", "man", 1979, date(2020, 9, 7),
             date(2021, 9, 7), "completed_period", "studies"],
            ["S-3", municipality_of_the_last, date(2020, 9, 1), "af", "woman", 1990,
             date(2020, 9, 8), date(2021, 1, 15), "health", ""],
        ]
    )  # fmt: skip


def upload_and_check(page, project, content: bytes) -> None:
    page.goto(f"/projects/{project.pk}/import/")
    # One form per kind on the page: the participants' one.
    section = page.get_by_role("region", name="Deltagare")
    section.get_by_label("Fil (CSV eller XLSX)").set_input_files(
        {
            "name": "deltagare.xlsx",
            "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "buffer": content,
        }
    )
    section.get_by_role("button", name="Kontrollera filen").click()
    page.wait_for_url("**/jobs/**")


def finish_job(page) -> None:
    """The worker runs the job while the page polls; the bar reaches 100 % and the page offers
    the way on."""
    run_queued_jobs()
    expect(page.locator("#job-status")).to_have_attribute("data-status", "succeeded")
    expect(page.locator("progress.job-progress")).to_have_attribute("value", "100")
    page.get_by_test_id("job-next").click()


def test_a_coordinator_imports_an_xlsx_and_sees_it_in_the_final_report(page, fed_a, axe_violations):
    ekeby = Municipality.objects.create(federation=fed_a, name="Ekeby")
    almhult = Municipality.objects.create(federation=fed_a, name="Älmhult")
    Agency.objects.create(federation=fed_a, kind=AgencyKind.EMPLOYMENT_SERVICE, name="AF")
    Agency.objects.create(federation=fed_a, kind=AgencyKind.SOCIAL_INSURANCE, name="FK")
    project = Project.objects.create(
        federation=fed_a,
        name="Steget",
        owner="Ekeby kommun",
        start_date=date(2020, 1, 1),
        end_date=date(2022, 12, 31),
    )
    project.municipalities.set([ekeby, almhult])
    coordinator = make_user(
        fed_a, "steget@a.example", "Stina Steget", (Role.COORDINATOR, {"project": project})
    )
    log_in(page, coordinator)

    upload_and_check(page, project, participants("Almhult"))
    finish_job(page)
    rows = page.locator("#preview-rows")
    expect(rows).to_contain_text("rad 4: okänd kommun 'Almhult' — menade du Älmhult?")
    expect(page.get_by_role("button", name="Importera bara de giltiga raderna")).to_be_visible()
    expect(page.get_by_role("button", name="Importera", exact=True)).to_have_count(0)
    assert axe_violations(page) == []
    assert not Referral.objects.exists()

    # The corrected file: every row new, and one button to import them.
    upload_and_check(page, project, participants("Älmhult"))
    finish_job(page)
    expect(page.locator("#count-new")).to_have_text("3")
    expect(page.locator("#count-error")).to_have_text("0")
    page.get_by_role("button", name="Importera", exact=True).click()
    page.wait_for_url("**/jobs/**")
    finish_job(page)
    expect(page.get_by_role("status")).to_contain_text("Importerad")
    assert axe_violations(page) == []
    assert ImportBatch.objects.filter(status=ImportBatch.Status.COMMITTED).count() == 1
    assert Referral.objects.filter(project=project).count() == 3

    page.goto(f"/projects/{project.pk}/reports/final/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Steget")
    expect(page.locator("main")).to_contain_text("Älmhult")

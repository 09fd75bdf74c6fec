"""The final report's PDF of a large project, made by a background job (reports/jobs.py): the
download button starts it, the job's page offers the same PDF as the direct download gives a
small project, scoped like the report itself."""

import pytest
from django.urls import reverse

from fokus.models import AccessAction, AccessLogEntry, Job
from tests.reports.project_dataset import build
from tests.reports.test_final_report import final_url, pdf_text
from tests.world import run_queued_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc):
    return build(
        project_a, coordinator, municipality_a, municipality_a2, agency_af, agency_fk, agency_soc
    )


@pytest.fixture
def staff(persona_client):
    return persona_client("federation_staff")


@pytest.fixture
def large(settings):
    """Every project with at least one participant in the period counts as large."""
    settings.FOKUS_SYNC_PDF_MAX_PARTICIPANTS = 0


def test_a_large_projects_pdf_is_made_by_a_job_and_is_the_same_report(
    data, as_counted, project_a, staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    direct = staff.get(final_url(project_a, "reports:final-report-pdf"))
    assert direct["Content-Type"] == "application/pdf"  # small: at once, as before

    settings.FOKUS_SYNC_PDF_MAX_PARTICIPANTS = 0
    report = staff.get(final_url(project_a))
    pdf_url = final_url(project_a, "reports:final-report-pdf")
    assert f'<form method="post" action="{pdf_url}?from=' in report.text
    start_page = staff.get(pdf_url)
    assert start_page.status_code == 200 and start_page["Content-Type"].startswith("text/html")
    assert 'method="post"' in start_page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(pdf_url + "?from=2026-01-01&to=2027-12-31")
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job", kwargs={"public_id": job.public_id})
    assert (job.kind, job.project, job.status) == ("reports.final_pdf", project_a, "queued")

    run_queued_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and (job.progress_done, job.progress_total) == (3, 3)
    page = staff.get(response["Location"])
    file_url = reverse("job-file", kwargs={"public_id": job.public_id})
    assert f'href="{file_url}"' in page.text
    assert "slutrapport-insats-a-2026-01-01-2027-12-31.pdf" in page.text
    download = staff.get(file_url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        'attachment; filename="slutrapport-insats-a-2026-01-01-2027-12-31.pdf"'
    )
    made = b"".join(download.streaming_content)
    # The same figures as the direct download, except the printed-on line's time.
    assert pdf_text(made) == pdf_text(direct.content)
    printed = AccessLogEntry.objects.filter(action=AccessAction.PRINT, object_id=str(project_a.pk))
    assert printed.count() == 2  # the direct download, and the job
    assert AccessLogEntry.objects.filter(
        action=AccessAction.EXPORT, detail__contains="pdf"
    ).exists()


def test_the_pdf_job_is_its_starters_and_asks_the_reports_permission_again(
    data,
    large,
    project_a,
    staff,
    persona_client,
    federation_staff,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(final_url(project_a, "reports:final-report-pdf"))
    run_queued_jobs()
    job = Job.objects.get()
    file_url = reverse("job-file", kwargs={"public_id": job.public_id})
    for persona in ("coordinator", "federation_admin", "outsider", "case_officer_a"):
        assert persona_client(persona).get(response["Location"]).status_code == 404, persona
        assert persona_client(persona).get(file_url).status_code == 404, persona
    # Staff who lose their role no longer get the report through the job either.
    federation_staff.memberships.all().delete()
    assert staff.get(file_url).status_code == 403


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("case_officer_a", 403), ("case_group_member", 403), ("outsider", 404)],
)
def test_who_may_not_see_the_report_may_not_start_its_job(
    data, large, project_a, persona_client, persona, expected
):
    response = persona_client(persona).post(final_url(project_a, "reports:final-report-pdf"))
    assert response.status_code == expected
    assert not Job.objects.exists()

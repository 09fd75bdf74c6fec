"""The import pages as a coordinator uses them: upload → the dry run as a job → the preview →
confirm → the write as a job → the batch page; and an upload that cannot be read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fokus.models import ImportBatch, Job
from referrals.models import Referral
from tests.imports.conftest import PARTICIPANT_HEADER, csv_file
from tests.world import run_queued_jobs

pytestmark = pytest.mark.django_db

WITH_ERROR = csv_file(
    PARTICIPANT_HEADER,
    "P-001,Ekeby,2020-09-01,af,woman,1985,2020-09-07,2021-06-30,work,work_unsubsidised",
    "P-002,Almhult,2020-09-01,af,man,1990,2020-09-07,,,",
)


def upload(client, project, content, name="deltagare.csv", kind="participants"):
    return client.post(
        reverse("imports:index", args=[project.pk]),
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
    )


def test_upload_preview_and_commit_only_the_valid_rows(
    client, history_project, history_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(history_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, history_project, WITH_ERROR)
    job = Job.objects.get(kind="imports.preview")
    assert response.url == reverse("job", kwargs={"public_id": job.public_id})
    assert run_queued_jobs() == 1
    job.refresh_from_db()
    batch = ImportBatch.objects.get()
    assert job.status == Job.Status.SUCCEEDED
    assert job.result_url == reverse("imports:batch", args=[history_project.pk, batch.public_id])

    page = client.get(job.result_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "okänd kommun &#x27;Almhult&#x27; — menade du Älmhult?" in text
    assert "Importera bara de giltiga raderna" in text
    assert not Referral.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("imports:commit", args=[history_project.pk, batch.public_id]),
            {"only_valid_rows": "on"},
        )
    assert run_queued_jobs() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert list(Referral.objects.values_list("external_id", flat=True)) == ["P-001"]
    # The upload holds personal data: it is not kept once imported.
    assert not batch.file
    assert "Importerad" in client.get(job.result_url).content.decode()


def test_commit_of_a_file_with_errors_fails_with_a_message(
    client, history_project, history_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(history_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, history_project, WITH_ERROR)
    run_queued_jobs()
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:commit", args=[history_project.pk, batch.public_id]))
    run_queued_jobs()
    job = Job.objects.get(kind="imports.commit")
    assert job.status == Job.Status.FAILED
    assert "så ingenting importerades" in job.error_message
    assert not Referral.objects.exists()
    # The failed job's page leads back to the preview, where the user can choose again.
    assert job.result_url == reverse("imports:batch", args=[history_project.pk, batch.public_id])
    page = client.get(reverse("job", kwargs={"public_id": job.public_id})).content.decode()
    assert f'href="{job.result_url}"' in page and "Tillbaka" in page


def test_a_file_that_is_not_a_spreadsheet_is_reported(
    client, history_project, history_coordinator, django_capture_on_commit_callbacks
):
    client.force_login(history_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, history_project, b"PK\x03\x04 not really", name="deltagare.xlsx")
    run_queued_jobs()
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "XLSX" in job.error_message
    assert ImportBatch.objects.get().status == ImportBatch.Status.FAILED


def test_a_file_of_another_kind_is_refused_by_the_form(
    client, history_project, history_coordinator
):
    client.force_login(history_coordinator)
    response = upload(client, history_project, b"x", name="deltagare.pdf")
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("data", [{}, {"kind": "everything"}, {"kind": "ratings"}])
def test_a_post_without_a_file_or_a_kind_gets_the_page_back_with_errors(
    client, history_project, history_coordinator, data
):
    client.force_login(history_coordinator)
    response = client.post(reverse("imports:index", args=[history_project.pk]), data)
    assert response.status_code == 400
    assert "Formuläret innehåller fel" in response.content.decode()
    assert not ImportBatch.objects.exists()

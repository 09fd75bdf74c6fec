"""Imported history is like any other data: after the example files are imported every page,
report, statistic, register extract and retention count works on it (docs/import.md), and the
import stayed quiet — no e-mail, nothing overdue on the due list, a 90-day follow-up only
for an exit whose follow-up is still to come."""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from fokus.models import Job
from imports import services
from participants.models import Enrolment, FollowUp
from referrals.models import Referral
from reports import figures
from reports.figures import Period
from retention.services import retention_apply, retention_counts
from surveys.models import Survey
from tests import clock
from tests.imports.conftest import PARTICIPANT_HEADER, csv_file
from tests.imports.examples import example_rows, import_examples
from tests.world import run_queued_jobs

pytestmark = pytest.mark.django_db

WITHOUT_IDENTITY = "P-001"
WITH_IDENTITY = "P-003"  # Testa Testsdotter in participants.csv
PERSONNUMMER = "19850101-9809"
PERIOD = Period(date(2020, 1, 1), date(2022, 12, 31))


def pdf_text(content: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def imported(history_project, history_coordinator, django_capture_on_commit_callbacks):
    # on_commit callbacks run, so an e-mail the import queued would be in the outbox.
    with django_capture_on_commit_callbacks(execute=True):
        batches = import_examples(history_project, history_coordinator)
    return batches


@pytest.fixture
def coordinator_client(history_coordinator):
    return client_for(history_coordinator)


def enrolment_of(external_id: str) -> Enrolment:
    return Enrolment.objects.select_related("referral").get(referral__external_id=external_id)


def test_the_coordinators_pages_work_on_imported_data(
    imported, history_project, coordinator_client
):
    client = coordinator_client
    page = client.get(reverse("participants:participant-list", args=[history_project.pk]))
    assert page.status_code == 200
    assert "Importerad utan identitet (P-001)" in page.text
    assert "Testa Testsdotter" in page.text

    plain = enrolment_of(WITHOUT_IDENTITY)
    page = client.get(reverse("participants:participant-detail", args=[plain.public_id]))
    assert page.status_code == 200
    assert "Importerad historik" in page.text
    assert "Importerad utan identitet" in page.text
    assert "participants.csv (rad 2)" in page.text
    named = enrolment_of(WITH_IDENTITY)
    page = client.get(reverse("participants:participant-detail", args=[named.public_id]))
    assert page.status_code == 200
    assert "Importerad historik" in page.text and "Testa Testsdotter" in page.text
    assert "Importerad utan identitet" not in page.text

    page = client.get(reverse("referrals:referral-detail", args=[plain.referral.public_id]))
    assert page.status_code == 200
    assert "Importerad utan identitet (P-001)" in page.text

    page = client.get(reverse("stepladder:project-steps", args=[history_project.pk]))
    assert page.status_code == 200
    assert "Älmhult" in page.text

    page = client.get(reverse("stepladder:rating-list", args=[plain.public_id]))
    assert page.status_code == 200

    survey = Survey.objects.get(project=history_project, name="Samverkan")
    page = client.get(reverse("surveys:survey-results", args=[survey.public_id]))
    assert page.status_code == 200
    assert "Hur ofta har du haft kontakt med projektet?" in page.text
    assert "Bra att ha en fast kontaktperson" in page.text  # free text, for the coordinator


def test_nothing_from_the_import_is_overdue(imported, history_project, coordinator_client):
    page = coordinator_client.get(reverse("participants:due-list", args=[history_project.pk]))
    assert page.status_code == 200
    today = clock.today()
    due = page.context["due"]
    assert due.overdue == []
    assert all(item.due_on >= today for item in due.upcoming)
    # The three running participations' talks, ratings and planned exits were all due in
    # 2022–2023, before the import: none of them is asked for.
    assert not [item for item in due.upcoming if item.enrolment.is_active]


def test_the_reports_work_on_imported_data(imported, history_project, coordinator_client):
    client = coordinator_client
    page = client.get(reverse("reports:final-report", args=[history_project.pk]))
    assert page.status_code == 200
    for text in ("Ekeby", "Norrvik", "Älmhult", "Samverkan", "Arbetsförmedlingen"):
        assert text in page.text, text

    pdf = client.get(reverse("reports:final-report-pdf", args=[history_project.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "Steget" in text and "Älmhult" in text and "Samverkan" in text

    page = client.get(reverse("reports:interim-report", args=[history_project.pk, 2021, 1]))
    assert page.status_code == 200
    assert "Norrvik" in page.text
    pdf = client.get(reverse("reports:interim-report-pdf", args=[history_project.pk, 2021, 1]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"

    page = client.get(reverse("reports:project-reports", args=[history_project.pk]))
    assert page.status_code == 200


def test_the_final_reports_pdf_as_a_background_job(
    imported,
    history_project,
    coordinator_client,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    settings.MEDIA_ROOT = tmp_path
    settings.FOKUS_SYNC_PDF_MAX_PARTICIPANTS = 10  # the 63 imported make a large project
    url = reverse("reports:final-report-pdf", args=[history_project.pk])
    start = coordinator_client.get(url)
    assert start.status_code == 200 and start["Content-Type"].startswith("text/html")
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url)
    assert response.status_code == 302
    assert run_queued_jobs() == 1
    job = Job.objects.get(kind="reports.final_pdf")
    assert job.status == Job.Status.SUCCEEDED, job.error_message
    download = coordinator_client.get(reverse("job-file", kwargs={"public_id": job.public_id}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "Älmhult" in pdf_text(b"".join(download.streaming_content))


def test_register_extract_of_an_imported_person(imported, federation_admin):
    response = client_for(federation_admin).post(
        reverse("extracts:extract"), {"personnummer": PERSONNUMMER, "format": "json"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)["data"]
    assert data["person"]["names"] == ["Testa Testsdotter"]
    (item,) = data["referrals"]
    assert item["external_id"] == WITH_IDENTITY
    assert [c["status"] for c in item["status_history"]] == [
        "submitted",
        "accepted",
        "enrolled",
        "exited",
    ]
    participation = item["participation"]
    row = next(p for p in example_rows("participants.csv") if p["external_id"] == WITH_IDENTITY)
    assert participation["enrolled_on"] == row["enrolled_on"]
    assert participation["exited_on"] == row["exited_on"]
    ratings = [
        r for r in example_rows("ratings.csv") if r["participant_external_id"] == WITH_IDENTITY
    ]
    assert len(participation["step_ratings"]) == len(ratings)

    pdf = client_for(federation_admin).post(
        reverse("extracts:extract"), {"personnummer": PERSONNUMMER, "format": "pdf"}
    )
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Testa Testsdotter" in pdf_text(pdf.content)


def test_retention_dry_run_counts_the_imported_participations(imported, fed_a, history_project):
    participants = example_rows("participants.csv")
    # Every imported exit is of 2020–2023, long before the default 730 days.
    ended = [p for p in participants if p["exited_on"]]
    counts = retention_counts(federation=fed_a, today=clock.today())
    assert counts.anonymised == len(ended)
    assert counts.unenrolled_deleted == counts.withdrawn_consent_deleted == 0
    assert counts.unenrolled_anonymised == 0  # the one never started was accepted: kept
    # A dry run writes nothing.
    assert not Referral.objects.filter(anonymised__isnull=False).exists()

    # Done, it anonymises them as the dry run said; the reports count the same.
    before = figures.participants_by_municipality(history_project, PERIOD)
    assert retention_apply(federation=fed_a, today=clock.today()).anonymised == len(ended)
    named = Referral.objects.get(external_id="P-003")
    assert (named.name, named.personnummer) != ("Testa Testsdotter", "198501019809")
    assert figures.participants_by_municipality(history_project, PERIOD) == before


def test_no_import_sends_an_email(imported):
    assert mail.outbox == []


def test_a_follow_up_only_for_an_exit_whose_90_days_are_to_come(
    history_project, history_coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    today = clock.today()
    start = today - timedelta(days=300)
    recent = today - timedelta(days=85)  # follow-up due in 5 days
    long_ago = today - timedelta(days=120)  # follow-up was due 30 days ago
    content = csv_file(
        PARTICIPANT_HEADER,
        f"P-901,Ekeby,{start},af,woman,1985,{start},{recent},work,work_unsubsidised",
        f"P-902,Ekeby,{start},fk,man,1980,{start},{long_ago},health,",
        f"P-903,Ekeby,{start},af,woman,1990,{start},{recent},died,",
    )
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_upload(
            actor=history_coordinator,
            project=history_project,
            kind="participants",
            file_name="deltagare.csv",
            content=content,
        )
        services.import_commit(batch=batch, actor=history_coordinator)
    assert mail.outbox == []
    (follow_up,) = FollowUp.objects.filter(enrolment__project=history_project)
    assert follow_up.enrolment.referral.external_id == "P-901"
    assert follow_up.due_on == recent + timedelta(days=90) == today + timedelta(days=5)

    due = coordinator_client.get(
        reverse("participants:due-list", args=[history_project.pk])
    ).context["due"]
    assert due.overdue == []
    assert [(i.enrolment.referral.external_id, i.due_on) for i in due.upcoming] == [
        ("P-901", today + timedelta(days=5))
    ]

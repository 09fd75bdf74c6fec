"""`manage.py apply_retention`: ended participations anonymised (history included, documents
deleted), never-enrolled referrals deleted, the access log's own period, one summary row — and
the final report, interim reports and förbund summary counting the same afterwards."""

import io
import os
from datetime import date

import pghistory.models
import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, transaction

from fokus.models import AccessAction, AccessLogEntry
from participants.models import ClientMeeting, Enrolment, Goal, InvitationLetter
from referrals.models import Consent, Referral
from reports.figures import Period, referrals_by_agency
from reports.models import ParticipantReport
from reports.project_reports import final_report_context, half_years, interim_report_context
from reports.summary import federation_summary
from retention.fields import MARKER
from retention.models import RetentionPolicy
from retention.services import retention_apply
from surveys.models import Answer, Invitation
from tests.retention.conftest import SECRETS, aware

pytestmark = [pytest.mark.django_db, pytest.mark.today("2030-03-01")]


def run(*args) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def report_figures(project) -> dict:
    """The figures of the final report, every interim report and the förbund summary."""
    period = Period.of_project(project)
    final = final_report_context(project, period)
    periods = [p for _y, _h, p in half_years(project, project.end_date)]
    return {
        "final": {k: final[k] for k in ("tables", "stats", "surveys")},
        "interim": [
            interim_report_context(project, y, h)["tables"]
            for y, h, _p in half_years(project, project.end_date)
        ],
        "summary": [federation_summary(project.federation_id, p) for p in [period, *periods]],
    }


def every_event_row() -> str:
    """Every row of every django-pghistory event table, as text."""
    rows = []
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event):
            rows += [repr(row) for row in model.objects.values()]
    return "\n".join(rows)


def test_it_keeps_every_figure_of_the_reports(data, project_a, as_counted):
    before = report_figures(project_a)
    referrals_before = referrals_by_agency(project_a, Period.of_project(project_a)).total
    run("--commit")
    after = report_figures(project_a)
    # The declined referral (D1) keeps a statistics-only row, so the referrals per agency
    # count it still; the abandoned draft was never counted.
    referrals_after = referrals_by_agency(project_a, Period.of_project(project_a)).total
    assert (referrals_before, referrals_after) == (12, 12)
    assert after == before
    assert Enrolment.objects.filter(project=project_a).count() == 11


def test_it_removes_identity_and_free_text_from_the_rows(data):
    e1 = data["E1"]
    run("--commit")
    referral = Referral.objects.get(pk=e1.referral_id)
    assert referral.name == MARKER and referral.background == MARKER
    assert referral.personnummer == referral.email == referral.phone == ""
    assert referral.street_address == ""
    # Aggregates kept: birth year (from the personnummer), gender, municipality, agency.
    assert referral.birth_year == 1990 and referral.gender == "woman"
    assert referral.home_municipality == data["c1"].municipality
    enrolment = Enrolment.objects.get(pk=e1.pk)
    assert (enrolment.exited_on, enrolment.exit_reason) == (date(2026, 12, 15), "work")
    assert enrolment.destination == "work_unsubsidised"
    assert ClientMeeting.objects.get(enrolment=e1).notes == MARKER
    assert Goal.objects.get(plan__enrolment=e1).text == MARKER
    assert e1.plan.versions.get().goals == []
    assert InvitationLetter.objects.get(enrolment=e1).message == MARKER
    assert ParticipantReport.objects.get(enrolment=e1).mapping == MARKER
    assert Answer.objects.get(response__invitation__enrolment=e1).text == MARKER
    assert Invitation.objects.get(enrolment=e1).token_hash != "a" * 64
    assert set(e1.ratings.values_list("comment", flat=True)) == {MARKER}
    assert Consent.objects.get(referral=referral).place == MARKER
    # Another participant still active is left alone.
    assert Referral.objects.get(pk=data["E4"].referral_id).name.startswith("Deltagare")


def test_it_removes_them_from_the_history_too(data):
    assert SECRETS["personnummer"] in every_event_row()
    run("--commit")
    history = every_event_row()
    for secret in SECRETS.values():
        assert secret not in history


def test_it_deletes_the_documents_from_disk(data, django_capture_on_commit_callbacks):
    consent_file = data["consent"].document.path
    report_file = data["report"].pdf.path
    assert os.path.exists(consent_file) and os.path.exists(report_file)
    with django_capture_on_commit_callbacks(execute=True):
        run("--commit")
    assert not os.path.exists(consent_file) and not os.path.exists(report_file)


def test_it_deletes_a_draft_and_keeps_a_declined_referral_only_as_statistics(data, project_a):
    [draft] = Referral.objects.filter(status="draft").values_list("pk", flat=True)
    declined = Referral.objects.get(status="declined")
    secret_name = declined.name
    run("--commit")
    ReferralEvent = apps.get_model("referrals", "ReferralEvent")
    assert not Referral.objects.filter(pk=draft).exists()
    assert not ReferralEvent.objects.filter(pgh_obj_id=draft).exists()
    kept = Referral.objects.get(pk=declined.pk)
    assert (kept.name, kept.status, kept.referring_agency_id) == (
        MARKER,
        "declined",
        declined.referring_agency_id,
    )
    assert secret_name not in repr(list(ReferralEvent.objects.filter(pgh_obj_id=kept.pk).values()))
    # The one submitted before the project and still waiting for a decision stays.
    assert Referral.objects.filter(project=project_a, status="submitted").exists()


def test_it_anonymises_a_consent_withdrawn_before_the_start(data, make_referral, coordinator):
    referral = data["A1"].referral
    Referral.objects.filter(pk=referral.pk).update(status="consent_withdrawn")
    Enrolment.objects.filter(pk=data["A1"].pk).update(status="consent_withdrawn")
    InvitationLetter.objects.create(
        enrolment=data["A1"],
        intake_at=aware(date(2030, 1, 10)),
        intake_place="Kontoret",
        contact=coordinator,
        contact_phone="010-100",
        created_by=coordinator,
    )
    Referral.objects.filter(pk=referral.pk).update(updated_at=aware(date(2030, 1, 20)))
    run("--commit")
    # Submitted, so counted by the reports: only its statistics stay.
    kept = Referral.objects.get(pk=referral.pk)
    assert kept.name == MARKER and kept.status == "consent_withdrawn"


def test_a_dry_run_writes_nothing(data):
    log, history = AccessLogEntry.objects.count(), every_event_row()
    out = run()
    assert (
        "anonymised 5" in out
        and "unenrolled_anonymised 1" in out
        and "unenrolled_deleted 1" in out
        and "dry run" in out
    )
    assert AccessLogEntry.objects.count() == log and every_event_row() == history
    assert Referral.objects.get(pk=data["E1"].referral_id).name == SECRETS["name"]
    assert not RetentionPolicy.objects.exists()


def test_it_writes_one_summary_row(data, fed_a):
    run("--commit", "--federation", str(fed_a.pk))
    row = AccessLogEntry.objects.get(actor_label="apply_retention")
    assert row.action == AccessAction.DELETE and row.federation_id == fed_a.pk
    assert (
        "anonymised=5" in row.detail
        and "unenrolled_anonymised=1" in row.detail
        and "unenrolled_deleted=1" in row.detail
    )
    # A second run finds nothing left to do.
    run("--commit")
    second = AccessLogEntry.objects.filter(actor_label="apply_retention").order_by("pk").last()
    assert "anonymised=0" in second.detail and second.action == AccessAction.CHANGE


def test_it_deletes_old_access_log_rows_and_only_through_retention(fed_a, federation_admin):
    with transaction.atomic():
        old = AccessLogEntry.objects.create(
            federation=fed_a, action="view", at=aware(date(2025, 2, 1))
        )
        kept = AccessLogEntry.objects.create(
            federation=fed_a, action="view", at=aware(date(2025, 3, 2))
        )
    counts = retention_apply(federation=fed_a, today=date(2030, 3, 1))
    assert counts.access_log_deleted == 1
    assert not AccessLogEntry.objects.filter(pk=old.pk).exists()
    assert AccessLogEntry.objects.filter(pk=kept.pk).exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLogEntry.objects.filter(pk=kept.pk).delete()


def test_it_refuses_an_unknown_federation(db):
    from django.core.management import CommandError

    for bad in ("999999", "1x", "²"):
        with pytest.raises(CommandError):
            run("--federation", bad)


@pytest.mark.django_db(transaction=True)
def test_the_command_commits_in_autocommit(data):
    e1 = data["E1"]
    run("--commit")
    assert Referral.objects.get(pk=e1.referral_id).personnummer == ""
    assert AccessLogEntry.objects.filter(actor_label="apply_retention").count() == 1

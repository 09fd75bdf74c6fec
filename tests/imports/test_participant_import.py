"""Participants from a file: the dry run's outcome per row, the one-transaction write, the
quiet history (own dates, no e-mails, no past due items) and idempotent re-import."""

from datetime import date

import pytest
from django.core import mail

from cohorts.models import Cohort
from imports import services
from imports.outcomes import Outcome
from participants.models import Enrolment, FollowUp
from referrals.models import Referral, ReferralStatus
from tests.imports.conftest import PARTICIPANT_HEADER, csv_file

pytestmark = pytest.mark.django_db

GOOD = csv_file(
    PARTICIPANT_HEADER,
    "P-001,Ekeby,2020-09-01,af,woman,1985,2020-09-07,2021-06-30,work,work_unsubsidised",
    "P-002,älmhult,2020-09-01,social_services,man,1990,2020-09-07,2021-03-15,health,",
    "P-003,NORRVIK,2021-02-01,fk,unknown,1978,2021-02-08,,,",
)


def check(project, actor, content, name="deltagare.csv"):
    return services.check_file(
        kind="participants", project=project, actor=actor, file_name=name, content=content
    )


def test_dry_run_lists_every_row_and_writes_nothing(history_project, history_coordinator):
    result = check(history_project, history_coordinator, GOOD)
    assert [r.outcome for r in result.rows] == [Outcome.NEW] * 3
    assert [r.row for r in result.rows] == [2, 3, 4]
    assert not Referral.objects.filter(project=history_project).exists()
    assert not Cohort.objects.filter(project=history_project).exists()


def test_unknown_municipality_suggests_the_swedish_spelling(history_project, history_coordinator):
    content = csv_file(
        PARTICIPANT_HEADER,
        "P-001,Almhult,2020-09-01,af,woman,1985,2020-09-07,,,",
    )
    [row] = check(history_project, history_coordinator, content).rows
    assert row.outcome == Outcome.ERROR
    assert row.line() == "rad 2: okänd kommun 'Almhult' — menade du Älmhult?"


def commit(project, actor, content, *, only_valid_rows=False, name="deltagare.csv"):
    batch = services.import_upload(
        actor=actor, project=project, kind="participants", file_name=name, content=content
    )
    return services.import_commit(batch=batch, actor=actor, only_valid_rows=only_valid_rows)


def test_commit_keeps_the_files_dates_and_stays_quiet(history_project, history_coordinator):
    batch = commit(history_project, history_coordinator, GOOD)
    assert batch.result["new"] == 3
    first = Referral.objects.get(project=history_project, external_id="P-001")
    assert first.status == ReferralStatus.EXITED
    assert first.submitted_at.date() == date(2020, 9, 1)
    assert [(c.status, c.at.date()) for c in first.history.all()] == [
        ("submitted", date(2020, 9, 1)),
        ("accepted", date(2020, 9, 1)),
        ("enrolled", date(2020, 9, 7)),
        ("exited", date(2021, 6, 30)),
    ]
    enrolment = first.enrolment
    assert enrolment.is_imported and enrolment.exited_on == date(2021, 6, 30)
    assert enrolment.planned_exit_on == date(2021, 9, 7)
    assert first.display_name == "Importerad utan identitet (P-001)"
    # Exits long ago: no follow-up; no e-mail about events of 2020.
    assert not FollowUp.objects.filter(enrolment__project=history_project).exists()
    assert mail.outbox == []
    active = Enrolment.objects.get(referral__external_id="P-003")
    assert active.status == Enrolment.Status.ACTIVE
    assert active.coordinator == history_coordinator
    assert Cohort.objects.filter(project=history_project).count() == 3


def test_reimporting_the_same_file_changes_nothing(history_project, history_coordinator):
    commit(history_project, history_coordinator, GOOD)
    again = check(history_project, history_coordinator, GOOD)
    assert [r.outcome for r in again.rows] == [Outcome.UNCHANGED] * 3
    batch = commit(history_project, history_coordinator, GOOD)
    assert batch.result["unchanged"] == 3
    assert Referral.objects.filter(project=history_project).count() == 3


def test_a_row_with_an_error_stops_the_whole_file(history_project, history_coordinator):
    content = csv_file(
        PARTICIPANT_HEADER,
        "P-001,Ekeby,2020-09-01,af,woman,1985,2020-09-07,,,",
        "P-002,Ekeby,2020-09-01,af,woman,19x5,2020-09-07,,,",
    )
    with pytest.raises(services.ImportRefused):
        commit(history_project, history_coordinator, content)
    assert not Referral.objects.filter(project=history_project).exists()
    batch = commit(history_project, history_coordinator, content, only_valid_rows=True)
    assert batch.result["new"] == 1 and batch.result["error"] == 1
    assert list(Referral.objects.values_list("external_id", flat=True)) == ["P-001"]

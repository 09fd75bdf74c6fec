"""Step ratings from a file: each row's outcome in the dry run (with the Swedish messages),
the rules history keeps and the live ones it does not (ratings after the exit are history
too), idempotent re-import, an update when a step changes, and only the valid rows."""

from datetime import date

import pytest

from imports import services
from imports.outcomes import Outcome
from stepladder.models import Rating
from tests import clock
from tests.imports.conftest import PARTICIPANT_HEADER, csv_file

pytestmark = pytest.mark.django_db

HEADER = "participant_external_id,rated_on,kind,step,markers,participant_step,comment"
PARTICIPANTS = csv_file(
    PARTICIPANT_HEADER,
    # Exited 2021-06-30.
    "P-001,Ekeby,2020-09-01,af,woman,1985,2020-09-07,2021-06-30,work,work_unsubsidised",
    "P-002,Norrvik,2020-09-01,fk,man,1990,2020-09-07,,,",  # still running
    "P-003,Älmhult,2020-09-01,af,woman,1975,,,,",  # accepted, never started
)


def commit(project, actor, kind, content, *, only_valid_rows=False, name="fil.csv"):
    batch = services.import_upload(
        actor=actor, project=project, kind=kind, file_name=name, content=content
    )
    return services.import_commit(batch=batch, actor=actor, only_valid_rows=only_valid_rows)


def check(project, actor, content):
    return services.check_file(
        kind="ratings", project=project, actor=actor, file_name="skattningar.csv", content=content
    )


@pytest.fixture
def participants(history_project, history_coordinator):
    return commit(history_project, history_coordinator, "participants", PARTICIPANTS)


def lines(result):
    return [row.line() for row in result.rows]


def test_valid_rows_are_new_and_history_after_the_exit_is_accepted(
    participants, history_project, history_coordinator
):
    content = csv_file(
        HEADER,
        "P-001,2020-09-07,enrolment,2,,1,",
        "P-001,2020-12-07,quarterly,3,ökad MOTIVATION; Mål satta,3,Deltar i gruppen",
        "P-001,2021-06-30,exit,5,,,",
        # After the exit: within 30 days, and long after. Live entry refuses the second.
        "P-001,2021-07-20,extra,5,,,",
        "P-001,2021-09-15,extra,6,,,",
        "P-002,2020-09-07,enrolment,1,,,",
    )
    result = check(history_project, history_coordinator, content)
    assert lines(result) == [f"rad {n}: ny" for n in range(2, 8)]
    assert not Rating.objects.exists()

    batch = commit(history_project, history_coordinator, "ratings", content)
    assert batch.result["new"] == 6
    ratings = Rating.objects.filter(enrolment__referral__external_id="P-001").order_by("rated_on")
    assert [(r.rated_on, r.kind, r.step.number) for r in ratings] == [
        (date(2020, 9, 7), "enrolment", 2),
        (date(2020, 12, 7), "quarterly", 3),
        (date(2021, 6, 30), "exit", 5),
        (date(2021, 7, 20), "extra", 5),
        (date(2021, 9, 15), "extra", 6),
    ]
    quarterly = ratings[1]
    assert sorted(m.text for m in quarterly.markers.all()) == ["Mål satta", "Ökad motivation"]
    assert quarterly.participant_step.number == 3
    assert quarterly.comment == "Deltar i gruppen"
    assert quarterly.import_batch == batch and quarterly.import_row == 3
    assert quarterly.rated_by == history_coordinator


def test_errors_are_explained_in_swedish(participants, history_project, history_coordinator):
    future = clock.today().replace(year=clock.today().year + 1).isoformat()
    content = csv_file(
        HEADER,
        "P-999,2020-09-07,enrolment,2,,,",
        "P-001,2020-09-07,enrolment,7,,,",
        "P-001,2020-10-01,quarterly,3,Arbete eller studier påbörjade,,",
        "P-003,2020-10-01,quarterly,3,,,",
        "P-001,2020-08-01,quarterly,3,,,",
        f"P-002,{future},quarterly,3,,,",
        "P-002,2021-13-01,quarterly,3,,,",
        "P-002,2021-01-10,monthly,3,,,",
        "P-002,2021-02-10,quarterly,,,,",
        "P-002,2021-03-10,quarterly,3,,9,",
    )
    assert lines(check(history_project, history_coordinator, content)) == [
        "rad 2: ingen deltagare med id 'P-999' i projektet: importera deltagarna först",
        "rad 3: projektets stegtrappa har inget steg 7",
        "rad 4: steg 3 har ingen markör 'Arbete eller studier påbörjade'",
        "rad 5: deltagaren har inte startat: en skattning kräver en start",
        "rad 6: rated_on ligger före deltagarens start, 2020-09-07",
        "rad 7: rated_on ligger i framtiden",
        "rad 8: rated_on: '2021-13-01' är inte ett datum: skriv det som ÅÅÅÅ-MM-DD.",
        "rad 9: kind: okänd kod 'monthly'; koderna är enrolment, quarterly, exit, extra",
        "rad 10: step saknas",
        "rad 11: projektets stegtrappa har inget steg 9",
    ]


def test_one_enrolment_and_one_exit_rating_per_participation(
    participants, history_project, history_coordinator
):
    commit(
        history_project,
        history_coordinator,
        "ratings",
        csv_file(HEADER, "P-001,2020-09-07,enrolment,2,,,"),
    )
    content = csv_file(
        HEADER,
        "P-001,2020-09-14,enrolment,2,,,",  # the register has one already
        "P-001,2021-06-30,exit,4,,,",
        "P-001,2021-07-01,exit,4,,,",  # the file has one already
        "P-001,2021-06-30,exit,4,,,",  # the same rating twice
    )
    result = check(history_project, history_coordinator, content)
    assert lines(result) == [
        "rad 2: deltagaren har redan en skattning av slaget 'enrolment'",
        "rad 3: ny",
        "rad 4: deltagaren har en skattning av slaget 'exit' på rad 3",
        "rad 5: P-001 2021-06-30 exit finns redan på rad 3",
    ]


def test_reimport_is_unchanged_and_a_changed_step_is_an_update(
    participants, history_project, history_coordinator
):
    content = csv_file(
        HEADER,
        "P-001,2020-09-07,enrolment,2,Individuella samtal,,",
        "P-001,2020-12-07,quarterly,3,,,",
    )
    commit(history_project, history_coordinator, "ratings", content)
    again = check(history_project, history_coordinator, content)
    assert [r.outcome for r in again.rows] == [Outcome.UNCHANGED] * 2
    batch = commit(history_project, history_coordinator, "ratings", content)
    assert (batch.result["unchanged"], batch.result["new"]) == (2, 0)
    assert Rating.objects.count() == 2

    corrected = csv_file(
        HEADER,
        "P-001,2020-09-07,enrolment,2,Individuella samtal,,",
        "P-001,2020-12-07,quarterly,4,Förbättrad hälsa,,Ny bedömning",
    )
    assert lines(check(history_project, history_coordinator, corrected)) == [
        "rad 2: oförändrad",
        "rad 3: ändrad — ändras: step, comment, markers",
    ]
    batch = commit(history_project, history_coordinator, "ratings", corrected)
    assert (batch.result["updated"], batch.result["unchanged"]) == (1, 1)
    rating = Rating.objects.get(kind="quarterly")
    assert rating.step.number == 4 and rating.comment == "Ny bedömning"
    assert [m.text for m in rating.markers.all()] == ["Förbättrad hälsa"]
    assert rating.corrected_at is not None
    assert Rating.objects.count() == 2
    assert [r.outcome for r in check(history_project, history_coordinator, corrected).rows] == [
        Outcome.UNCHANGED
    ] * 2


def test_only_the_valid_rows_are_written_when_asked(
    participants, history_project, history_coordinator
):
    content = csv_file(
        HEADER,
        "P-001,2020-09-07,enrolment,2,,,",
        "P-999,2020-09-07,enrolment,2,,,",
        "P-002,2020-09-07,enrolment,3,,,",
    )
    with pytest.raises(services.ImportRefused) as refused:
        commit(history_project, history_coordinator, "ratings", content)
    assert "1 rader har fel, så ingenting importerades" in refused.value.messages[0]
    assert not Rating.objects.exists()
    batch = commit(history_project, history_coordinator, "ratings", content, only_valid_rows=True)
    assert (batch.result["new"], batch.result["error"]) == (2, 1)
    assert batch.only_valid_rows
    assert sorted(Rating.objects.values_list("enrolment__referral__external_id", flat=True)) == [
        "P-001",
        "P-002",
    ]

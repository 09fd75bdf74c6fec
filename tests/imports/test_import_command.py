"""`manage.py import_data`: a dry run prints every row and writes nothing; an error in any row
makes the exit status 1; --commit writes (everything, or with --only-valid-rows the valid
rows); who the import is recorded as; projects, surveys and files that are not there."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fokus.models import ImportBatch
from referrals.models import Referral
from surveys.models import Response
from tests.imports.conftest import PARTICIPANT_HEADER, csv_file
from tests.imports.examples import EXAMPLES, partner_survey

pytestmark = pytest.mark.django_db

GOOD = csv_file(
    PARTICIPANT_HEADER,
    "P-001,Ekeby,2020-09-01,af,woman,1985,2020-09-07,2021-06-30,work,work_unsubsidised",
    "P-002,Norrvik,2020-09-01,fk,man,1990,2020-09-07,,,",
)
WITH_ERRORS = csv_file(
    PARTICIPANT_HEADER,
    "P-001,Ekeby,2020-09-01,af,woman,1985,2020-09-07,2021-06-30,work,work_unsubsidised",
    "P-002,Almhult,2020-09-01,af,man,1990,2020-09-07,,,",
    "P-003,Ekeby,2020-09-01,police,man,1990,2020-09-07,2021-03-01,retired,",
)


@pytest.fixture
def write(tmp_path):
    def write(content: bytes, name: str = "deltagare.csv"):
        path = tmp_path / name
        path.write_bytes(content)
        return str(path)

    return write


def run(*args, **options):
    out = StringIO()
    call_command("import_data", *args, stdout=out, **options)
    return out.getvalue().splitlines()


def run_failing(*args) -> tuple[CommandError, list[str]]:
    out = StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("import_data", *args, stdout=out)
    return failed.value, out.getvalue().splitlines()


def test_a_dry_run_prints_every_row_and_writes_nothing(write, history_project, history_coordinator):
    output = run(
        "participants",
        write(GOOD),
        "--project",
        str(history_project.pk),
        "--user",
        history_coordinator.email,
    )
    assert output == [
        "rad 2: ny — en ny uppstart skapas: Ekeby 2020-09-01",
        "rad 3: ny — en ny uppstart skapas: Norrvik 2020-09-01",
        "Dry run, nothing written (new 2, updated 0, unchanged 0, error 0).",
    ]
    assert not Referral.objects.exists()
    assert not ImportBatch.objects.exists()


def test_a_row_with_an_error_makes_the_exit_status_1(write, history_project, history_coordinator):
    error, output = run_failing(
        "participants",
        write(WITH_ERRORS),
        "--project",
        str(history_project.pk),
        "--user",
        history_coordinator.email,
    )
    assert error.returncode == 1
    assert str(error) == "2 rows have errors."
    assert output[1:3] == [
        "rad 3: okänd kommun 'Almhult' — menade du Älmhult?",
        # An unreadable code is its own error, not also "missing".
        "rad 4: referring_agency_kind: okänd kod 'police'; koderna är af, fk, region, "
        "social_services, other; exit_reason: okänd kod 'retired'; koderna är "
        "completed_period, work, studies, work_training, other_project, health, moved, died, "
        "consent_withdrawn, registered_in_error",
    ]
    assert output[-1] == "Dry run, nothing written (new 1, updated 0, unchanged 0, error 2)."
    assert not Referral.objects.exists()


def test_commit_writes_and_a_second_run_finds_everything_unchanged(
    write, history_project, history_coordinator
):
    path = write(GOOD)
    args = ["participants", path, "--project", str(history_project.pk)]
    args += ["--user", history_coordinator.email.upper(), "--commit"]
    assert run(*args)[-1] == "Imported (new 2, updated 0, unchanged 0, error 0)."
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.COMMITTED
    assert batch.created_by == batch.committed_by == history_coordinator
    assert batch.file_name == "deltagare.csv"
    assert not batch.file  # the upload is not kept once imported
    assert Referral.objects.filter(project=history_project).count() == 2
    output = run(*args)
    assert output[:2] == ["rad 2: oförändrad", "rad 3: oförändrad"]
    assert output[-1] == "Imported (new 0, updated 0, unchanged 2, error 0)."
    assert Referral.objects.filter(project=history_project).count() == 2


def test_commit_with_errors_writes_nothing_unless_only_valid_rows(
    write, history_project, history_coordinator
):
    path = write(WITH_ERRORS)
    args = ["participants", path, "--project", str(history_project.pk)]
    args += ["--user", history_coordinator.email, "--commit"]
    error, output = run_failing(*args)
    assert error.returncode == 1
    assert (
        output[-1] == "Nothing written: rows have errors (new 1, updated 0, unchanged 0, error 2)."
    )
    assert not Referral.objects.exists() and not ImportBatch.objects.exists()

    error, output = run_failing(*args, "--only-valid-rows")
    assert error.returncode == 1  # the rows left out are still errors of the file
    assert output[-1] == "Imported (new 1, updated 0, unchanged 0, error 2)."
    assert list(Referral.objects.values_list("external_id", flat=True)) == ["P-001"]
    batch = ImportBatch.objects.get()
    assert batch.only_valid_rows and batch.result["error"] == 2


def test_the_federations_only_administrator_is_the_default_user(
    write, history_project, history_coordinator, federation_admin
):
    run("participants", write(GOOD), "--project", str(history_project.pk), "--commit")
    assert ImportBatch.objects.get().committed_by == federation_admin
    # The running participation is given the project's coordinator, not the administrator.
    running = Referral.objects.get(external_id="P-002").enrolment
    assert running.coordinator == history_coordinator


def test_without_an_only_administrator_the_user_must_be_named(write, history_project, fed_a):
    error, _output = run_failing("participants", write(GOOD), "--project", str(history_project.pk))
    assert str(error) == "Name the user the import is recorded as: --user EMAIL."


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody@a.example", "No active user 'nobody@a.example' in the project's federation."),
        # Another federation's coordinator.
        (
            "koordinator@b.example",
            "No active user 'koordinator@b.example' in the project's federation.",
        ),
        # A case officer of the project's federation may not import.
        ("handlaggare.af@a.example", "handlaggare.af@a.example may not import data into Steget."),
    ],
)
def test_the_named_user_must_be_allowed_to_import(
    write, history_project, outsider, case_officer_a, email, message
):
    error, _output = run_failing(
        "participants", write(GOOD), "--project", str(history_project.pk), "--user", email
    )
    assert str(error) == message
    assert not Referral.objects.exists()


@pytest.mark.parametrize("project", ["999999", "abc"])
def test_an_unknown_project(write, history_project, history_coordinator, project):
    error, _output = run_failing("participants", write(GOOD), "--project", project)
    assert str(error) == f"No project with id {project!r}."


def test_a_file_that_cannot_be_read(tmp_path, history_project, history_coordinator):
    args = ["--project", str(history_project.pk), "--user", history_coordinator.email]
    error, _output = run_failing("participants", str(tmp_path / "saknas.csv"), *args)
    assert str(error).startswith("Cannot read ")
    bad = tmp_path / "deltagare.csv"
    bad.write_bytes(b"external_id\nP-001\n")
    error, _output = run_failing("participants", str(bad), *args)
    assert str(error).startswith("Filen saknar kolumnen/kolumnerna municipality, cohort_start")


def test_responses_with_the_survey_given(history_project, history_coordinator):
    survey = partner_survey(history_project, history_coordinator)
    args = ["responses", str(EXAMPLES / "responses.csv"), "--project", str(history_project.pk)]
    args += ["--user", history_coordinator.email]
    error, _output = run_failing(*args, "--survey", "999999")
    assert str(error) == "The project has no survey with id '999999'."
    output = run(*args, "--survey", str(survey.pk), "--commit")
    assert output[-1] == "Imported (new 24, updated 0, unchanged 0, error 0)."
    assert Response.objects.filter(survey=survey).count() == 24

"""Survey responses from a file: one column per question by its number, the option by its
number or text, several options with ';', a scale's value or "vet ej" where offered, free
text, an empty cell not answered; file-level errors; a closed survey still takes history; the
survey chosen on upload (`--survey`) or named in a `survey` column; idempotent re-import."""

from datetime import date

import pytest

from imports import services
from imports.outcomes import Outcome
from imports.reading import ImportFileError
from surveys.models import Answer, Channel, Option, Question, Response, Survey
from tests.imports.conftest import csv_file

pytestmark = pytest.mark.django_db

HEADER = "respondent_id,answered_on,1,2,3,4,5"


@pytest.fixture
def survey(history_project, history_coordinator):
    """One question of each kind: 1 single, 2 multiple, 3 a scale with "vet ej", 4 a scale
    without, 5 free text."""
    survey = Survey.objects.create(
        federation=history_project.federation,
        project=history_project,
        name="Uppföljning 2021",
        audience="partners",
        created_by=history_coordinator,
    )
    single = Question.objects.create(survey=survey, position=1, kind="single", text="Hur ofta?")
    for position, text in enumerate(["Varje vecka", "Varje månad", "Mer sällan"], start=1):
        Option.objects.create(question=single, position=position, text=text)
    multiple = Question.objects.create(
        survey=survey, position=2, kind="multiple", text="Vilka kanaler?"
    )
    for position, text in enumerate(["Telefon", "E-post", "Möte"], start=1):
        Option.objects.create(question=multiple, position=position, text=text)
    Question.objects.create(
        survey=survey, position=3, kind="scale", text="Nöjd?", scale_max=5, allow_dont_know=True
    )
    Question.objects.create(survey=survey, position=4, kind="scale", text="Hur lätt?", scale_max=4)
    Question.objects.create(survey=survey, position=5, kind="text", text="Kommentar")
    return survey


def check(project, actor, content, *, survey=None):
    return services.check_file(
        kind="responses",
        project=project,
        actor=actor,
        file_name="svar.csv",
        content=content,
        survey_id=survey.pk if survey else None,
    )


def commit(project, actor, content, *, survey=None, only_valid_rows=False):
    batch = services.import_upload(
        actor=actor,
        project=project,
        kind="responses",
        file_name="svar.csv",
        content=content,
        survey_id=survey.pk if survey else None,
    )
    return services.import_commit(batch=batch, actor=actor, only_valid_rows=only_valid_rows)


def lines(result):
    return [row.line() for row in result.rows]


def answers_of(response: Response) -> dict[int, object]:
    found = {}
    for answer in response.answers.select_related("question").prefetch_related("options"):
        question = answer.question
        if question.kind in ("single", "multiple"):
            found[question.position] = sorted(o.text for o in answer.options.all())
        elif question.kind == "scale":
            found[question.position] = "vet ej" if answer.dont_know else answer.scale_value
        else:
            found[question.position] = answer.text
    return found


GOOD = csv_file(
    HEADER,
    "R-1,2021-05-03,2,1;3,4,3,Bra samarbete",
    "R-2,2021-05-04,varje VECKA,telefon; e-post,vet ej,1,",
    "R-3,2021-05-05,,,,,",  # handed in empty: a response without answers
    "R-4,2021-05-06,3,Möte,,4,",
)


def test_every_kind_of_answer_is_read(survey, history_project, history_coordinator):
    result = check(history_project, history_coordinator, GOOD, survey=survey)
    assert lines(result) == [f"rad {n}: ny" for n in range(2, 6)]
    assert not Response.objects.exists()

    batch = commit(history_project, history_coordinator, GOOD, survey=survey)
    assert batch.result["new"] == 4
    responses = {r.external_id: r for r in Response.objects.filter(survey=survey)}
    assert answers_of(responses["R-1"]) == {
        1: ["Varje månad"],
        2: ["Möte", "Telefon"],
        3: 4,
        4: 3,
        5: "Bra samarbete",
    }
    assert answers_of(responses["R-2"]) == {
        1: ["Varje vecka"],
        2: ["E-post", "Telefon"],
        3: "vet ej",
        4: 1,
    }
    # An empty cell is a question not answered: no Answer row at all.
    assert answers_of(responses["R-3"]) == {}
    assert answers_of(responses["R-4"]) == {1: ["Mer sällan"], 2: ["Möte"], 4: 4}
    first = responses["R-1"]
    assert first.channel == Channel.IMPORTED
    assert first.answered_on == date(2021, 5, 3)
    assert first.submitted_at.date() == date(2021, 5, 3)
    assert (first.import_batch, first.import_row) == (batch, 2)
    assert Answer.objects.filter(response__survey=survey).count() == 5 + 4 + 0 + 3


def test_answers_that_do_not_fit_the_question(survey, history_project, history_coordinator):
    content = csv_file(
        HEADER,
        "R-1,2021-05-03,4,,,,",
        "R-2,2021-05-03,1;2,,,,",
        "R-3,2021-05-03,,1;Fax,,,",
        "R-4,2021-05-03,,,6,,",
        "R-5,2021-05-03,,,,vet ej,",  # question 4 offers no "vet ej"
        "R-6,2021-05-03,,,,0,",
        "R-7,,1,,,,",
        "R-8,2030-13-01,1,,,,",
        ",2021-05-03,1,,,,",
    )
    assert lines(check(history_project, history_coordinator, content, survey=survey)) == [
        "rad 2: fråga 1 har inget alternativ '4'",
        "rad 3: fråga 1 tar ett alternativ, inte 2",
        "rad 4: fråga 2 har inget alternativ 'Fax'",
        "rad 5: fråga 3: '6' är inte ett värde från 1 till 5",
        "rad 6: fråga 4: 'vet ej' är inte ett värde från 1 till 4",
        "rad 7: fråga 4: '0' är inte ett värde från 1 till 4",
        "rad 8: answered_on saknas",
        "rad 9: answered_on: '2030-13-01' är inte ett datum: skriv det som ÅÅÅÅ-MM-DD.",
        "rad 10: respondent_id saknas",
    ]


def test_a_column_that_is_no_question_is_an_error_of_the_file(
    survey, history_project, history_coordinator
):
    content = csv_file("respondent_id,answered_on,1,betyg", "R-1,2021-05-03,1,5")
    with pytest.raises(ImportFileError) as error:
        check(history_project, history_coordinator, content, survey=survey)
    assert str(error.value) == (
        "Kolumner som varken är en känd kolumn eller ett frågenummer: betyg"
    )
    # A number the survey does not have: the file may keep it empty, not fill it in.
    content = csv_file(
        "respondent_id,answered_on,1,q9,fråga 5", "R-1,2021-05-03,1,,Ok", "R-2,2021-05-03,1,3,"
    )
    assert lines(check(history_project, history_coordinator, content, survey=survey)) == [
        "rad 2: ny",
        "rad 3: enkäten har ingen fråga 9",
    ]


def test_a_closed_survey_takes_its_history(survey, history_project, history_coordinator):
    Survey.objects.filter(pk=survey.pk).update(is_open=False)
    batch = commit(history_project, history_coordinator, GOOD, survey=survey)
    assert batch.result["new"] == 4
    assert Response.objects.filter(survey=survey).count() == 4


def test_the_survey_is_chosen_or_named_in_a_column(survey, history_project, history_coordinator):
    with pytest.raises(ImportFileError) as error:
        check(history_project, history_coordinator, GOOD)
    assert str(error.value) == "Välj enkäten, eller ge varje rad en kolumn 'survey' med dess namn."

    named = csv_file(
        "survey,respondent_id,answered_on,1",
        "uppföljning 2021,R-1,2021-05-03,1",
        "Uppföljning 2012,R-2,2021-05-03,1",
        ",R-3,2021-05-03,1",
    )
    assert lines(check(history_project, history_coordinator, named)) == [
        "rad 2: ny",
        "rad 3: projektet har ingen enkät 'Uppföljning 2012' — menade du Uppföljning 2021?",
        "rad 4: survey saknas",
    ]
    other = Survey.objects.create(
        federation=history_project.federation,
        project=history_project,
        name="Samverkan",
        audience="partners",
    )
    # Chosen on upload (or --survey): a row naming another of the project's surveys is wrong.
    chosen = csv_file(
        "survey,respondent_id,answered_on,1",
        "Uppföljning 2021,R-1,2021-05-03,1",
        ",R-2,2021-05-03,1",
        "Samverkan,R-3,2021-05-03,1",
    )
    assert lines(check(history_project, history_coordinator, chosen, survey=survey)) == [
        "rad 2: ny",
        "rad 3: ny",
        "rad 4: raden anger en annan enkät, 'Samverkan', än den valda",
    ]
    assert other.project == history_project
    # The survey column, without a chosen survey: the key names the survey.
    batch = commit(history_project, history_coordinator, named, only_valid_rows=True)
    assert batch.survey_id is None
    assert batch.preview["rows"][0]["key"] == "Uppföljning 2021: R-1"
    assert list(Response.objects.values_list("survey__name", "external_id")) == [
        ("Uppföljning 2021", "R-1")
    ]


def test_reimport_is_unchanged_and_a_changed_answer_is_an_update(
    survey, history_project, history_coordinator
):
    commit(history_project, history_coordinator, GOOD, survey=survey)
    again = check(history_project, history_coordinator, GOOD, survey=survey)
    assert [r.outcome for r in again.rows] == [Outcome.UNCHANGED] * 4
    batch = commit(history_project, history_coordinator, GOOD, survey=survey)
    assert batch.result["unchanged"] == 4
    assert Response.objects.count() == 4 and Answer.objects.count() == 12

    corrected = csv_file(
        HEADER,
        "R-1,2021-05-03,2,1;3,4,3,Bra samarbete",
        "R-2,2021-05-04,varje VECKA,telefon,vet ej,1,",  # one option less
        "R-3,2021-05-07,,,,,",  # another date
        "R-4,2021-05-06,3,Möte,,4,",
        "R-5,2021-05-08,1,,,,",  # new
    )
    assert lines(check(history_project, history_coordinator, corrected, survey=survey)) == [
        "rad 2: oförändrad",
        "rad 3: ändrad — ändras: svar",
        "rad 4: ändrad — ändras: answered_on",
        "rad 5: oförändrad",
        "rad 6: ny",
    ]
    commit(history_project, history_coordinator, corrected, survey=survey)
    response = Response.objects.get(external_id="R-2")
    assert answers_of(response)[2] == ["Telefon"]
    assert Response.objects.get(external_id="R-3").answered_on == date(2021, 5, 7)
    assert Response.objects.count() == 5


def test_only_the_valid_rows_are_written_when_asked(survey, history_project, history_coordinator):
    content = csv_file(HEADER, "R-1,2021-05-03,1,,,,", "R-2,2021-05-03,9,,,,")
    with pytest.raises(services.ImportRefused):
        commit(history_project, history_coordinator, content, survey=survey)
    assert not Response.objects.exists()
    batch = commit(
        history_project, history_coordinator, content, survey=survey, only_valid_rows=True
    )
    assert (batch.result["new"], batch.result["error"]) == (1, 1)
    assert list(Response.objects.values_list("external_id", flat=True)) == ["R-1"]


def test_a_survey_of_another_project_cannot_be_chosen(
    survey, project_a, history_project, history_coordinator
):
    elsewhere = Survey.objects.create(
        federation=project_a.federation, project=project_a, name="Annan", audience="partners"
    )
    with pytest.raises(ImportFileError) as error:
        check(history_project, history_coordinator, GOOD, survey=elsewhere)
    assert str(error.value) == "Den valda enkäten är inte en av projektets enkäter."

"""Survey definitions: the three built-in surveys, copying one into a project, the question
editor with its rules per type, the lock once a survey has answers, new versions, and who may
do what."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessLogEntry, Membership, Project
from fokus.policy import surveys as survey_policy
from fokus.roles import Role
from surveys import definitions, translations
from surveys.models import Answer, Channel, Option, Question, Response, Survey
from surveys.questions import QuestionData, questions_of
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
PARTNER = "Samverkan"
AFTER_GROUP = "Deltagarenkät efter gruppverksamheten"
AT_EXIT = "Deltagarenkät vid avslut"


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def other_coordinator(fed_a, project_a_other):
    """A coordinator of federation A who works in another project."""
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


@pytest.fixture
def partner_template():
    return Survey.objects.templates().get(name=PARTNER)


@pytest.fixture
def client_a(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def survey(partner_template, project_a, coordinator):
    """The project's copy of the partner survey."""
    return definitions.survey_copy(actor=coordinator, source=partner_template, project=project_a)


@pytest.fixture
def small_survey(project_a, coordinator):
    """A project survey with one question of each type."""
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Liten enkät",
        audience="participants",
        translations={"en": {"name": "Small survey", "introduction": "Hello"}},
        introduction="Hej",
    )
    single = Question.objects.create(
        survey=survey,
        position=1,
        kind="single",
        text="Välj en",
        required=True,
        translations={"en": {"text": "Choose one"}},
    )
    Option.objects.create(question=single, position=1, text="A", translations={"en": "A-en"})
    Option.objects.create(question=single, position=2, text="B", translations={"en": "B-en"})
    Question.objects.create(
        survey=survey,
        position=2,
        kind="scale",
        text="Hur bra?",
        scale_max=5,
        scale_min_label="Dåligt",
        scale_max_label="Bra",
        translations={"en": {"text": "How good?", "scale_min_label": "Bad"}},
    )
    Question.objects.create(
        survey=survey, position=3, kind="text", text="Något mer?", translations={"en": {}}
    )
    return survey


def answer(survey):
    """One paper response with an answer to the first question, made with the ORM."""
    question = survey.questions.first()
    response = Response.objects.create(
        survey=survey, channel=Channel.PAPER, entered_by=survey.created_by or _any_user()
    )
    stored = Answer.objects.create(response=response, question=question)
    if question.options.exists():
        stored.options.add(question.options.first())
    return response


def _any_user():
    from fokus.models import User

    return User.objects.first()


def text(msgid: str, **params) -> str:
    """A message as the active language says it."""
    return _(msgid) % params if params else _(msgid)


def url(name, *args):
    return reverse(f"surveys:{name}", args=args)


def questions_post(questions, *, total=None, initial=0, **survey_fields):
    """POST data for the editor: survey fields and one box per question dict."""
    data = {
        "name": "Enkät",
        "introduction": "",
        "thanks": "",
        "is_open": "on",
        "questions-TOTAL_FORMS": str(total if total is not None else len(questions)),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "60",
    }
    data.update(survey_fields)
    for index, question in enumerate(questions):
        for key, value in question.items():
            if value is True:
                value = "on"
            elif value is False:
                continue
            data[f"questions-{index}-{key}"] = "" if value is None else str(value)
    return data


def current_questions(survey):
    """The editor's data for the survey's questions as they are."""
    rows = []
    for position, q in enumerate(questions_of(survey), start=1):
        rows.append(
            {
                "source_id": q.source_id,
                "kind": q.kind,
                "text": q.text,
                "help_text": q.help_text,
                "required": q.required,
                "options": "\n".join(q.options),
                "scale_max": q.scale_max,
                "scale_min_label": q.scale_min_label,
                "scale_max_label": q.scale_max_label,
                "allow_dont_know": q.allow_dont_know,
                "ORDER": position,
            }
        )
    return rows


def shape(survey):
    """Everything that defines a survey's questions, comparable between surveys."""
    return [
        (
            q.position,
            q.kind,
            q.text,
            q.help_text,
            q.required,
            q.scale_max,
            q.scale_min_label,
            q.scale_max_label,
            q.allow_dont_know,
            q.translations,
            [(o.position, o.text, o.translations) for o in q.options.all()],
        )
        for q in survey.questions.prefetch_related("options")
    ]


# --- The built-in surveys ---------------------------------------------------------------------


def test_it_has_exactly_the_three_built_in_surveys():
    templates = Survey.objects.templates()
    assert sorted(templates.values_list("name", flat=True)) == sorted(
        [PARTNER, AFTER_GROUP, AT_EXIT]
    )
    assert all(t.federation_id is None and t.version == 1 for t in templates)
    assert dict(templates.values_list("name", "audience")) == {
        PARTNER: "partners",
        AFTER_GROUP: "participants",
        AT_EXIT: "participants",
    }


def test_it_defines_the_partner_survey_exactly(partner_template):
    questions = list(partner_template.questions.prefetch_related("options"))
    assert [(q.position, q.kind, q.required) for q in questions] == [
        (1, "single", True),
        (2, "scale", True),
        (3, "scale", True),
        (4, "scale", True),
        (5, "single", True),
        (6, "scale", True),
        (7, "scale", True),
        (8, "scale", True),
        (9, "text", False),
    ]
    q = {question.position: question for question in questions}
    assert q[1].text == "Hur ofta har du haft kontakt med projektet?"
    assert [o.text for o in q[1].options.all()] == [
        "Varje vecka",
        "Någon gång i månaden",
        "Varannan månad",
        "Mer sällan",
        "Några enstaka gånger",
    ]
    assert q[2].text == "Hur lätt har det varit att nå projektet?"
    assert q[5].text == "Har projektet förbättrat ert samarbete med parterna?"
    assert [o.text for o in q[5].options.all()] == ["Nej", "Ja", "Ja, med flera"]
    assert q[9].text == "Övriga kommentarer" and not q[9].options.exists()
    scales = {
        n: (q[n].scale_max, q[n].scale_min_label, q[n].scale_max_label, q[n].allow_dont_know)
        for n in (2, 3, 4, 6, 7, 8)
    }
    assert scales == {
        2: (4, "Svårt", "Lätt", False),
        3: (4, "Krångligt", "Lätt", False),
        4: (4, "Svårt", "Lätt", False),
        6: (4, "Mycket dåligt", "Mycket bra", False),
        7: (4, "Oförändrat/bakåt", "Mycket bra/framåt", False),
        8: (4, "Litet", "Stort", False),
    }
    assert "information" in q[3].text and "personalen" in q[4].text
    assert "helhet" in q[6].text and "deltagarna" in q[7].text and "framtiden" in q[8].text
    # Choice questions have no scale, and nothing else has options.
    assert all(q[n].scale_max is None for n in (1, 5, 9))
    assert all(not q[n].options.exists() for n in (2, 3, 4, 6, 7, 8))


def test_it_defines_the_participant_surveys_as_open_questions():
    after = Survey.objects.templates().get(name=AFTER_GROUP)
    at_exit = Survey.objects.templates().get(name=AT_EXIT)
    after_texts = list(after.questions.values_list("text", flat=True))
    exit_texts = list(at_exit.questions.values_list("text", flat=True))
    assert len(after_texts) == 10 and len(exit_texts) == 8
    assert after_texts[:2] == ["Vad skulle kunna bli bättre?", "Vad har varit bäst?"]
    assert "Vad tycker du om digitala grupper?" in after_texts
    assert "Vad har gruppen gett dig?" in after_texts
    assert exit_texts[1] == "Vad blir ditt nästa steg?"
    assert "Hur har du blivit bemött av personalen?" in exit_texts
    for survey in (after, at_exit):
        assert set(survey.questions.values_list("kind", "required")) == {("text", False)}
        assert not Option.objects.filter(question__survey=survey).exists()
        assert survey.questions.values("position").distinct().count() == survey.questions.count()


def test_it_gives_every_built_in_text_an_english_translation():
    for survey in Survey.objects.templates():
        assert survey.translations["en"]["name"] and survey.translations["en"]["introduction"]
        for question in survey.questions.prefetch_related("options"):
            assert question.translations["en"]["text"], question
            if question.kind == "scale":
                assert question.translations["en"]["scale_min_label"]
                assert question.translations["en"]["scale_max_label"]
            for option in question.options.all():
                assert option.translations["en"], option
    partner = Survey.objects.templates().get(name=PARTNER)
    assert partner.questions.get(position=2).translations["en"] == {
        "text": "How easy was it to reach the project?",
        "scale_min_label": "Hard",
        "scale_max_label": "Easy",
    }
    assert partner.questions.get(position=5).options.get(position=3).translations == {
        "en": "Yes, with several"
    }


# --- Copying --------------------------------------------------------------------------------


def test_it_copies_a_built_in_survey_into_the_project(client_a, partner_template, project_a):
    response = client_a.post(url("survey-copy", project_a.pk, partner_template.public_id))
    copy = Survey.objects.get(project=project_a)
    assert response.status_code == 302
    assert response["Location"] == url("survey-edit", copy.public_id)
    assert copy.name == PARTNER and copy.version == 1 and copy.is_open
    assert copy.copied_from == partner_template and copy.federation == project_a.federation
    assert copy.audience == "partners" and copy.translations == partner_template.translations
    assert shape(copy) == shape(partner_template)
    assert copy.questions.count() == 9
    assert AccessLogEntry.objects.filter(object_id=str(copy.public_id), action="create").exists()


def test_a_copy_is_independent_of_its_template(survey, partner_template, coordinator):
    before = shape(partner_template)
    rows = current_questions(survey)
    rows[0]["options"] = "Ofta\nSällan"
    rows[1]["text"] = "Hur lätt var det att nå er?"
    definitions.survey_update(
        actor=coordinator,
        survey=survey,
        name="Samverkan 2026",
        introduction="Ny text",
        thanks="",
        is_open=True,
        follows_individuals=False,
        questions=[QuestionData(**_data(row)) for row in rows[1:]],
    )
    partner_template.refresh_from_db()
    assert shape(partner_template) == before
    assert partner_template.name == PARTNER
    assert survey.questions.count() == 8
    assert Question.objects.filter(survey=partner_template).count() == 9


def _data(row):
    return {
        "kind": row["kind"],
        "text": row["text"],
        "required": row["required"],
        "scale_max": row["scale_max"],
        "scale_min_label": row["scale_min_label"],
        "scale_max_label": row["scale_max_label"],
        "options": [line for line in row["options"].splitlines() if line],
        "source_id": row["source_id"],
    }


def test_it_copies_another_project_survey_the_coordinator_runs(
    fed_a, project_a, project_a_other, coordinator, partner_template, client_a
):
    Membership.objects.create(
        user=coordinator, federation=fed_a, role=Role.COORDINATOR, project=project_a_other
    )
    source = definitions.survey_copy(
        actor=coordinator, source=partner_template, project=project_a_other
    )
    response = client_a.post(url("survey-copy", project_a.pk, source.public_id))
    assert response.status_code == 302
    copy = Survey.objects.get(project=project_a)
    assert copy.copied_from == source and shape(copy) == shape(source)


def test_it_does_not_copy_a_survey_the_coordinator_cannot_see(
    client_a, project_a, project_a_other, project_b, other_coordinator, partner_template
):
    not_mine = definitions.survey_copy(
        actor=other_coordinator, source=partner_template, project=project_a_other
    )
    other_federation = definitions.survey_copy(
        actor=other_coordinator, source=partner_template, project=project_b
    )
    for source in (not_mine, other_federation):
        response = client_a.post(url("survey-copy", project_a.pk, source.public_id))
        assert response.status_code == 404
    assert client_a.post(url("survey-copy", project_a.pk, uuid.uuid4())).status_code == 404
    assert not Survey.objects.filter(project=project_a).exists()


def test_copying_is_a_post(client_a, project_a, partner_template):
    response = client_a.get(url("survey-copy", project_a.pk, partner_template.public_id))
    assert response.status_code == 405
    assert not Survey.objects.filter(project=project_a).exists()


# --- The editor -------------------------------------------------------------------------------


def test_only_participant_surveys_can_follow_individuals(client_a, survey, small_survey):
    partner = client_a.get(url("survey-edit", survey.public_id)).content.decode()
    participants = client_a.get(url("survey-edit", small_survey.public_id)).content.decode()
    assert 'name="follows_individuals"' not in partner
    assert 'name="follows_individuals"' in participants
    rows = current_questions(small_survey)
    data = questions_post(rows, name="Liten enkät", introduction="Hej", follows_individuals="on")
    assert client_a.post(url("survey-edit", small_survey.public_id), data).status_code == 302
    small_survey.refresh_from_db()
    assert small_survey.follows_individuals
    data = questions_post(current_questions(survey), name=PARTNER, follows_individuals="on")
    assert client_a.post(url("survey-edit", survey.public_id), data).status_code == 302
    survey.refresh_from_db()
    assert not survey.follows_individuals


def test_the_editor_shows_the_questions_in_boxes(client_a, survey):
    page = client_a.get(url("survey-edit", survey.public_id))
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="questions-TOTAL_FORMS" value="11"' in body  # 9 questions and 2 empty boxes
    assert "Hur ofta har du haft kontakt med projektet?" in body
    assert "Mycket bra/framåt" in body


def test_it_saves_questions_of_every_type_in_the_order_asked(client_a, survey):
    data = questions_post(
        [
            {"kind": "text", "text": "Övrigt", "ORDER": 4},
            {
                "kind": "scale",
                "text": "Hur nöjd?",
                "scale_max": 5,
                "scale_min_label": "Inte alls",
                "scale_max_label": "Mycket",
                "allow_dont_know": True,
                "required": True,
                "ORDER": 1,
            },
            {
                "kind": "multiple",
                "text": "Vilka?",
                "options": "AF\r\nFK\r\n\r\n  Region  ",
                "ORDER": 2,
            },
            {"kind": "single", "text": "", "options": "", "ORDER": ""},  # empty box: skipped
            {"kind": "single", "text": "Tas bort", "options": "X\nY", "DELETE": True},
            {"kind": "single", "text": "Ja eller nej?", "options": "Ja\nNej", "ORDER": 3},
        ],
        name="Min enkät",
        introduction="Välkommen",
    )
    response = client_a.post(url("survey-edit", survey.public_id), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    survey.refresh_from_db()
    assert survey.name == "Min enkät" and survey.introduction == "Välkommen"
    rows = [
        (q.position, q.kind, q.text, q.required, q.scale_max, q.allow_dont_know)
        for q in survey.questions.all()
    ]
    assert rows == [
        (1, "scale", "Hur nöjd?", True, 5, True),
        (2, "multiple", "Vilka?", False, None, False),
        (3, "single", "Ja eller nej?", False, None, False),
        (4, "text", "Övrigt", False, None, False),
    ]
    assert list(survey.questions.get(position=2).options.values_list("text", flat=True)) == [
        "AF",
        "FK",
        "Region",
    ]
    scale = survey.questions.get(position=1)
    assert (scale.scale_min_label, scale.scale_max_label) == ("Inte alls", "Mycket")
    assert not survey.questions.get(position=1).options.exists()
    log = AccessLogEntry.objects.get(object_id=str(survey.public_id), action="change")
    assert "name" in log.detail and "4 questions" in log.detail


TWO_OPTIONS = "A choice question needs at least two options, one per line."
SCALE_RANGE = "Enter a whole number from 2 to 10."


@pytest.mark.parametrize(
    ("question", "field", "message"),
    [
        ({"kind": "single", "text": "Välj", "options": "Bara en"}, "options", text(TWO_OPTIONS)),
        ({"kind": "multiple", "text": "Välj", "options": ""}, "options", text(TWO_OPTIONS)),
        (
            {"kind": "single", "text": "Välj", "options": "A\nA"},
            "options",
            text("Each option must be different: “%(option)s” is there twice.", option="A"),
        ),
        ({"kind": "single", "text": "", "options": "A\nB"}, "text", text("Write the question.")),
        (
            {"kind": "scale", "text": "Skala", "scale_min_label": "Låg", "scale_max_label": "Hög"},
            "scale_max",
            text(
                "Enter the highest value of the scale, a whole number from %(low)d to %(high)d.",
                low=2,
                high=10,
            ),
        ),
        (
            {"kind": "scale", "text": "Skala", "scale_max": 11, "scale_min_label": "L"},
            "scale_max",
            text(SCALE_RANGE),
        ),
        (
            {"kind": "scale", "text": "Skala", "scale_max": 1, "scale_min_label": "L"},
            "scale_max",
            text(SCALE_RANGE),
        ),
        (
            {"kind": "scale", "text": "Skala", "scale_max": 4, "scale_max_label": "Hög"},
            "scale_min_label",
            text("Write what the lowest value (1) means."),
        ),
        (
            {"kind": "scale", "text": "Skala", "scale_max": 4, "scale_min_label": "Låg"},
            "scale_max_label",
            text("Write what the highest value means."),
        ),
        (
            {
                "kind": "scale",
                "text": "Skala",
                "scale_max": 4,
                "scale_min_label": "Låg",
                "scale_max_label": "Hög",
                "options": "1\n2",
            },
            "options",
            text("A scale has no options: empty the box or choose another type."),
        ),
        (
            {"kind": "text", "text": "Fritt", "options": "A\nB"},
            "options",
            text("A free-text question has no options: empty the box or choose another type."),
        ),
        ({"kind": "quiz", "text": "Vad?"}, "kind", text("Choose one of the types in the list.")),
    ],
)
def test_it_checks_each_type_of_question(client_a, survey, question, field, message):
    before = shape(survey)
    data = questions_post([question, {"kind": "text", "text": "Övrigt"}])
    response = client_a.post(url("survey-edit", survey.public_id), data)
    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors
    assert errors.get(field) == [message], errors
    body = response.content.decode()
    assert escape(text(FORM_ERRORS)) in body
    # What was typed is kept.
    if question["text"]:
        assert escape(question["text"]) in body
    survey.refresh_from_db()
    assert shape(survey) == before and survey.name == PARTNER


def test_it_refuses_a_survey_without_questions(client_a, survey):
    data = questions_post([{"kind": "single", "text": "", "options": ""}])
    response = client_a.post(url("survey-edit", survey.public_id), data)
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors() == [
        text("A survey needs at least one question: fill in at least one row.")
    ]
    assert survey.questions.count() == 9


def test_it_leaves_out_scale_settings_of_other_types(client_a, survey):
    data = questions_post(
        [
            {
                "kind": "single",
                "text": "Välj",
                "options": "A\nB",
                "scale_max": 4,
                "scale_min_label": "Låg",
                "allow_dont_know": True,
            }
        ]
    )
    assert client_a.post(url("survey-edit", survey.public_id), data).status_code == 302
    question = survey.questions.get()
    assert question.scale_max is None and question.scale_min_label == ""
    assert not question.allow_dont_know


def test_a_tampered_form_gives_a_clear_error_not_a_crash(client_a, survey):
    data = questions_post([{"kind": "text", "text": "Fritt"}])
    data["questions-TOTAL_FORMS"] = "många"
    response = client_a.post(url("survey-edit", survey.public_id), data)
    assert response.status_code == 400
    assert survey.questions.count() == 9
    data = questions_post([{"kind": "text", "text": "Fritt", "ORDER": "först"}])
    assert client_a.post(url("survey-edit", survey.public_id), data).status_code == 400


def test_more_boxes_saves_nothing(client_a, survey):
    data = questions_post([{"kind": "text", "text": "Fritt"}], more_rows="1")
    response = client_a.post(url("survey-edit", survey.public_id), data)
    assert response.status_code == 200
    assert response.context["formset"].total_form_count() == 4
    assert survey.questions.count() == 9


def test_it_keeps_translations_of_unchanged_texts_only(client_a, small_survey):
    rows = current_questions(small_survey)
    rows[0]["options"] = "A\nC"  # B removed, C added
    rows[1]["text"] = "Hur bra var det?"  # the translated text changed
    data = questions_post(rows, name="Liten enkät", introduction="Hej igen")
    response = client_a.post(url("survey-edit", small_survey.public_id), data)
    assert response.status_code == 302
    small_survey.refresh_from_db()
    assert small_survey.translations == {"en": {"name": "Small survey"}}
    single, scale, _text = small_survey.questions.all()
    assert single.translations == {"en": {"text": "Choose one"}}
    assert [(o.text, o.translations) for o in single.options.all()] == [
        ("A", {"en": "A-en"}),
        ("C", {}),
    ]
    assert scale.translations == {"en": {"scale_min_label": "Bad"}}


def test_a_question_id_of_another_survey_is_treated_as_new(client_a, small_survey, survey):
    foreign = small_survey.questions.get(position=1)
    data = questions_post(
        [{"source_id": foreign.pk, "kind": "single", "text": "Ny", "options": "X\nY"}]
    )
    assert client_a.post(url("survey-edit", survey.public_id), data).status_code == 302
    foreign.refresh_from_db()
    assert foreign.survey == small_survey and foreign.text == "Välj en"
    assert survey.questions.get().text == "Ny"
    assert small_survey.questions.count() == 3


# --- Answered surveys and versions ------------------------------------------------------------


def test_it_refuses_to_change_the_questions_once_answered(client_a, survey):
    answer(survey)
    before = shape(survey)
    data = questions_post(current_questions(survey)[:3], name=PARTNER)
    response = client_a.post(url("survey-edit", survey.public_id), data)
    assert response.status_code == 403
    assert escape(survey_policy.edit_refusal(survey)) in response.content.decode()
    survey.refresh_from_db()
    assert shape(survey) == before
    with pytest.raises(definitions.QuestionsLocked):
        definitions.survey_update(
            actor=survey.created_by,
            survey=survey,
            name=PARTNER,
            introduction="",
            thanks="",
            is_open=True,
            follows_individuals=False,
            questions=questions_of(survey),
        )


def test_an_answered_survey_still_takes_a_new_name_and_can_close(client_a, survey):
    answer(survey)
    page = client_a.get(url("survey-edit", survey.public_id))
    assert page.status_code == 200
    body = page.content.decode()
    assert "questions-TOTAL_FORMS" not in body
    assert url("survey-new-version", survey.public_id) in body
    assert "Hur ofta har du haft kontakt med projektet?" in body  # shown read-only
    response = client_a.post(
        url("survey-edit", survey.public_id),
        {"name": "Samverkan vår", "introduction": "Ny", "thanks": "Tack"},
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.name, survey.introduction, survey.is_open) == ("Samverkan vår", "Ny", False)
    assert survey.questions.count() == 9


def test_a_new_version_copies_the_questions_and_closes_the_old_one(client_a, survey):
    answer(survey)
    response = client_a.post(url("survey-new-version", survey.public_id))
    new = Survey.objects.get(previous_version=survey)
    assert response.status_code == 302
    assert response["Location"] == url("survey-edit", new.public_id)
    survey.refresh_from_db()
    assert not survey.is_open and survey.responses.count() == 1
    assert new.version == 2 and new.project == survey.project and new.is_open
    assert new.name == survey.name and new.copied_from == survey.copied_from
    assert shape(new) == shape(survey)
    # The new version is unanswered, so its questions can be changed.
    assert survey_policy.can_change_questions(new)
    data = questions_post([{"kind": "text", "text": "Bara en fråga"}], name=new.name)
    assert client_a.post(url("survey-edit", new.public_id), data).status_code == 302
    assert survey.questions.count() == 9 and new.questions.count() == 1


def test_a_second_new_version_of_an_old_version_leads_to_the_latest(client_a, survey):
    answer(survey)
    client_a.post(url("survey-new-version", survey.public_id))
    latest = Survey.objects.get(previous_version=survey)
    response = client_a.post(url("survey-new-version", survey.public_id))
    assert response.status_code == 302
    assert response["Location"] == url("survey-detail", latest.public_id)
    assert Survey.objects.filter(project=survey.project).count() == 2
    page = client_a.get(url("survey-detail", survey.public_id))
    assert url("survey-detail", latest.public_id) in page.content.decode()


def test_new_version_is_a_post(client_a, survey):
    assert client_a.get(url("survey-new-version", survey.public_id)).status_code == 405
    assert Survey.objects.filter(project=survey.project).count() == 1


def test_built_in_surveys_are_read_only(client_a, partner_template):
    assert client_a.get(url("survey-edit", partner_template.public_id)).status_code == 403
    response = client_a.post(url("survey-new-version", partner_template.public_id))
    assert response.status_code == 403
    assert Survey.objects.templates().count() == 3
    with pytest.raises(definitions.SurveyReadOnly):
        definitions.survey_new_version(actor=partner_template.created_by, survey=partner_template)


# --- Pages and access -----------------------------------------------------------------------


def test_the_list_shows_the_project_surveys_and_the_built_in_ones(client_a, survey, project_a):
    answer(survey)
    page = client_a.get(url("survey-list", project_a.pk))
    assert page.status_code == 200
    rows = {s.pk: s for s in page.context["surveys"]}
    assert rows[survey.pk].response_count == 1
    body = page.content.decode()
    assert url("survey-detail", survey.public_id) in body
    assert url("survey-results", survey.public_id) in body
    for template in Survey.objects.templates():
        assert url("survey-copy", project_a.pk, template.public_id) in body


def test_federation_staff_read_the_list_without_copy_buttons(
    persona_client, survey, project_a, partner_template
):
    client = persona_client("federation_staff")
    page = client.get(url("survey-list", project_a.pk))
    assert page.status_code == 200
    body = page.content.decode()
    assert url("survey-detail", survey.public_id) in body
    assert "survey-copy" not in body and "/copy/" not in body
    detail = client.get(url("survey-detail", survey.public_id))
    assert detail.status_code == 200
    assert url("survey-edit", survey.public_id) not in detail.content.decode()
    assert url("survey-results", survey.public_id) in detail.content.decode()
    assert client.get(url("survey-edit", survey.public_id)).status_code == 403
    assert (
        client.post(url("survey-copy", project_a.pk, partner_template.public_id)).status_code == 403
    )
    assert client.post(url("survey-new-version", survey.public_id)).status_code == 403


def test_the_detail_page_links_to_sending_answering_and_results(
    client_a, small_survey, cohort, survey
):
    body = client_a.get(url("survey-detail", small_survey.public_id)).content.decode()
    assert url("anonymous-link", small_survey.public_id, cohort.pk) in body
    assert url("paper-answer", small_survey.public_id) in body
    assert url("survey-results", small_survey.public_id) in body
    assert url("survey-edit", small_survey.public_id) in body
    assert translations.language_name("en") in body
    partner = client_a.get(url("survey-detail", survey.public_id)).content.decode()
    assert url("survey-send", survey.public_id) in partner
    assert url("anonymous-link", survey.public_id, cohort.pk) not in partner


@pytest.mark.parametrize(
    ("persona", "list_status", "detail_status", "edit_status"),
    [
        ("coordinator", 200, 200, 200),
        ("other_coordinator", 404, 404, 404),
        ("federation_staff", 200, 200, 403),
        ("case_officer_a", 403, 403, 403),
        ("case_group_member", 403, 403, 403),
        ("no_role_user", 403, 403, 403),
        ("outsider", 404, 404, 404),
        ("anonymous", 302, 302, 302),
    ],
)
def test_who_may_see_and_change_a_project_survey(
    persona_client,
    other_coordinator,
    survey,
    project_a,
    persona,
    list_status,
    detail_status,
    edit_status,
):
    client = persona_client(persona)
    for target, expected in (
        (url("survey-list", project_a.pk), list_status),
        (url("survey-detail", survey.public_id), detail_status),
        (url("survey-edit", survey.public_id), edit_status),
    ):
        response = client.get(target)
        assert response.status_code == expected, (persona, target)
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("coordinator", 302),
        ("other_coordinator", 404),
        ("federation_staff", 403),
        ("case_officer_a", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_who_may_copy_and_make_new_versions(
    persona_client, other_coordinator, survey, partner_template, project_a, persona, status
):
    client = persona_client(persona)
    copy = client.post(url("survey-copy", project_a.pk, partner_template.public_id))
    version = client.post(url("survey-new-version", survey.public_id))
    assert (copy.status_code, version.status_code) == (status, status)
    made = Survey.objects.filter(project=project_a).count()
    assert made == (3 if persona == "coordinator" else 1)


@pytest.mark.parametrize("persona", ["case_officer_a", "outsider", "federation_staff"])
def test_built_in_surveys_are_readable_by_anyone_with_a_role(
    persona_client, partner_template, persona
):
    page = persona_client(persona).get(url("survey-detail", partner_template.public_id))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Hur ofta har du haft kontakt med projektet?" in body
    assert url("survey-edit", partner_template.public_id) not in body
    if persona == "outsider":
        # A coordinator of federation B may copy it to their own project.
        project_b = Project.objects.get(name="Insats B")
        assert url("survey-copy", project_b.pk, partner_template.public_id) in body
    else:
        assert "/copy/" not in body


def test_a_coordinator_can_copy_from_the_built_in_survey_page(
    client_a, partner_template, project_a
):
    body = client_a.get(url("survey-detail", partner_template.public_id)).content.decode()
    assert url("survey-copy", project_a.pk, partner_template.public_id) in body


def test_a_survey_without_a_role_is_refused(persona_client, partner_template):
    response = persona_client("no_role_user").get(url("survey-detail", partner_template.public_id))
    assert response.status_code == 403

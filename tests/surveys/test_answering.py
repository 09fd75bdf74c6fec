"""Answering surveys: validation per question type, the personal one-time link (also under two
simultaneous submissions), the anonymous cohort link that stores no person, the thank-you page,
languages, and paper answers entered by the project's coordinators."""

import threading
from datetime import date, timedelta

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext, ngettext
from pghistory.models import Context

from cohorts.models import Cohort
from fokus.models import AccessLogEntry
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide
from surveys import answering
from surveys.answering import Unavailable, hash_token, new_token
from surveys.forms.answering import AnswerForm
from surveys.models import (
    AnonymousLink,
    Answer,
    Audience,
    Channel,
    Contact,
    Invitation,
    Option,
    Question,
    QuestionKind,
    Response,
    Survey,
)

# --- Fixtures -------------------------------------------------------------------------------


def _question(survey, position, kind, text, *, options=(), **fields):
    question = Question.objects.create(
        survey=survey, position=position, kind=kind, text=text, **fields
    )
    for index, option in enumerate(options, start=1):
        Option.objects.create(question=question, position=index, text=option)
    return question


def _survey(project, audience, name, **fields):
    return Survey.objects.create(
        federation=project.federation, project=project, name=name, audience=audience, **fields
    )


@pytest.fixture
def survey(project_a):
    """A partner survey with one question of each type."""
    survey = _survey(
        project_a,
        Audience.PARTNERS,
        "Samverkan",
        thanks="Tack för att du svarade!",
        translations={"en": {"name": "Collaboration", "thanks": "Thank you for answering!"}},
    )
    _question(
        survey,
        1,
        QuestionKind.SINGLE,
        "Hur ofta har du haft kontakt med projektet?",
        options=["Varje vecka", "Någon gång i månaden", "Mer sällan"],
        required=True,
        help_text="Räkna alla sätt: möten, telefon och e-post.",
        translations={"en": {"text": "How often have you been in contact with the project?"}},
    )
    _question(
        survey,
        2,
        QuestionKind.MULTIPLE,
        "Vilka parter har du samverkat med?",
        options=["Arbetsförmedlingen", "Försäkringskassan", "Socialtjänsten"],
    )
    _question(
        survey,
        3,
        QuestionKind.SCALE,
        "Hur lätt var det att nå projektet?",
        required=True,
        scale_max=4,
        scale_min_label="Svårt",
        scale_max_label="Lätt",
        allow_dont_know=True,
    )
    _question(survey, 4, QuestionKind.TEXT, "Övriga kommentarer")
    return survey


def _q(survey, position):
    return survey.questions.get(position=position)


def _option(survey, position, option_position):
    return Option.objects.get(question__survey=survey, question__position=position,
                              position=option_position)  # fmt: skip


def _valid(survey, **overrides):
    data = {
        f"q{_q(survey, 1).pk}": str(_option(survey, 1, 2).pk),
        f"q{_q(survey, 2).pk}": [str(_option(survey, 2, 1).pk), str(_option(survey, 2, 3).pk)],
        f"q{_q(survey, 3).pk}": "3",
        f"q{_q(survey, 4).pk}": "  Bra samarbete.  ",
    }
    data.update(overrides)
    return data


@pytest.fixture
def contact(project_a, agency_af):
    return Contact.objects.create(
        project=project_a, name="Anna Andersson", agency=agency_af, email="anna@af.example"
    )


def _invite(survey, contact, *, expires_on=None):
    token = new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        contact=contact,
        token_hash=hash_token(token),
        expires_on=expires_on or timezone.localdate() + timedelta(days=14),
    )
    return token, invitation


@pytest.fixture
def personal(survey, contact):
    """(token, invitation) of an open personal link."""
    return _invite(survey, contact)


@pytest.fixture
def participant_survey(project_a):
    survey = _survey(project_a, Audience.PARTICIPANTS, "Efter gruppen")
    _question(survey, 1, QuestionKind.TEXT, "Vad var bäst?", required=True)
    _question(survey, 2, QuestionKind.TEXT, "Vad kan bli bättre?")
    return survey


@pytest.fixture
def link(participant_survey, cohort, coordinator):
    token = new_token()
    link = AnonymousLink.objects.create(
        survey=participant_survey,
        cohort=cohort,
        token_hash=hash_token(token),
        created_by=coordinator,
    )
    # Only the hash is stored; the tests open the link with its token.
    link.token = token
    return link


def _personal_url(token):
    return reverse("surveys:answer-personal", args=[token])


def _anonymous_url(token):
    return reverse("surveys:answer-anonymous", args=[token])


def _form(survey, data, language="sv"):
    return AnswerForm(data, questions=answering.questions_of(survey), language=language)


# --- Tokens ---------------------------------------------------------------------------------


def test_it_makes_unguessable_tokens_and_stores_only_their_hash():
    token = new_token()
    assert len(token) >= 43 and token != new_token()
    assert hash_token(token) == hash_token(token)
    assert len(hash_token(token)) == 64 and token not in hash_token(token)


# --- Validation per question type ---------------------------------------------------------


def test_it_accepts_a_complete_answer_and_strips_free_text(survey):
    form = _form(survey, _valid(survey))
    assert form.is_valid(), form.errors
    answers = {a.question.position: a for a in form.answers()}
    assert answers[1].options == [_option(survey, 1, 2)]
    assert answers[2].options == [_option(survey, 2, 1), _option(survey, 2, 3)]
    assert (answers[3].scale_value, answers[3].dont_know) == (3, False)
    assert answers[4].text == "Bra samarbete."


def test_it_requires_required_questions_with_a_message(survey):
    form = _form(survey, _valid(survey, **{f"q{_q(survey, 1).pk}": "", f"q{_q(survey, 3).pk}": ""}))
    assert not form.is_valid()
    assert form.errors[f"q{_q(survey, 1).pk}"] == [gettext("This question must be answered.")]
    assert form.errors[f"q{_q(survey, 3).pk}"] == [gettext("This question must be answered.")]
    assert f"q{_q(survey, 2).pk}" not in form.errors  # optional


@pytest.mark.parametrize(
    "value", ["other-question", "999999", "abc", "", "two"], ids=lambda v: v or "blank"
)
def test_it_takes_exactly_one_option_of_this_question_for_a_single_choice(survey, value):
    field = f"q{_q(survey, 1).pk}"
    submitted = {
        "other-question": str(_option(survey, 2, 1).pk),
        "two": [str(_option(survey, 1, 1).pk), str(_option(survey, 1, 2).pk)],
    }.get(value, value)
    form = _form(survey, _valid(survey, **{field: submitted}))
    assert not form.is_valid()
    assert field in form.errors


def test_it_takes_a_subset_of_this_questions_options_for_a_multiple_choice(survey):
    field = f"q{_q(survey, 2).pk}"
    foreign = _form(survey, _valid(survey, **{field: [str(_option(survey, 1, 1).pk)]}))
    assert not foreign.is_valid()
    assert foreign.errors[field] == [gettext("Choose among the options shown.")]
    empty = _form(survey, _valid(survey, **{field: []}))
    assert empty.is_valid()
    assert next(a for a in empty.answers() if a.question.position == 2).options == []


def test_it_requires_at_least_one_option_of_a_required_multiple_choice(survey):
    question = _q(survey, 2)
    question.required = True
    question.save()
    form = _form(survey, _valid(survey, **{f"q{question.pk}": []}))
    assert not form.is_valid()
    assert form.errors[f"q{question.pk}"] == [gettext("Choose at least one option.")]


@pytest.mark.parametrize("value", ["0", "5", "2.0", " 2", "abc", ["2", "3"]])
def test_it_takes_a_scale_value_from_one_to_the_top(survey, value):
    field = f"q{_q(survey, 3).pk}"
    form = _form(survey, _valid(survey, **{field: value}))
    assert not form.is_valid()
    assert field in form.errors


def test_it_takes_dont_know_where_offered_but_not_together_with_a_value(survey):
    question = _q(survey, 3)
    field = f"q{question.pk}"
    form = _form(survey, _valid(survey, **{field: "dont_know"}))
    assert form.is_valid()
    answer = next(a for a in form.answers() if a.question == question)
    assert (answer.scale_value, answer.dont_know) == (None, True)
    both = _form(survey, _valid(survey, **{field: ["2", "dont_know"]}))
    assert not both.is_valid()
    assert both.errors[field] == [gettext("Choose either a value or “Don't know”, not both.")]
    question.allow_dont_know = False
    question.save()
    refused = _form(survey, _valid(survey, **{field: "dont_know"}))
    assert not refused.is_valid()
    assert refused.errors[field] == [gettext("Choose a value from 1 to %(max)s.") % {"max": 4}]


def test_it_limits_free_text_and_treats_blank_text_as_unanswered(survey):
    question = _q(survey, 4)
    field = f"q{question.pk}"
    too_long = _form(survey, _valid(survey, **{field: "x" * 5001}))
    assert not too_long.is_valid()
    assert "5000" in too_long.errors[field][0]
    assert _form(survey, _valid(survey, **{field: "x" * 5000})).is_valid()
    question.required = True
    question.save()
    blank = _form(survey, _valid(survey, **{field: "   \n "}))
    assert not blank.is_valid()
    assert blank.errors[field] == [gettext("This question must be answered.")]
    assert not _form(survey, _valid(survey, **{field: "nul\x00byte"})).is_valid()


def test_it_refuses_an_entirely_empty_form(participant_survey):
    question = _q(participant_survey, 1)
    question.required = False
    question.save()
    form = _form(participant_survey, {})
    assert not form.is_valid()
    assert form.non_field_errors() == [gettext("Answer at least one question before sending.")]


# --- The personal link ----------------------------------------------------------------------


def test_it_shows_the_form_with_numbered_fieldsets_on_a_personal_link(client, survey, personal):
    token, _ = personal
    page = client.get(_personal_url(token))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="sv"' in html
    assert "Hur ofta har du haft kontakt med projektet?" in html
    assert html.count("<fieldset") == 3 and html.count("<legend") == 3
    assert html.count("<textarea") == 1
    assert "Question 1 of 4" in html or "Fråga 1 av 4" in html
    # The help text is tied to its group; the scale shows its end labels.
    q1 = _q(survey, 1)
    assert f'aria-describedby="id_q{q1.pk}_help"' in html
    assert "1 = <span>Svårt</span>" in html and "4 = <span>Lätt</span>" in html
    # No app navigation, no login link, no inline script or style (CSP).
    assert reverse("login") not in html
    assert "<script" not in html and "style=" not in html


def test_it_saves_a_personal_answer_once_and_marks_the_invitation(client, survey, personal):
    token, invitation = personal
    reply = client.post(_personal_url(token), _valid(survey))
    assert reply.status_code == 302
    assert reply["Location"] == reverse("surveys:answer-thanks", args=[survey.public_id])
    response = Response.objects.get()
    assert (response.channel, response.invitation, response.language) == (
        Channel.PERSONAL,
        invitation,
        "sv",
    )
    assert response.entered_by is None and response.cohort is None
    assert Answer.objects.filter(response=response).count() == 4
    scale = Answer.objects.get(response=response, question=_q(survey, 3))
    assert scale.scale_value == 3
    text = Answer.objects.get(response=response, question=_q(survey, 4))
    assert text.text == "Bra samarbete."
    multiple = Answer.objects.get(response=response, question=_q(survey, 2))
    assert set(multiple.options.values_list("position", flat=True)) == {1, 3}
    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    # The link is used: a second visit and a second submission say so kindly, nothing stored.
    again = client.get(_personal_url(token))
    assert again.status_code == 410
    assert escape(gettext("You have already answered – thank you!")) in again.content.decode()
    resent = client.post(_personal_url(token), _valid(survey))
    assert resent.status_code == 410
    assert Response.objects.count() == 1


def test_it_does_not_store_unanswered_optional_questions(client, survey, personal):
    token, _ = personal
    data = _valid(survey, **{f"q{_q(survey, 2).pk}": [], f"q{_q(survey, 4).pk}": ""})
    assert client.post(_personal_url(token), data).status_code == 302
    assert set(Answer.objects.values_list("question__position", flat=True)) == {1, 3}


def test_it_keeps_what_was_typed_and_lists_the_errors_on_a_bad_submission(client, survey, personal):
    token, invitation = personal
    q1, q3, q4 = _q(survey, 1), _q(survey, 3), _q(survey, 4)
    data = _valid(survey, **{f"q{q1.pk}": "", f"q{q4.pk}": "Mitt <långa> svar"})
    reply = client.post(_personal_url(token), data)
    assert reply.status_code == 400
    html = reply.content.decode()
    assert 'role="alert"' in html
    assert f'href="#id_q{q1.pk}_0"' in html
    assert f'id="id_q{q1.pk}_error"' in html
    assert "Mitt &lt;långa&gt; svar</textarea>" in html
    assert f'id="id_q{q3.pk}_2" value="3" checked' in html
    for chosen in (_option(survey, 2, 1), _option(survey, 2, 3)):
        assert f'value="{chosen.pk}" checked' in html
    assert f'value="{_option(survey, 2, 2).pk}" checked' not in html
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_it_turns_a_tampered_option_of_another_question_into_a_message(client, survey, personal):
    token, _ = personal
    q1 = _q(survey, 1)
    data = _valid(survey, **{f"q{q1.pk}": str(_option(survey, 2, 1).pk)})
    reply = client.post(_personal_url(token), data)
    assert reply.status_code == 400
    assert escape(gettext("Choose one of the options shown.")) in reply.content.decode()
    assert not Response.objects.exists()


def test_it_says_an_unknown_link_is_not_valid(client, survey, personal):
    reply = client.get(_personal_url("not-a-real-token"))
    assert reply.status_code == 404
    assert escape(gettext("The link is not valid")) in reply.content.decode()
    assert client.post(_personal_url("not-a-real-token"), _valid(survey)).status_code == 404
    assert not Response.objects.exists()


def test_it_refuses_an_expired_link_and_keeps_nothing(client, survey, contact):
    token, invitation = _invite(survey, contact, expires_on=timezone.localdate() - timedelta(1))
    page = client.get(_personal_url(token))
    assert page.status_code == 410
    assert escape(gettext("The link is no longer valid")) in page.content.decode()
    assert client.post(_personal_url(token), _valid(survey)).status_code == 410
    assert not Response.objects.exists()
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_it_accepts_a_link_on_its_last_day(client, survey, contact):
    token, _ = _invite(survey, contact, expires_on=timezone.localdate())
    assert client.post(_personal_url(token), _valid(survey)).status_code == 302


def test_it_refuses_answers_to_a_closed_survey(client, survey, personal, link):
    token, _ = personal
    survey.is_open = False
    survey.save()
    assert client.get(_personal_url(token)).status_code == 410
    assert client.post(_personal_url(token), _valid(survey)).status_code == 410
    link.survey.is_open = False
    link.survey.save()
    closed = client.post(_anonymous_url(link.token), {f"q{_q(link.survey, 1).pk}": "Bra"})
    assert closed.status_code == 410
    assert escape(gettext("The survey is closed")) in closed.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_a_survey_closed_between_opening_and_sending(client, survey, personal):
    token, invitation = personal
    form = _form(survey, _valid(survey))
    assert form.is_valid()
    survey.is_open = False
    survey.save()
    with pytest.raises(Unavailable) as refused:
        answering.response_save_personal(
            invitation=invitation, answers=form.answers(), language="sv"
        )
    assert refused.value.reason == Unavailable.CLOSED
    assert not Response.objects.exists()


def test_the_database_keeps_one_response_per_invitation_if_the_checks_were_passed(
    survey, personal, monkeypatch
):
    """The last guard: two transactions that both passed the checks; the one-to-one
    constraint turns the second into "already answered"."""
    token, invitation = personal
    form = _form(survey, _valid(survey))
    assert form.is_valid()
    answering.response_save_personal(invitation=invitation, answers=form.answers(), language="sv")
    monkeypatch.setattr(answering, "_check_invitation", lambda invitation, today: None)
    with pytest.raises(Unavailable) as refused:
        answering.response_save_personal(
            invitation=invitation, answers=form.answers(), language="sv"
        )
    assert refused.value.reason == Unavailable.ANSWERED
    assert Response.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_stores_exactly_one_response_when_a_link_is_sent_twice_at_once(survey, personal):
    """Two submissions of the same personal link at the same moment (a double tap, two
    devices), each through its own database connection."""
    token, invitation = personal
    data = _valid(survey)
    barrier = threading.Barrier(2)
    statuses = []

    def submit():
        try:
            barrier.wait(timeout=10)
            statuses.append(Client().post(_personal_url(token), data).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == [302, 410]
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert Answer.objects.count() == 4


def test_it_does_not_attach_a_logged_in_user_to_a_personal_answer(
    persona_client, coordinator, survey, personal
):
    token, invitation = personal
    client = persona_client("coordinator")
    log_rows = AccessLogEntry.objects.count()
    assert client.get(_personal_url(token)).status_code == 200
    assert client.post(_personal_url(token), _valid(survey)).status_code == 302
    response = Response.objects.get()
    assert response.entered_by is None
    assert AccessLogEntry.objects.count() == log_rows
    # Row history of the invitation knows neither the logged-in user nor the token.
    contexts = Context.objects.all()
    assert [c.metadata for c in contexts] == [{"user": None, "url": "/s/p/-/"}]
    assert not any(c.metadata.get("user") == coordinator.pk for c in contexts)
    assert not any(token in str(c.metadata) for c in contexts)


# --- The anonymous link ---------------------------------------------------------------------


def test_it_stores_an_anonymous_answer_with_the_cohort_and_no_person(
    client, participant_survey, link, cohort
):
    q1 = _q(participant_survey, 1)
    log_rows = AccessLogEntry.objects.count()
    assert client.get(_anonymous_url(link.token)).status_code == 200
    reply = client.post(_anonymous_url(link.token), {f"q{q1.pk}": "Gruppen"})
    assert reply.status_code == 302
    response = Response.objects.get()
    assert response.channel == Channel.ANONYMOUS
    assert response.cohort == cohort
    assert (response.invitation, response.entered_by, response.answered_on) == (None, None, None)
    assert Answer.objects.get(response=response).text == "Gruppen"
    assert AccessLogEntry.objects.count() == log_rows
    assert "sessionid" not in client.cookies


def test_it_stores_nothing_of_a_logged_in_user_who_answers_an_anonymous_link(
    persona_client, coordinator, participant_survey, link
):
    client = persona_client("coordinator")
    session_key = client.session.session_key
    log_rows = AccessLogEntry.objects.count()
    q1 = _q(participant_survey, 1)
    assert client.post(_anonymous_url(link.token), {f"q{q1.pk}": "Bra"}).status_code == 302
    response = Response.objects.get()
    assert response.entered_by is None and response.invitation is None
    assert AccessLogEntry.objects.count() == log_rows
    assert not AccessLogEntry.objects.filter(actor=coordinator).exclude(action="login").exists()
    stored = [str(v) for v in Response.objects.values().get().values()]
    assert session_key not in stored
    assert not Context.objects.filter(metadata__user=coordinator.pk).exists()


def test_it_takes_many_answers_through_the_same_anonymous_link(client, participant_survey, link):
    q1 = _q(participant_survey, 1)
    for text in ("Ett", "Två", "Tre"):
        assert client.post(_anonymous_url(link.token), {f"q{q1.pk}": text}).status_code == 302
    assert Response.objects.filter(channel=Channel.ANONYMOUS).count() == 3


def test_it_refuses_an_inactive_or_expired_anonymous_link(client, participant_survey, link):
    q1 = _q(participant_survey, 1)
    assert client.get(_anonymous_url("unknown")).status_code == 404
    assert client.get(_anonymous_url("bad%00token")).status_code == 404
    assert client.get(_personal_url("x" * 500)).status_code == 404
    link.expires_on = timezone.localdate() - timedelta(days=1)
    link.save()
    assert client.post(_anonymous_url(link.token), {f"q{q1.pk}": "x"}).status_code == 410
    link.expires_on, link.is_active = None, False
    link.save()
    assert client.get(_anonymous_url(link.token)).status_code == 410
    assert not Response.objects.exists()


def test_it_refuses_a_link_to_a_built_in_survey(client, cohort, coordinator):
    template = Survey.objects.create(name="Mall", audience=Audience.PARTICIPANTS)
    _question(template, 1, QuestionKind.TEXT, "Vad var bäst?")
    token = new_token()
    AnonymousLink.objects.create(
        survey=template, cohort=cohort, token_hash=hash_token(token), created_by=coordinator
    )
    assert client.get(_anonymous_url(token)).status_code == 404
    thanks = reverse("surveys:answer-thanks", args=[template.public_id])
    assert client.get(thanks).status_code == 404


def test_it_refuses_other_methods_on_the_public_pages(client, personal, survey):
    token, _ = personal
    assert client.put(_personal_url(token)).status_code == 405
    thanks = reverse("surveys:answer-thanks", args=[survey.public_id])
    assert client.post(thanks).status_code == 405


# --- Languages and the thank-you page -------------------------------------------------------


def test_it_shows_translations_with_swedish_as_fallback_and_stores_the_language(
    client, survey, personal
):
    token, _ = personal
    page = client.get(_personal_url(token) + "?lang=en")
    html = page.content.decode()
    assert '<html lang="en"' in html
    assert "How often have you been in contact with the project?" in html
    assert "Question 1 of 4" in html
    # Not translated: shown in Swedish and marked as Swedish for screen readers.
    assert '<span lang="sv">Vilka parter har du samverkat med?</span>' in html
    reply = client.post(_personal_url(token) + "?lang=en", _valid(survey))
    thanks = reverse("surveys:answer-thanks", args=[survey.public_id]) + "?lang=en"
    assert reply["Location"] == thanks
    assert Response.objects.get().language == "en"
    assert "Thank you for answering!" in client.get(thanks).content.decode()


def test_it_falls_back_to_swedish_for_a_language_the_survey_lacks(client, survey, personal):
    token, _ = personal
    html = client.get(_personal_url(token) + "?lang=xx").content.decode()
    assert '<html lang="sv"' in html


def test_it_shows_the_surveys_thanks_or_a_default(client, survey, participant_survey):
    own = client.get(reverse("surveys:answer-thanks", args=[survey.public_id]))
    assert own.status_code == 200
    assert "Tack för att du svarade!" in own.content.decode()
    default = client.get(reverse("surveys:answer-thanks", args=[participant_survey.public_id]))
    assert default.status_code == 200
    assert "Tack för att du svarade!" not in default.content.decode()


# --- Paper answers --------------------------------------------------------------------------


def _paper_url(survey):
    return reverse("surveys:paper-answer", args=[survey.public_id])


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", 200),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("federation_staff", 403),
        ("federation_admin", 403),
        ("no_role_user", 403),
        ("outsider", 404),
        ("outsider_admin", 404),
        ("anonymous", 302),
    ],
)
def test_paper_answers_are_for_the_projects_coordinators(persona_client, survey, persona, expected):
    client = persona_client(persona)
    reply = client.get(_paper_url(survey))
    assert reply.status_code == expected
    assert client.post(_paper_url(survey), _valid(survey)).status_code == (
        302 if persona in ("coordinator", "anonymous") else expected
    )
    if persona == "anonymous":
        assert reply["Location"].startswith(reverse("login"))
        assert not Response.objects.exists()


def test_it_refuses_paper_answers_to_a_built_in_or_another_projects_survey(
    persona_client, project_a_other
):
    client = persona_client("coordinator")
    template = Survey.objects.create(name="Mall", audience=Audience.PARTNERS)
    assert client.get(_paper_url(template)).status_code == 404
    other = _survey(project_a_other, Audience.PARTNERS, "Annan")
    assert client.get(_paper_url(other)).status_code == 404  # not the coordinator's project


def test_it_saves_a_paper_answer_marked_as_paper_with_who_entered_it(
    persona_client, coordinator, participant_survey, cohort
):
    client = persona_client("coordinator")
    q1 = _q(participant_survey, 1)
    page = client.get(_paper_url(participant_survey))
    assert f'value="{cohort.pk}"' in page.content.decode()
    data = {
        f"q{q1.pk}": "Gemenskapen i gruppen",
        "paper-answered_on": "2026-06-01",
        "paper-cohort": str(cohort.pk),
    }
    reply = client.post(_paper_url(participant_survey), data)
    assert reply.status_code == 302
    assert reply["Location"] == _paper_url(participant_survey)
    response = Response.objects.get()
    assert response.channel == Channel.PAPER
    assert response.entered_by == coordinator
    assert response.answered_on == date(2026, 6, 1)
    assert response.cohort == cohort and response.invitation is None
    entry = AccessLogEntry.objects.get(actor=coordinator, object_type="surveys.response")
    assert entry.action == "create"
    assert entry.federation_id == participant_survey.federation_id
    assert "Gemenskapen" not in entry.detail + entry.object_label
    # Back on an empty form, ready for the next paper, with the count.
    again = client.get(reply["Location"])
    html = again.content.decode()
    assert "Gemenskapen i gruppen" not in html
    assert (
        escape(
            ngettext(
                "%(counter)s paper answer has been entered.",
                "%(counter)s paper answers have been entered.",
                1,
            )
            % {"counter": 1}
        )
        in html
    )


def test_it_refuses_a_paper_answer_with_a_bad_cohort_or_future_date(
    persona_client, participant_survey, project_a_other, municipality_a
):
    client = persona_client("coordinator")
    foreign = Cohort.objects.create(
        project=project_a_other,
        municipality=municipality_a,
        start_date=date(2026, 9, 1),
        places=16,
        places_per_agency=4,
    )
    q1 = _q(participant_survey, 1)
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    for details in (
        {"paper-cohort": str(foreign.pk)},
        {"paper-cohort": "nonsense"},
        {"paper-answered_on": future},
        {"paper-answered_on": "31/31/2026"},
    ):
        reply = client.post(_paper_url(participant_survey), {f"q{q1.pk}": "Text", **details})
        assert reply.status_code == 400, details
        assert "Text</textarea>" in reply.content.decode()
    assert not Response.objects.exists()


def test_it_offers_no_cohort_on_a_partner_surveys_paper(persona_client, survey, cohort):
    client = persona_client("coordinator")
    html = client.get(_paper_url(survey)).content.decode()
    assert 'name="paper-cohort"' not in html
    data = {**_valid(survey), "paper-cohort": str(cohort.pk)}
    assert client.post(_paper_url(survey), data).status_code == 302
    assert Response.objects.get().cohort is None


def test_it_takes_no_paper_answers_to_a_closed_survey(persona_client, survey):
    client = persona_client("coordinator")
    survey.is_open = False
    survey.save()
    assert client.post(_paper_url(survey), _valid(survey)).status_code == 400
    assert not Response.objects.exists()


def test_a_paper_answer_may_skip_a_required_question_but_not_everything(
    persona_client, participant_survey
):
    client = persona_client("coordinator")
    q1, q2 = _q(participant_survey, 1), _q(participant_survey, 2)
    assert q1.required
    empty = client.post(_paper_url(participant_survey), {f"q{q1.pk}": "", f"q{q2.pk}": " "})
    assert empty.status_code == 400
    assert escape(gettext("Answer at least one question before sending.")) in empty.content.decode()
    assert not Response.objects.exists()
    reply = client.post(_paper_url(participant_survey), {f"q{q2.pk}": "Fler träffar"})
    assert reply.status_code == 302
    assert list(Answer.objects.values_list("question", "text")) == [(q2.pk, "Fler träffar")]


def test_it_files_a_followed_participants_answer_under_their_start(
    client, participant_survey, make_referral, coordinator, cohort
):
    """A personal link to a participant (the project follows individuals): the answer is
    linked to the invitation, and filed under the person's start for the results."""
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    referral_decide(actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort)
    participant_survey.follows_individuals = True
    participant_survey.save()
    token = new_token()
    invitation = Invitation.objects.create(
        survey=participant_survey,
        enrolment=referral.enrolment,
        token_hash=hash_token(token),
        expires_on=timezone.localdate() + timedelta(days=7),
    )
    q1 = _q(participant_survey, 1)
    assert client.post(_personal_url(token), {f"q{q1.pk}": "Samtalen"}).status_code == 302
    response = Response.objects.get()
    assert (response.channel, response.invitation, response.cohort) == (
        Channel.PERSONAL,
        invitation,
        cohort,
    )

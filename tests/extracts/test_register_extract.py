"""The register extract (extracts.collect, extracts.render, extracts.views): everything held about
one person, found by personnummer, as JSON and PDF, for the federation's admins only, logged,
and the same bytes for the same data.

The PDF's text is read back with pdftotext (poppler-utils)."""

import json
import subprocess
from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from extracts import render
from extracts.collect import anonymous_answers_note, collect
from fokus.audit import log_access
from fokus.models import AccessAction, AccessLogEntry
from participants.meetings import meeting_save
from participants.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    GoalStatus,
    GroupSession,
    InvitationLetter,
    MeetingKind,
    ResponsibleParty,
    SessionTheme,
    TalkForm,
)
from participants.plans import goal_save
from participants.services import enrolment_start
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide
from reports import services as report_services
from reports.models import ParticipantReportKind
from stepladder import services as rating_services
from stepladder.models import RatingKind, Step
from surveys.answering import GivenAnswer, hash_token, response_save_personal
from surveys.models import Audience, Invitation, Question, QuestionKind, Survey
from tests.world import give_consent, referral, test_personnummer

pytestmark = [pytest.mark.django_db, pytest.mark.today("2026-12-15")]

URL = "/manage/register-extract/"
PNR = test_personnummer("19850101", "980")
NOT_FOUND = "No information about the person is held in the federation."

BACKGROUND = "Har arbetat som lagerarbetare i tio år."
MEETING_NOTE = "Samtal om boendet och vardagen"
GOAL = "Ta B-körkort före sommaren"
SECOND_GOAL = "Söka praktikplats"
RATING_COMMENT = "Tydliga framsteg i gruppen"
SUMMARY = "Deltagaren har kommit igång väl."
SURVEY_ANSWER = "Bra bemötande av coachen"
LETTER_MESSAGE = "Välkommen till första träffen"


def pdf_text(pdf: bytes) -> str:
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(user, personnummer=PNR, fmt="json"):
    return client_for(user).post(URL, {"personnummer": personnummer, "format": fmt})


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def person(project_a, cohort, agency_af, case_officer_a, municipality_a, coordinator):
    """A person with all of it: a referral with free text and a signed consent, a started
    participation with a meeting, group attendance, a plan in two versions, a step rating, a
    follow-up report, a personal survey answer, a letter, and someone who looked."""
    made = referral(
        project_a,
        cohort,
        agency_af,
        case_officer_a,
        municipality_a,
        consent=False,
        status=ReferralStatus.SUBMITTED,
        personnummer=PNR,
        background=BACKGROUND,
    )
    give_consent(made, given_on=date(2026, 8, 20), signed_pdf=True)
    referral_decide(actor=coordinator, referral=made, decision=Decision.ACCEPT, cohort=cohort)
    enrolment = enrolment_start(
        actor=coordinator,
        enrolment=Enrolment.objects.get(referral=made),
        coordinator=coordinator,
        enrolled_on=date(2026, 9, 1),
        income_source_before="sickness_benefit",
        occupation_before="other",
        education_level="compulsory",
    )
    meeting_save(
        actor=coordinator,
        enrolment=enrolment,
        kind=MeetingKind.INDIVIDUAL,
        talk_form=TalkForm.WALK,
        date=date(2026, 9, 15),
        start_time=time(10, 0),
        duration_minutes=60,
        notes=MEETING_NOTE,
    )
    session = GroupSession.objects.create(
        cohort=cohort,
        date=date(2026, 9, 8),
        duration_minutes=180,
        theme=SessionTheme.MOTIVATION,
        recorded_by=coordinator,
    )
    Attendance.objects.create(session=session, enrolment=enrolment, status=AttendanceStatus.PRESENT)
    for text in (GOAL, SECOND_GOAL):
        goal_save(
            actor=coordinator,
            enrolment=enrolment,
            text=text,
            responsible=ResponsibleParty.PARTICIPANT,
            status=GoalStatus.IN_PROGRESS,
        )
    rating_services.rating_create(
        actor=coordinator,
        enrolment=enrolment,
        rated_on=date(2026, 9, 1),
        kind=RatingKind.ENROLMENT,
        step=Step.objects.get(ladder__is_default=True, number=3),
        comment=RATING_COMMENT,
    )
    report_services.participant_report_create(
        actor=coordinator,
        enrolment=enrolment,
        kind=ParticipantReportKind.FOLLOW_UP_3,
        summary=SUMMARY,
    )
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Vid avslut",
        audience=Audience.PARTICIPANTS,
        follows_individuals=True,
    )
    question = Question.objects.create(
        survey=survey, position=1, kind=QuestionKind.TEXT, text="Vad var bäst?"
    )
    invitation = Invitation.objects.create(
        survey=survey,
        enrolment=enrolment,
        token_hash=hash_token("personlig-lank"),
        expires_on=date(2027, 1, 31),
    )
    response_save_personal(
        invitation=invitation,
        answers=[GivenAnswer(question=question, text=SURVEY_ANSWER)],
        language="sv",
    )
    InvitationLetter.objects.create(
        enrolment=enrolment,
        intake_at=timezone.make_aware(datetime(2026, 8, 25, 9, 0)),
        intake_place="Ekeby bibliotek",
        contact=coordinator,
        contact_phone="070-000 00 00",
        message=LETTER_MESSAGE,
        created_by=coordinator,
    )
    log_access(actor=case_officer_a, action=AccessAction.VIEW, obj=made, detail="opened")
    return enrolment


def data_of(response) -> dict:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["data"]


# --- The form --------------------------------------------------------------------------------


def test_it_shows_the_form_to_the_federation_admin(federation_admin):
    page = client_for(federation_admin).get(URL)
    assert page.status_code == 200
    assert 'name="personnummer"' in page.text
    assert 'value="pdf"' in page.text and 'value="json"' in page.text
    assert reverse("extracts:extract") == URL


@pytest.mark.parametrize(
    "persona", ["coordinator", "case_officer_a", "federation_staff", "no_role_user", "outsider"]
)
def test_it_refuses_everyone_but_admins(persona, persona_client, person):
    client = persona_client(persona)
    assert client.get(URL).status_code == 403
    response = client.post(URL, {"personnummer": PNR, "format": "json"})
    assert response.status_code == 403
    assert not AccessLogEntry.objects.filter(detail__startswith="register extract").exists()


def test_it_refuses_a_bad_personnummer_and_keeps_it(federation_admin, person):
    response = post(federation_admin, "19850101-1234")
    assert response.status_code == 400
    assert (
        escape(
            _("The form has errors. Correct the fields marked below; nothing has been saved yet.")
        )
        in response.text
    )
    assert "19850101-1234" in response.text
    assert post(federation_admin, "").status_code == 400
    assert client_for(federation_admin).post(URL, {"personnummer": PNR}).status_code == 400
    assert not AccessLogEntry.objects.filter(detail__startswith="register extract").exists()


@pytest.mark.parametrize("typed", [PNR, f"{PNR[:8]}-{PNR[8:]}", PNR[2:], f"{PNR[2:8]}-{PNR[8:]}"])
def test_it_accepts_ten_or_twelve_digits_with_or_without_hyphen(federation_admin, person, typed):
    data = data_of(post(federation_admin, typed))
    assert data["person"]["personnummer"] == f"{PNR[:8]}-{PNR[8:]}"


# --- The content ------------------------------------------------------------------------------


def test_it_puts_everything_held_in_the_json(federation_admin, person, case_officer_a):
    data = data_of(post(federation_admin))
    (item,) = data["referrals"]
    assert item["background"] == BACKGROUND
    assert item["status"] == ReferralStatus.ENROLLED
    assert ReferralStatus.ACCEPTED in [c["status"] for c in item["status_history"]]
    (document,) = item["consent"]["documents"]
    assert document["file_name"].startswith("samtycke") and document["file_name"].endswith(".pdf")
    assert document["content_type"] == "application/pdf"
    assert document["size_bytes"] == len(b"%PDF-1.4 test")
    assert item["consent"]["given_on"] == "2026-08-20"

    participation = item["participation"]
    assert participation["enrolled_on"] == "2026-09-01"
    (meeting,) = participation["client_meetings"]
    assert (meeting["date"], meeting["notes"]) == ("2026-09-15", MEETING_NOTE)
    (attended,) = participation["group_attendance"]
    assert (attended["date"], attended["status"]) == ("2026-09-08", AttendanceStatus.PRESENT)
    plan = participation["action_plan"]
    assert sorted(g["text"] for g in plan["goals"]) == sorted([GOAL, SECOND_GOAL])
    assert [v["number"] for v in plan["versions"]] == [1, 2]
    assert [g["text"] for g in plan["versions"][0]["goals"]] == [GOAL]
    (rating,) = participation["step_ratings"]
    assert rating["comment"] == RATING_COMMENT and rating["step"].startswith("3.")
    (report,) = participation["participant_reports"]
    assert (report["kind"], report["summary"]) == (ParticipantReportKind.FOLLOW_UP_3, SUMMARY)
    (invitation,) = participation["survey_answers"]
    assert invitation["response"]["answers"][0]["text"] == SURVEY_ANSWER
    assert "token_hash" not in invitation
    (letter,) = participation["invitation_letters"]
    assert letter["message"] == LETTER_MESSAGE

    looked = [e for e in data["access_log"] if e["detail"] == "opened"]
    assert [(e["user"], e["organisation"], e["action"]) for e in looked] == [
        (case_officer_a.full_name, "Arbetsförmedlingen", AccessAction.VIEW)
    ]
    # The services' own rows about the meeting, plan, rating and report are there too.
    assert {e["action"] for e in data["access_log"]} >= {AccessAction.VIEW, AccessAction.CREATE}
    assert data["notes"]["anonymous_survey_answers"] == anonymous_answers_note()


def test_it_prints_the_same_in_the_pdf(federation_admin, person, case_officer_a):
    response = post(federation_admin, fmt="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert PNR not in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        f"{PNR[:8]}-{PNR[8:]}",
        "Testa Testsson",
        BACKGROUND,
        MEETING_NOTE,
        GOAL,
        SECOND_GOAL,
        RATING_COMMENT,
        SUMMARY,
        SURVEY_ANSWER,
        LETTER_MESSAGE,
        "application/pdf",
        case_officer_a.full_name,
        "2026-09-15",
    ):
        assert expected in text, expected


def test_it_logs_the_export_without_the_personnummer(federation_admin, person):
    post(federation_admin)
    post(federation_admin, fmt="pdf")
    entries = AccessLogEntry.objects.filter(
        action=AccessAction.EXPORT, detail__startswith="register extract"
    ).order_by("pk")
    assert [e.detail.split(":")[0] for e in entries] == [
        "register extract (json)",
        "register extract (pdf)",
    ]
    for entry in entries:
        assert entry.actor == federation_admin
        assert str(person.referral.public_id) in entry.detail
        for secret in (PNR, PNR[2:], PNR[:8], PNR[2:8]):
            assert secret not in entry.detail and secret not in entry.object_label


def data_bytes(response) -> bytes:
    """The document's data part as sent, before the envelope."""
    head, rest = response.content.split(b'{"data": ', 1)
    assert head == b""
    return rest.rsplit(b',\n"envelope": ', 1)[0]


def test_it_gives_the_same_data_twice(federation_admin, person):
    first, second = post(federation_admin), post(federation_admin)
    assert data_bytes(first) == data_bytes(second)
    assert json.loads(first.content)["data"] == json.loads(second.content)["data"]
    assert "generated_at" in json.loads(first.content)["envelope"]
    assert b"generated_at" not in data_bytes(first)
    # The data part is `data_json`'s text: sorted keys, nothing of the moment it was made.
    fed = federation_admin.federation
    again = render.data_json(collect(federation=fed, personnummer=PNR).data)
    assert data_bytes(first) == again.encode()


def count_queries(federation) -> int:
    with CaptureQueriesContext(connection) as queries:
        extract = collect(federation=federation, personnummer=PNR)
    assert not extract.is_empty
    return len(queries)


def test_it_reads_a_bounded_number_of_queries(federation_admin, person, coordinator):
    before = count_queries(federation_admin.federation)
    assert before <= 25
    # More rows of every kind cost no more queries.
    for day in (date(2026, 10, 1), date(2026, 10, 8)):
        meeting_save(
            actor=coordinator,
            enrolment=person,
            kind=MeetingKind.INDIVIDUAL,
            talk_form=TalkForm.WALK,
            date=day,
            duration_minutes=30,
            coordinators=[coordinator],
        )
        rating_services.rating_create(
            actor=coordinator,
            enrolment=person,
            rated_on=day,
            kind=RatingKind.EXTRA,
            step=Step.objects.get(ladder__is_default=True, number=4),
        )
    goal_save(
        actor=coordinator,
        enrolment=person,
        text="Ett tredje mål",
        responsible=ResponsibleParty.PROJECT,
    )
    assert count_queries(federation_admin.federation) == before


# --- Nothing found, nothing leaked ------------------------------------------------------------


def test_it_says_so_when_nothing_is_held(federation_admin):
    response = post(federation_admin)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert escape(_(NOT_FOUND)) in response.text
    assert AccessLogEntry.objects.filter(
        action=AccessAction.EXPORT, detail="register extract (json): nothing found"
    ).exists()


def test_it_finds_nothing_of_another_federations_person(outsider_admin, person):
    response = post(outsider_admin, fmt="pdf")
    assert response.status_code == 200
    assert escape(_(NOT_FOUND)) in response.text
    assert "Testa Testsson" not in response.text


@pytest.mark.django_db(transaction=True)
def test_it_logs_in_autocommit_too(
    federation_admin, project_a, cohort, agency_af, case_officer_a, municipality_a
):
    referral(project_a, cohort, agency_af, case_officer_a, municipality_a, personnummer=PNR)
    data = data_of(post(federation_admin))
    assert data["referrals"][0]["consent"]["documents"] == []
    assert AccessLogEntry.objects.filter(
        action=AccessAction.EXPORT, detail__startswith="register extract (json): referrals"
    ).exists()


def test_it_refuses_other_methods(federation_admin):
    assert client_for(federation_admin).put(URL).status_code == 405

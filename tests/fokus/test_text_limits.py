"""Free texts that end up in PDFs have a limit per kind (fokus/text_limits.py): the forms refuse
a longer text saying how long it is and keep it; the services refuse it too."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from fokus import text_limits
from participants import letters, meetings, plans, services
from participants.models import Enrolment, GoalStatus, MeetingKind, ResponsibleParty
from referrals import drafts
from referrals.forms.referral import ReferralForm
from referrals.services import ReferralError
from reports import services as report_services
from reports.figures import Period
from reports.forms.participant import ParticipantReportForm
from reports.forms.project import project_report_form
from reports.models import ParticipantReportKind, ProjectReport
from surveys import answering
from surveys.models import Audience, Question, QuestionKind, Survey
from tests.world import test_personnummer

pytestmark = pytest.mark.django_db

NARRATIVE = text_limits.NARRATIVE


def message(length: int, limit: int) -> str:
    return str(text_limits.TOO_LONG % {"show_value": length, "limit_value": limit})


@pytest.fixture
def enrolment(project_a, cohort, coordinator, make_referral):
    return Enrolment.objects.create(
        federation=project_a.federation,
        project=project_a,
        cohort=cohort,
        referral=make_referral(personnummer=test_personnummer("19850101", "981")),
        status=Enrolment.Status.ACTIVE,
        coordinator=coordinator,
        enrolled_on=cohort.start_date,
        planned_exit_on=cohort.start_date + timedelta(days=180),
    )


# --- Forms ---------------------------------------------------------------------------------


def test_a_report_text_over_the_limit_is_refused_with_its_length_and_at_the_limit_accepted():
    over = ParticipantReportForm({"summary": "x" * (NARRATIVE + 1)})
    assert not over.is_valid()
    assert over.errors["summary"] == [message(NARRATIVE + 1, NARRATIVE)]
    assert ParticipantReportForm({"summary": "x" * NARRATIVE}).is_valid()


def test_a_line_break_counts_as_one_character_as_the_person_sees_it():
    text = "x" * (NARRATIVE - 2) + "\r\n" + "x"
    assert text_limits.length(text) == NARRATIVE
    assert ParticipantReportForm({"summary": text}).is_valid()


def test_the_final_report_narrative_is_refused_over_the_limit_and_kept(project_a, persona_client):
    client = persona_client("coordinator")
    url = reverse("reports:final-report-edit", args=[project_a.pk])
    text = "Lärdom " * 1500  # 10,500 characters, the last space stripped
    response = client.post(url, {"description": "Kort", "goals": "", "lessons": text})
    assert response.status_code == 400
    assert escape(message(len(text.strip()), NARRATIVE)) in response.text
    assert text.strip() in response.text  # kept in the form, to be shortened
    assert not ProjectReport.objects.exists()
    at_limit = {"description": "x" * NARRATIVE, "goals": "", "lessons": ""}
    assert client.post(url, at_limit).status_code == 302


def test_the_project_report_form_limits_every_section():
    form = project_report_form("interim", {"results": "x" * (NARRATIVE + 1)})
    assert not form.is_valid()
    assert list(form.errors) == ["results"]


def test_a_referrals_free_texts_are_limited_and_kept(make_referral):
    draft = make_referral(consent=False)
    data = {"background": "x" * (text_limits.NOTE + 1), "purpose": "Arbete"}
    form = ReferralForm(data, referral=draft)
    assert not form.is_valid()
    assert form.errors["background"] == [message(text_limits.NOTE + 1, text_limits.NOTE)]
    assert form["background"].value() == data["background"]


# --- Services ------------------------------------------------------------------------------


def test_the_report_services_refuse_a_text_over_the_limit(enrolment, coordinator, project_a):
    with pytest.raises(report_services.ReportError):
        report_services.participant_report_create(
            actor=coordinator,
            enrolment=enrolment,
            kind=ParticipantReportKind.FOLLOW_UP_3,
            mapping="x" * (NARRATIVE + 1),
        )
    report = report_services.participant_report_create(
        actor=coordinator,
        enrolment=enrolment,
        kind=ParticipantReportKind.FOLLOW_UP_3,
        mapping="x" * NARRATIVE,
    )
    with pytest.raises(report_services.ReportError):
        report_services.participant_report_update(
            actor=coordinator,
            report=report,
            mapping="",
            summary="",
            recommendations="x" * (NARRATIVE + 1),
        )
    report.refresh_from_db()
    assert report.recommendations == ""


def test_the_project_report_service_refuses_a_text_over_the_limit(project_a, coordinator):
    today = timezone.localdate()
    with pytest.raises(report_services.ReportError):
        report_services.project_report_save(
            actor=coordinator,
            project=project_a,
            kind="final",
            period=Period(today.replace(month=1, day=1), today),
            values={"lessons": "x" * (NARRATIVE + 1)},
        )
    assert not ProjectReport.objects.exists()


def test_the_participation_services_refuse_texts_over_the_limit(enrolment, coordinator):
    too_long = "x" * (text_limits.NOTE + 1)
    with pytest.raises(plans.PlanError) as refused:
        plans.goal_save(
            actor=coordinator,
            enrolment=enrolment,
            text="x" * (text_limits.SHORT + 1),
            responsible=ResponsibleParty.PARTICIPANT,
            status=GoalStatus.PLANNED,
        )
    assert "text" in refused.value.message_dict
    with pytest.raises(meetings.MeetingError) as refused:
        meetings.meeting_save(
            actor=coordinator,
            enrolment=enrolment,
            kind=MeetingKind.INTAKE,
            date=timezone.localdate(),
            duration_minutes=60,
            notes=too_long,
        )
    assert "notes" in refused.value.message_dict
    with pytest.raises(letters.LetterError) as refused:
        letters.letter_create(
            actor=coordinator,
            enrolment=enrolment,
            intake_at=timezone.now() + timedelta(days=3),
            intake_place="Kontoret",
            contact=coordinator,
            contact_phone="070-123 45 67",
            message="x" * (text_limits.SHORT + 1),
        )
    assert "message" in refused.value.message_dict
    with pytest.raises(services.EnrolmentError) as refused:
        services.enrolment_exit(
            actor=coordinator,
            enrolment=enrolment,
            exited_on=timezone.localdate(),
            exit_reason="completed_period",
            destination="work_unsubsidised",
            destination_extent_percent=100,
            receiving_party="Arbetsförmedlingen",
            exit_plan="x" * (text_limits.PLAN + 1),
            income_source_after="salary",
            occupation_after="work",
        )
    assert list(refused.value.message_dict) == ["exit_plan"]
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_the_referral_draft_service_refuses_a_text_over_the_limit(make_referral, case_officer_a):
    draft = make_referral(consent=False)
    draft.important_to_know = "x" * (text_limits.NOTE + 1)
    with pytest.raises(ReferralError):
        drafts.referral_draft_save(actor=case_officer_a, draft=draft)
    draft.refresh_from_db()
    assert draft.important_to_know != "x" * (text_limits.NOTE + 1)


def test_the_survey_service_refuses_a_free_text_answer_over_the_limit(project_a, coordinator):
    survey = Survey.objects.create(
        federation=project_a.federation,
        project=project_a,
        name="Efter gruppen",
        audience=Audience.PARTICIPANTS,
    )
    question = Question.objects.create(
        survey=survey, position=1, kind=QuestionKind.TEXT, text="Vad var bäst?"
    )
    given = answering.GivenAnswer(question=question, text="x" * (text_limits.NOTE + 1))
    with pytest.raises(answering.AnswerError):
        answering.response_save_paper(actor=coordinator, survey=survey, answers=[given])
    assert not survey.responses.exists()

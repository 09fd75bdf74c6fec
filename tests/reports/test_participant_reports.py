"""Follow-up and exit reports of one participant (reports.participant_reports, reports.services,
reports.sharing, fokus.policy.reports and the views):
writing, previewing and finalising to a stored PDF, immutability, re-issue, sharing by consent,
the e-mail to the agencies, the due list and the timeline, and who may open what.

The PDF's text is read back with pdftotext (poppler-utils, see `make system-deps`)."""

import hashlib
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry, Agency, AgencyKind
from fokus.policy import reports as report_policy
from fokus.roles import Role
from participants.due import due_list
from participants.meetings import meeting_save
from participants.models import (
    Attendance,
    AttendanceStatus,
    Enrolment,
    Goal,
    GoalStatus,
    GroupSession,
    MeetingKind,
    ResponsibleParty,
    SessionTheme,
    TalkForm,
)
from participants.plans import goal_save
from participants.services import enrolment_exit, enrolment_start
from participants.timeline import timeline
from referrals.models import ReferralStatus
from referrals.services import Decision, consent_withdraw, referral_decide
from reports import participant_reports, services, sharing
from reports.due import reports as reports_due
from reports.models import ParticipantReport, ParticipantReportKind, ReportStatus
from reports.timeline import report_events
from stepladder import services as rating_services
from stepladder.models import RatingKind, Step
from tests.conftest import make_user, test_personnummer

pytestmark = pytest.mark.django_db

Kind = ParticipantReportKind
TODAY = date(2026, 12, 15)
FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."

GOAL = "Ta B-körkort före sommaren"
SUB_GOAL = "Klara teoriprovet"
MAPPING = "Kartläggningen visar en stabil boendesituation."
SUMMARY = "Deltagaren har kommit igång väl och deltar i gruppen."
RECOMMENDATIONS = "Fortsatt stöd från Arbetsförmedlingen med praktik."
SECRET_NOTE = "Koordinatorns egen anteckning om hälsan"
SECRET_NEXT_STEP = "Internt nästa steg"


# --- Helpers and fixtures -------------------------------------------------------------------------


def text(msgid: str) -> str:
    """A message as it appears on the page: translated and escaped."""
    return escape(_(msgid))


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace normalised (non-breaking spaces included)."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def list_url(enrolment):
    return reverse("reports:participant-report-list", args=[enrolment.public_id])


def create_url(enrolment):
    return reverse("reports:participant-report-create", args=[enrolment.public_id])


def url(name: str, report) -> str:
    return reverse(f"reports:participant-report-{name}", args=[report.pk])


def texts(**changes) -> dict:
    return {
        "mapping": MAPPING,
        "summary": SUMMARY,
        "recommendations": RECOMMENDATIONS,
        **changes,
    }


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project)."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_today(TODAY)
    return set_today


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def admit(make_referral, coordinator, cohort):
    """admit(serial, **referral fields) → the enrolment of a referral the ärendegrupp accepted."""

    def make(serial: str = "980", **fields) -> Enrolment:
        referral = make_referral(
            status=ReferralStatus.SUBMITTED,
            personnummer=test_personnummer("19850101", serial),
            **fields,
        )
        referral_decide(
            actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort
        )
        return Enrolment.objects.get(referral=referral)

    return make


def start(enrolment, coordinator, enrolled_on=date(2026, 9, 1)) -> Enrolment:
    return enrolment_start(
        actor=coordinator,
        enrolment=enrolment,
        coordinator=coordinator,
        enrolled_on=enrolled_on,
        income_source_before="sickness_benefit",
        occupation_before="other",
        education_level="compulsory",
    )


@pytest.fixture
def another_project_coordinator(fed_a, project_a_other):
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


@pytest.fixture
def soc_officer(fed_a, agency_soc):
    return make_user(
        fed_a,
        "handlaggare.soc@a.example",
        "Sara Social",
        (Role.CASE_OFFICER, {"agency": agency_soc}),
    )


@pytest.fixture
def participation(admit, coordinator, agency_af, cohort):
    """An active participation (enrolled 2026-09-01, referred by AF, social services involved)
    with a plan, two step ratings, three meetings and three group sessions."""
    enrolment = start(admit(), coordinator)
    goal = goal_save(
        actor=coordinator,
        enrolment=enrolment,
        text=GOAL,
        responsible=ResponsibleParty.PARTICIPANT,
        status=GoalStatus.IN_PROGRESS,
    )
    goal_save(
        actor=coordinator,
        enrolment=enrolment,
        text=SUB_GOAL,
        responsible=ResponsibleParty.AGENCY,
        responsible_agency=agency_af,
        parent=goal,
    )
    for rated_on, kind, number in (
        (date(2026, 9, 1), RatingKind.ENROLMENT, 2),
        (date(2026, 12, 1), RatingKind.QUARTERLY, 4),
    ):
        rating_services.rating_create(
            actor=coordinator,
            enrolment=enrolment,
            rated_on=rated_on,
            kind=kind,
            step=Step.objects.get(ladder__is_default=True, number=number),
        )
    meetings = [
        (MeetingKind.INTAKE, "", date(2026, 9, 1), True),
        (MeetingKind.INDIVIDUAL, TalkForm.WALK, date(2026, 9, 15), True),
        (MeetingKind.INDIVIDUAL, TalkForm.OFFICE, date(2026, 10, 6), False),
        (MeetingKind.FOLLOW_UP, "", date(2026, 12, 1), True),
    ]
    for kind, talk_form, day, attended in meetings:
        meeting_save(
            actor=coordinator,
            enrolment=enrolment,
            kind=kind,
            talk_form=talk_form,
            date=day,
            start_time=time(10, 0),
            duration_minutes=60,
            participant_attended=attended,
            notes=SECRET_NOTE,
            next_step=SECRET_NEXT_STEP,
        )
    for day, status in (
        (date(2026, 9, 8), AttendanceStatus.PRESENT),
        (date(2026, 9, 15), AttendanceStatus.PRESENT),
        (date(2026, 9, 22), AttendanceStatus.ABSENT),
    ):
        session = GroupSession.objects.create(
            cohort=cohort,
            date=day,
            duration_minutes=180,
            theme=SessionTheme.MOTIVATION,
            recorded_by=coordinator,
        )
        Attendance.objects.create(session=session, enrolment=enrolment, status=status)
    return enrolment


@pytest.fixture
def draft(participation, coordinator):
    return services.participant_report_create(
        actor=coordinator, enrolment=participation, kind=Kind.FOLLOW_UP_3, **texts()
    )


@pytest.fixture
def final(draft, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.participant_report_finalise(actor=coordinator, report=draft)


def download(user, report):
    return client_for(user).get(url("pdf", report))


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- Create, edit, preview, finalise --------------------------------------------------------------


def test_it_creates_a_draft_through_the_form_and_previews_it(participation, coordinator):
    client = client_for(coordinator)
    page = client.get(create_url(participation) + "?kind=follow_up_6")
    assert page.status_code == 200
    # Follow-up reports while active; the exit report only after the exit.
    assert page.context["form"].fields["kind"].choices == [
        (Kind.FOLLOW_UP_3, Kind.FOLLOW_UP_3.label),
        (Kind.FOLLOW_UP_6, Kind.FOLLOW_UP_6.label),
    ]
    assert page.context["form"].initial["kind"] == Kind.FOLLOW_UP_6

    response = client.post(create_url(participation), {"kind": "follow_up_3", **texts()})
    report = ParticipantReport.objects.get(enrolment=participation)
    assert response.status_code == 302
    assert response["Location"] == url("preview", report)
    assert (report.kind, report.version, report.status) == (Kind.FOLLOW_UP_3, 1, "draft")
    assert (report.mapping, report.summary, report.recommendations) == (
        MAPPING,
        SUMMARY,
        RECOMMENDATIONS,
    )
    assert report.created_by == coordinator
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CREATE, detail=f"report {report.pk} created (follow_up_3)"
    ).exists()

    preview = client.get(url("preview", report))
    assert preview.status_code == 200
    html = preview.content.decode()
    for expected in (MAPPING, SUMMARY, RECOMMENDATIONS, GOAL, SUB_GOAL, "Testa Testsson"):
        assert expected in html
    assert "2026-09-15" in html and "2026-10-06" in html
    # Present at 2 of 3 sessions.
    assert preview.context["attendance"].percent == 67
    assert [(c.kind, c.count, c.attended) for c in preview.context["meeting_counts"]] == [
        (MeetingKind.INTAKE, 1, 1),
        (MeetingKind.INDIVIDUAL, 2, 1),
        (MeetingKind.FOLLOW_UP, 1, 1),
    ]
    assert [r.step.number for r in preview.context["ratings"]] == [2, 4]
    # Never the coordinators' notes, never the personnummer.
    assert SECRET_NOTE not in html and SECRET_NEXT_STEP not in html
    assert participation.referral.personnummer not in html
    assert participation.referral.personnummer[:8] not in html


def test_it_refuses_a_kind_that_cannot_be_written_and_keeps_the_text(participation, coordinator):
    client = client_for(coordinator)
    response = client.post(create_url(participation), {"kind": "exit", **texts()})
    assert response.status_code == 400
    assert text(FORM_ERRORS) in response.content.decode()
    assert SUMMARY in response.content.decode()
    response = client.post(create_url(participation), {"kind": "nonsense", **texts()})
    assert response.status_code == 400
    assert not ParticipantReport.objects.exists()


def test_it_keeps_one_report_per_kind(draft, coordinator):
    client = client_for(coordinator)
    response = client.post(
        create_url(draft.enrolment), {"kind": "follow_up_3", **texts(summary="Andra")}
    )
    assert response.status_code == 400
    assert ParticipantReport.objects.count() == 1
    with pytest.raises(services.ReportError):
        services.participant_report_create(
            actor=coordinator, enrolment=draft.enrolment, kind=Kind.FOLLOW_UP_3
        )


def test_it_edits_a_draft(draft, coordinator):
    client = client_for(coordinator)
    assert client.get(url("edit", draft)).status_code == 200
    response = client.post(url("edit", draft), texts(summary="  Ny sammanfattning  "))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "Ny sammanfattning"
    assert AccessLogEntry.objects.filter(detail=f"report {draft.pk} changed (summary)").exists()
    too_long = client.post(url("edit", draft), texts(summary="x" * 20001))
    assert too_long.status_code == 400
    draft.refresh_from_db()
    assert draft.summary == "Ny sammanfattning"


def test_it_finalises_to_a_stored_pdf_shared_by_consent(
    draft, coordinator, agency_af, agency_soc, media, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(url("finalise", draft))
    assert response.status_code == 302
    assert response["Location"] == list_url(draft.enrolment)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.FINAL
    assert draft.finalised_by == coordinator and draft.finalised_at is not None
    stored = media / draft.pdf.name
    assert stored.is_file() and str(stored).startswith(str(media / "reports"))
    content = stored.read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == draft.pdf_sha256
    # Referred by AF; the home municipality's social services are named as involved.
    assert set(draft.shared_with.all()) == {agency_af, agency_soc}
    entry = AccessLogEntry.objects.get(detail=f"report {draft.pk} finalised")
    assert entry.action == AccessAction.CREATE and entry.actor == coordinator
    # Finalising twice is refused.
    assert client_for(coordinator).post(url("finalise", draft)).status_code == 403


def test_the_pdf_holds_the_goals_steps_meetings_attendance_and_texts(final, coordinator):
    response = download(coordinator, final)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = pdf_text(body(response))
    for expected in (GOAL, SUB_GOAL, MAPPING, SUMMARY, RECOMMENDATIONS, "Insats A", "Förbund A"):
        assert expected in content
    assert "Testa Testsson" in content
    ladder = {s.number: s.headline for s in Step.objects.filter(ladder__is_default=True)}
    # The steps with the first word of their headline (the table wraps the rest).
    assert f"2: {ladder[2].split()[0]}" in content and f"4: {ladder[4].split()[0]}" in content
    # Present at 2 of 3 group sessions.
    assert "67 %" in content
    for day in ("2026-09-01", "2026-09-15", "2026-10-06", "2026-12-01"):
        assert day in content
    assert SECRET_NOTE not in content and SECRET_NEXT_STEP not in content
    assert final.enrolment.referral.personnummer[:8] not in content


def test_the_pdf_download_is_an_attachment_with_a_neutral_name_and_logged(final, coordinator):
    response = download(coordinator, final)
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="uppfoljningsrapport-2026-12-15.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    entry = AccessLogEntry.objects.get(detail=f"report {final.pk} pdf")
    assert entry.action == AccessAction.EXPORT and entry.actor == coordinator
    assert entry.object_id == str(final.enrolment.public_id)


def test_it_writes_the_exit_report_with_the_hand_over(participation, coordinator, today):
    today(date(2027, 3, 1))
    enrolment = enrolment_exit(
        actor=coordinator,
        enrolment=participation,
        exited_on=date(2027, 2, 26),
        exit_reason="work",
        destination="work_subsidised",
        destination_extent_percent=50,
        receiving_party="Arbetsförmedlingen Ekeby, Anna Andersson",
        exit_plan="Lönebidragsanställning hos Ekeby Bygg",
        income_source_after="salary",
        occupation_after="work",
    )
    assert participant_reports.kinds_available(enrolment) == [Kind.EXIT]
    report = services.participant_report_create(
        actor=coordinator, enrolment=enrolment, kind=Kind.EXIT
    )
    final = services.participant_report_finalise(actor=coordinator, report=report)
    content = pdf_text(body(download(coordinator, final)))
    for expected in (
        "2027-02-26",
        "Arbetsförmedlingen Ekeby, Anna Andersson",
        "Lönebidragsanställning hos Ekeby Bygg",
        "50 %",
    ):
        assert expected in content
    assert download(coordinator, final)["Content-Disposition"].endswith(
        'filename="avslutningsrapport-2027-03-01.pdf"'
    )


def test_a_protected_identity_is_named_by_its_alias(make_referral, coordinator, cohort):
    referral = make_referral(
        status=ReferralStatus.SUBMITTED,
        protected_identity=True,
        name="",
        personnummer="",
        alias="Fjärilen",
        birth_year=1990,
    )
    referral_decide(actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort)
    enrolment = Enrolment.objects.get(referral=referral)
    report = services.participant_report_create(
        actor=coordinator, enrolment=enrolment, kind=Kind.FOLLOW_UP_3
    )
    context = participant_reports.report_context(participant_reports.fetch_for_context(report.pk))
    assert context["participant_name"] == "Fjärilen"
    assert "Fjärilen" in client_for(coordinator).get(url("preview", report)).content.decode()


def test_the_report_context_costs_the_same_however_much_there_is(participation, draft, coordinator):
    def count() -> int:
        report = participant_reports.fetch_for_context(draft.pk)
        with CaptureQueriesContext(connection) as queries:
            participant_reports.report_context(report)
        return len(queries)

    before = count()
    for n in range(3):
        goal_save(
            actor=coordinator,
            enrolment=participation,
            text=f"Mål {n}",
            responsible=ResponsibleParty.PROJECT,
        )
        meeting_save(
            actor=coordinator,
            enrolment=participation,
            kind=MeetingKind.EXTERNAL,
            date=date(2026, 12, 2 + n),
            duration_minutes=90,
        )
    assert count() == before


# --- Immutability and re-issue --------------------------------------------------------------------


def test_a_finalised_report_never_changes(final, coordinator):
    first = body(download(coordinator, final))
    assert hashlib.sha256(first).hexdigest() == final.pdf_sha256
    goal = Goal.objects.get(text=GOAL)
    goal_save(actor=coordinator, enrolment=final.enrolment, goal=goal, text="Helt nytt mål")
    final.enrolment.referral.name = "Nytt Namn"
    final.enrolment.referral.save()
    second = body(download(coordinator, final))
    assert second == first
    assert hashlib.sha256(second).hexdigest() == final.pdf_sha256
    assert "Helt nytt mål" not in pdf_text(second)

    client = client_for(coordinator)
    assert client.get(url("edit", final)).status_code == 403
    assert client.post(url("edit", final), texts(summary="Ändrad")).status_code == 403
    final.refresh_from_db()
    assert final.summary == SUMMARY
    # The preview of a finalised report is the stored PDF.
    assert client.get(url("preview", final))["Location"] == url("pdf", final)
    with pytest.raises(services.ReportError):
        services.participant_report_update(
            actor=coordinator, report=final, **texts(summary="Ändrad")
        )


def test_it_reissues_a_new_version_that_supersedes_the_old_on_finalising(
    final, coordinator, case_officer_a
):
    client = client_for(coordinator)
    response = client.post(url("reissue", final))
    second = ParticipantReport.objects.get(version=2)
    assert response.status_code == 302 and response["Location"] == url("edit", second)
    assert (second.kind, second.status, second.supersedes) == (Kind.FOLLOW_UP_3, "draft", final)
    assert (second.mapping, second.summary, second.recommendations) == (
        MAPPING,
        SUMMARY,
        RECOMMENDATIONS,
    )
    # One new version at a time; the agencies keep version 1 meanwhile.
    assert client.post(url("reissue", final)).status_code == 403
    assert download(case_officer_a, final).status_code == 200

    client.post(url("edit", second), texts(summary="Rättad sammanfattning"))
    assert client.post(url("finalise", second)).status_code == 302
    reports = {r.version: r for r in participant_reports.reports_of(final.enrolment)}
    assert reports[1].is_superseded and not reports[2].is_superseded
    page = client.get(list_url(final.enrolment)).content.decode()
    assert text("Superseded") in page

    # Coordinators keep every version; the agencies only the latest.
    assert download(coordinator, final).status_code == 200
    assert download(case_officer_a, final).status_code == 404
    latest = download(case_officer_a, second)
    assert latest.status_code == 200
    assert "Rättad sammanfattning" in pdf_text(body(latest))
    assert [r.pk for r in report_policy.shared_reports_for(case_officer_a, final.enrolment)] == [
        second.pk
    ]
    # A superseded version cannot be re-issued; the latest can.
    assert client.post(url("reissue", final)).status_code == 403
    assert client.post(url("reissue", second)).status_code == 302
    assert ParticipantReport.objects.get(version=3).supersedes == second


def test_a_draft_cannot_be_reissued_and_has_no_pdf(draft, coordinator):
    client = client_for(coordinator)
    assert client.post(url("reissue", draft)).status_code == 403
    assert client.get(url("pdf", draft)).status_code == 404


# --- Sharing by consent ---------------------------------------------------------------------------


def test_sharing_follows_the_referring_and_involved_agencies_whose_box_is_ticked(
    admit, fed_a, fed_b, agency_af, agency_fk, agency_soc, municipality_a2
):
    region = Agency.objects.create(federation=fed_a, kind=AgencyKind.REGION, name="Region Ost")
    Agency.objects.create(federation=fed_a, kind=AgencyKind.OTHER, name="Bemanningsbolaget")
    Agency.objects.create(
        federation=fed_a,
        kind=AgencyKind.SOCIAL_SERVICES,
        name="Norrvik socialtjänst",
        municipality=municipality_a2,
    )
    Agency.objects.create(federation=fed_b, kind=AgencyKind.SOCIAL_INSURANCE, name="FK B")
    Agency.objects.create(
        federation=fed_a, kind=AgencyKind.REGION, name="Gamla regionen", is_active=False
    )

    plain = admit(serial="981", social_services_involved=False)
    assert sharing.sharing_agencies(plain) == [agency_af]

    involved = admit(serial="982", fk_involved=True, region_involved=True)
    assert set(sharing.sharing_agencies(involved)) == {agency_af, agency_fk, agency_soc, region}

    # An agency of a kind without a box on the consent gets nothing, even as the referrer.
    other = Agency.objects.get(name="Bemanningsbolaget")
    by_other = admit(serial="983", agency=other, social_services_involved=False)
    assert sharing.sharing_agencies(by_other) == []


def test_the_referring_officer_reads_and_downloads_and_another_agency_gets_404(
    final, case_officer_a, case_officer_b
):
    client = client_for(case_officer_a)
    page = client.get(list_url(final.enrolment))
    assert page.status_code == 200
    assert page.context["reports"] == [final]
    assert url("pdf", final) in page.content.decode()
    response = download(case_officer_a, final)
    assert response.status_code == 200
    assert hashlib.sha256(body(response)).hexdigest() == final.pdf_sha256
    entry = AccessLogEntry.objects.get(actor=case_officer_a, detail=f"report {final.pk} pdf")
    assert entry.action == AccessAction.EXPORT

    # FK neither referred nor is named as involved.
    assert download(case_officer_b, final).status_code == 404
    assert client_for(case_officer_b).get(list_url(final.enrolment)).status_code == 404
    # Nothing was handed out; the attempt itself is logged as refused.
    tried = AccessLogEntry.objects.filter(actor=case_officer_b, detail__contains="pdf")
    assert [entry.action for entry in tried] == [AccessAction.REFUSED]


def test_an_involved_agency_reads_the_report_without_the_participant_page(
    admit, coordinator, case_officer_b, agency_fk
):
    enrolment = admit(serial="984", fk_involved=True)
    report = services.participant_report_create(
        actor=coordinator, enrolment=enrolment, kind=Kind.FOLLOW_UP_3
    )
    client = client_for(case_officer_b)
    assert client.get(list_url(enrolment)).status_code == 404
    report = services.participant_report_finalise(actor=coordinator, report=report)
    assert agency_fk in report.shared_with.all()
    page = client.get(list_url(enrolment))
    assert page.status_code == 200 and page.context["reports"] == [report]
    assert not page.context["can_open_participant"]
    assert download(case_officer_b, report).status_code == 200
    detail = reverse("participants:participant-detail", args=[enrolment.public_id])
    assert client.get(detail).status_code == 404


def test_after_consent_withdrawal_nothing_is_shared_any_more(final, case_officer_a, coordinator):
    enrolment = final.enrolment
    assert report_policy.shared_reports_for(case_officer_a, enrolment) == [final]
    consent_withdraw(
        actor=case_officer_a,
        referral=enrolment.referral,
        withdrawn_on=TODAY,
        channel="phone",
    )
    enrolment.refresh_from_db()
    assert download(case_officer_a, final).status_code == 404
    assert client_for(case_officer_a).get(list_url(enrolment)).status_code == 404
    assert report_policy.shared_reports_for(case_officer_a, enrolment) == []
    # The coordinators keep what was sent, but write and share nothing more.
    assert download(coordinator, final).status_code == 200
    client = client_for(coordinator)
    assert client.post(url("reissue", final)).status_code == 403
    assert client.get(create_url(enrolment)).status_code == 403
    assert sharing.sharing_agencies(enrolment) == []


def test_a_draft_is_not_finalised_after_the_consent_is_withdrawn(
    draft, coordinator, case_officer_a
):
    consent_withdraw(
        actor=case_officer_a, referral=draft.enrolment.referral, withdrawn_on=TODAY, channel="phone"
    )
    client = client_for(coordinator)
    assert client.post(url("finalise", draft)).status_code == 403
    with pytest.raises(services.ReportError):
        services.participant_report_finalise(actor=coordinator, report=draft)
    draft.refresh_from_db()
    assert draft.status == ReportStatus.DRAFT and not draft.pdf
    assert client.get(url("edit", draft)).status_code == 403


def test_the_officers_get_an_email_without_personal_data(
    draft,
    coordinator,
    case_officer_a,
    case_officer_b,
    soc_officer,
    fed_a,
    agency_af,
    django_capture_on_commit_callbacks,
):
    inactive = make_user(
        fed_a, "slutat@a.example", "Sluta Nu", (Role.CASE_OFFICER, {"agency": agency_af})
    )
    inactive.is_active = False
    inactive.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(coordinator).post(url("finalise", draft))
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == sorted([case_officer_a.email, soc_officer.email])
    referral = draft.enrolment.referral
    link = "http://testserver" + list_url(draft.enrolment)
    for message in mail.outbox:
        assert len(message.to) == 1
        assert link in message.body
        for secret in (
            referral.name,
            "Testa",
            referral.personnummer,
            referral.personnummer[:8],
            "Insats A",
            SUMMARY,
            GOAL,
        ):
            assert secret not in message.subject and secret not in message.body


def test_nobody_is_emailed_when_the_consent_covers_no_agency(
    admit, coordinator, fed_a, django_capture_on_commit_callbacks
):
    other = Agency.objects.create(federation=fed_a, kind=AgencyKind.OTHER, name="Övrig part")
    make_user(fed_a, "ovrig@a.example", "Öv Rig", (Role.CASE_OFFICER, {"agency": other}))
    enrolment = admit(serial="985", agency=other, social_services_involved=False)
    report = services.participant_report_create(
        actor=coordinator, enrolment=enrolment, kind=Kind.FOLLOW_UP_3
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.participant_report_finalise(actor=coordinator, report=report)
    assert list(report.shared_with.all()) == []
    assert mail.outbox == []


# --- Due list and timeline ------------------------------------------------------------------------


def _items(enrolment, day=TODAY):
    return [
        (item.due_on, str(item.what))
        for item in reports_due(Enrolment.objects.filter(pk=enrolment.pk), day)
    ]


def test_the_follow_up_reports_are_due_three_and_six_months_after_enrolment_at_month_ends(
    admit, coordinator
):
    enrolment = start(admit(), coordinator, enrolled_on=date(2026, 8, 31))
    assert _items(enrolment) == [
        (date(2026, 11, 30), _("Follow-up report (3 months)")),
        (date(2027, 2, 28), _("Follow-up report (6 months)")),
    ]
    # The due list links to a new report of the kind, then to its draft.
    item = next(iter(reports_due(Enrolment.objects.filter(pk=enrolment.pk), TODAY)))
    assert item.action_url == create_url(enrolment) + "?kind=follow_up_3"
    report = services.participant_report_create(
        actor=coordinator, enrolment=enrolment, kind=Kind.FOLLOW_UP_3
    )
    item = next(iter(reports_due(Enrolment.objects.filter(pk=enrolment.pk), TODAY)))
    assert item.action_url == url("edit", report)
    # A draft is not yet a report: still due. Once finalised, gone.
    assert len(_items(enrolment)) == 2
    services.participant_report_finalise(actor=coordinator, report=report)
    assert _items(enrolment) == [(date(2027, 2, 28), _("Follow-up report (6 months)"))]
    # On the coordinators' due list, overdue.
    listed = due_list(Enrolment.objects.filter(pk=enrolment.pk), date(2027, 3, 1))
    assert any(str(i.what) == _("Follow-up report (6 months)") for i in listed.overdue)


def test_the_exit_report_is_due_on_the_exit_date_until_finalised(participation, coordinator, today):
    today(date(2027, 3, 1))
    enrolment_exit(
        actor=coordinator,
        enrolment=participation,
        exited_on=date(2027, 2, 26),
        exit_reason="health",
        destination="none",
        receiving_party="Vårdcentralen Ekeby",
        exit_plan="Fortsatt kontakt med vården",
        income_source_after="sickness_benefit",
        occupation_after="other",
    )
    assert _items(participation) == [(date(2027, 2, 26), _("Exit report"))]
    report = services.participant_report_create(
        actor=coordinator, enrolment=participation, kind=Kind.EXIT
    )
    services.participant_report_finalise(actor=coordinator, report=report)
    assert _items(participation) == []


def test_the_due_rule_costs_one_query_however_many_participations(admit, coordinator):
    start(admit("986"), coordinator)
    with CaptureQueriesContext(connection) as one:
        list(reports_due(Enrolment.objects.all(), TODAY))
    start(admit("987"), coordinator)
    start(admit("988"), coordinator)
    with CaptureQueriesContext(connection) as three:
        items = list(reports_due(Enrolment.objects.all(), TODAY))
    assert len(items) == 6
    assert len(one) == len(three) == 1


def test_a_finalised_report_is_in_the_timeline_with_its_pdf(draft, coordinator):
    assert report_events(draft.enrolment, editable=True) == []
    final = services.participant_report_finalise(actor=coordinator, report=draft)
    (event,) = report_events(final.enrolment, editable=True)
    assert event.category == "report"
    assert event.url == url("pdf", final)
    assert event.on == timezone.localtime(final.finalised_at).date()
    assert any(e.category == "report" for e in timeline(final.enrolment, editable=True))


# --- Who may open what ----------------------------------------------------------------------------

# Expected status per view for each persona, on a participation referred by AF (case_officer_a)
# with a finalised report shared with AF, and a draft of the six-month report.
VIEWS = ["list", "create", "edit", "preview", "finalise", "reissue", "pdf"]
EXPECTED = {
    "coordinator": [200, 200, 200, 200, 302, 302, 200],
    "case_officer_a": [200, 403, 403, 403, 403, 403, 200],
    "case_officer_b": [404, 403, 403, 403, 403, 403, 404],
    "case_group_member": [403, 403, 403, 403, 403, 403, 403],
    "federation_staff": [403, 403, 403, 403, 403, 403, 403],
    "federation_admin": [403, 403, 403, 403, 403, 403, 403],
    "no_role_user": [403, 403, 403, 403, 403, 403, 403],
    "outsider": [404, 404, 404, 404, 404, 404, 404],
    "outsider_admin": [404, 404, 404, 404, 404, 404, 404],
}


@pytest.mark.parametrize("persona", [*EXPECTED, "anonymous"])
def test_each_view_answers_each_persona(persona, persona_client, final, coordinator, admit):
    second_draft = services.participant_report_create(
        actor=coordinator, enrolment=final.enrolment, kind=Kind.FOLLOW_UP_6
    )
    # Both follow-up kinds are taken above: a new report is written for another participant.
    fresh = start(admit("989"), coordinator)
    client = persona_client(persona)
    requests = {
        "list": ("get", list_url(final.enrolment)),
        "create": ("get", create_url(fresh)),
        "edit": ("get", url("edit", second_draft)),
        "preview": ("get", url("preview", second_draft)),
        "finalise": ("post", url("finalise", second_draft)),
        "reissue": ("post", url("reissue", final)),
        "pdf": ("get", url("pdf", final)),
    }
    statuses = [getattr(client, method)(path).status_code for method, path in requests.values()]
    if persona == "anonymous":
        assert statuses == [302] * len(VIEWS)
    else:
        assert dict(zip(VIEWS, statuses, strict=True)) == dict(
            zip(VIEWS, EXPECTED[persona], strict=True)
        )


def test_writes_need_post_and_reads_refuse_it(final, coordinator):
    client = client_for(coordinator)
    assert client.get(url("finalise", final)).status_code == 405
    assert client.get(url("reissue", final)).status_code == 405
    assert client.post(url("pdf", final)).status_code == 405
    assert client.post(list_url(final.enrolment)).status_code == 405


def test_unknown_and_foreign_reports_are_404(final, coordinator, outsider):
    client = client_for(coordinator)
    assert client.get("/participant-reports/999999/pdf/").status_code == 404
    assert client.get("/participant-reports/abc/pdf/").status_code == 404
    unknown = Enrolment(public_id="00000000-0000-0000-0000-000000000000")
    assert client.get(list_url(unknown)).status_code == 404
    # The other federation's coordinator cannot reach federation A's report by its number.
    assert client_for(outsider).get(url("pdf", final)).status_code == 404
    assert client_for(outsider).post(url("reissue", final)).status_code == 404


def test_a_coordinator_of_another_project_gets_404(final, another_project_coordinator):
    client = client_for(another_project_coordinator)
    assert client.get(url("preview", final)).status_code == 404
    assert client.get(url("pdf", final)).status_code == 404
    assert client.get(list_url(final.enrolment)).status_code == 404


def test_the_list_costs_the_same_however_many_reports(final, coordinator):
    client = client_for(coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(list_url(final.enrolment)).status_code == 200
        return len(queries)

    before = count()
    services.participant_report_reissue(actor=coordinator, report=final)
    services.participant_report_create(
        actor=coordinator, enrolment=final.enrolment, kind=Kind.FOLLOW_UP_6
    )
    assert count() == before


def test_the_coordinators_list_offers_what_can_be_done(final, coordinator):
    page = client_for(coordinator).get(list_url(final.enrolment))
    assert page.status_code == 200
    html = page.content.decode()
    assert url("pdf", final) in html and url("reissue", final) in html
    assert create_url(final.enrolment) + "?kind=follow_up_6" in html
    assert create_url(final.enrolment) + "?kind=follow_up_3" not in html


# --- The tenant-aware querysets -------------------------------------------------------------------


def test_it_scopes_reports_for_each_persona(
    final,
    coordinator,
    case_officer_a,
    case_officer_b,
    federation_staff,
    case_group_member,
    outsider,
):
    def visible(user) -> set[int]:
        return set(ParticipantReport.objects.for_user(user).values_list("pk", flat=True))

    second = services.participant_report_reissue(actor=coordinator, report=final)
    # Coordinators: every version and draft. The referring agency: the latest finalised one.
    assert visible(coordinator) == {final.pk, second.pk}
    assert visible(case_officer_a) == {final.pk}
    for user in (case_officer_b, federation_staff, case_group_member, outsider):
        assert visible(user) == set()
    # The tenant only: what views fetch one report through before they ask the rules.
    in_federation = ParticipantReport.objects.in_federation(federation_staff)
    assert set(in_federation.values_list("pk", flat=True)) == {final.pk, second.pk}
    assert not ParticipantReport.objects.in_federation(outsider).exists()

"""The ärendegrupp's meeting pages through the test client: creating meetings and queueing
referrals, the queue's summary, decisions taken on the page, moves, attendees, minutes and
consultation-only cases. Status codes per persona are in tests/test_permissions.py."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from fokus.models import AccessAction, AccessLogEntry
from fokus.roles import Role
from participants.models import Enrolment
from referrals import services
from referrals.models import (
    CaseGroupMeeting,
    Consultation,
    DeclineReason,
    Gender,
    ReferralStatus,
    WithdrawalChannel,
)
from tests.conftest import make_user, test_personnummer

PNR = test_personnummer("19850317", "982")
# Every way the number could show: 12 and 10 digits, with and without a separator, masked,
# and the date of birth it starts with.
PNR_FORMS = [
    PNR,
    PNR[2:],
    f"{PNR[:8]}-{PNR[8:]}",
    f"{PNR[2:8]}-{PNR[8:]}",
    f"{PNR[2:8]}+{PNR[8:]}",
    f"{PNR[:8]}-****",
    PNR[:8],
    PNR[2:8],
]
CONTACT = {
    "street_address": "Storgatan 12",
    "postal_code": "123 45",
    "city": "Byholma",
    "email": "testa.testsson@example.se",
    "phone": "070-111 22 33",
}


def today():
    return timezone.localdate()


def detail_url(meeting):
    return reverse("referrals:meeting-detail", args=[meeting.pk])


def decide_url(referral):
    return reverse("referrals:referral-decide", args=[referral.public_id])


def move_url(referral):
    return reverse("referrals:referral-move", args=[referral.public_id])


def referral_url(referral):
    return reverse("referrals:referral-detail", args=[referral.public_id])


def decide(client, referral, meeting, **data):
    """Post a decision as the meeting page's form does."""
    return client.post(decide_url(referral), {"next": meeting.pk, **data})


class _SelectedOptions(HTMLParser):
    """The selected option of every <select>, by the select's id."""

    def __init__(self):
        super().__init__()
        self.selected: dict[str, str] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("id")
        elif tag == "option" and self._select and "selected" in attrs:
            self.selected[self._select] = attrs.get("value")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def selected_options(html: str) -> dict[str, str]:
    parser = _SelectedOptions()
    parser.feed(html)
    return parser.selected


@pytest.fixture
def meeting(project_a):
    return CaseGroupMeeting.objects.create(project=project_a, date=today() + timedelta(days=7))


@pytest.fixture
def member(persona_client):
    return persona_client("case_group_member")


@pytest.fixture
def queued(make_referral, meeting):
    """AF's submitted referral, queued to `meeting`."""
    return make_referral(
        status=ReferralStatus.SUBMITTED,
        meeting=meeting,
        submitted_at=timezone.now(),
        personnummer=PNR,
    )


@pytest.fixture
def second(make_referral, meeting):
    return make_referral(
        status=ReferralStatus.SUBMITTED,
        meeting=meeting,
        submitted_at=timezone.now(),
        name="Bertil Bengtsson",
        personnummer=test_personnummer("19900202", "983"),
    )


# --- Creating a meeting and the queue ---------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "case_group_member"])
def test_it_creates_a_meeting_and_queues_the_waiting_referrals(
    persona, persona_client, make_referral, project_a
):
    past = CaseGroupMeeting.objects.create(project=project_a, date=today() - timedelta(days=7))
    waiting = make_referral(
        status=ReferralStatus.SUBMITTED, personnummer=test_personnummer("19850101", "981")
    )
    left_over = make_referral(
        status=ReferralStatus.SUBMITTED,
        meeting=past,
        personnummer=test_personnummer("19850101", "982"),
    )
    decided = make_referral(
        status=ReferralStatus.DECLINED,
        meeting=past,
        decided_at=timezone.now(),
        decline_reason=DeclineReason.NOT_TARGET_GROUP,
        personnummer=test_personnummer("19850101", "983"),
    )
    draft = make_referral(personnummer=test_personnummer("19850101", "984"))
    client = persona_client(persona)
    day = today() + timedelta(days=14)

    response = client.post(
        reverse("referrals:meeting-create", args=[project_a.pk]),
        {"date": day.isoformat(), "time": "13:30", "location": "Kommunhuset"},
    )

    assert response.status_code == 302
    meeting = CaseGroupMeeting.objects.get(project=project_a, date=day)
    assert response["Location"] == detail_url(meeting)
    assert (meeting.time.strftime("%H:%M"), meeting.location) == ("13:30", "Kommunhuset")
    for referral in (waiting, left_over, decided, draft):
        referral.refresh_from_db()
    assert waiting.meeting == meeting
    assert left_over.meeting == meeting
    assert decided.meeting == past
    assert draft.meeting is None

    shown = client.get(response["Location"])
    message = ngettext(
        "The meeting on %(date)s was created. %(count)d waiting referral was queued.",
        "The meeting on %(date)s was created. %(count)d waiting referrals were queued.",
        2,
    ) % {"date": day.isoformat(), "count": 2}
    assert escape(message) in shown.text
    assert AccessLogEntry.objects.filter(
        action=AccessAction.CREATE, object_type="referrals.casegroupmeeting"
    ).exists()


def test_it_queues_waiting_referrals_to_the_next_upcoming_meeting(
    persona_client, make_referral, project_a
):
    soon = CaseGroupMeeting.objects.create(project=project_a, date=today() + timedelta(days=3))
    waiting = make_referral(status=ReferralStatus.SUBMITTED)

    response = persona_client("coordinator").post(
        reverse("referrals:meeting-create", args=[project_a.pk]),
        {"date": (today() + timedelta(days=21)).isoformat()},
    )

    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.meeting == soon


def test_it_refuses_a_meeting_without_a_date_and_saves_nothing(
    persona_client, make_referral, project_a
):
    waiting = make_referral(status=ReferralStatus.SUBMITTED)
    response = persona_client("case_group_member").post(
        reverse("referrals:meeting-create", args=[project_a.pk]),
        {"date": "", "location": "Kommunhuset"},
    )
    assert response.status_code == 400
    assert escape(_("Enter the date of the meeting.")) in response.text
    assert not CaseGroupMeeting.objects.exists()
    waiting.refresh_from_db()
    assert waiting.meeting is None


# --- The meeting page -------------------------------------------------------------------------


def test_it_shows_a_summary_without_personnummer_or_contact_details(member, make_referral, meeting):
    referral = make_referral(
        status=ReferralStatus.SUBMITTED,
        meeting=meeting,
        personnummer=PNR,
        gender=Gender.WOMAN,
        purpose="Komma närmare arbete genom arbetsträning.",
        **CONTACT,
    )

    response = member.get(detail_url(meeting))

    assert response.status_code == 200
    text = response.text
    assert "Testa Testsson" in text
    assert "1985" in text
    assert escape(str(Gender.WOMAN.label)) in text
    assert "Komma närmare arbete genom arbetsträning." in text
    assert f'href="{referral_url(referral)}"' in text
    for secret in [*PNR_FORMS, *CONTACT.values()]:
        assert secret not in text, secret


def test_it_logs_every_view_of_the_meeting_page(member, queued, meeting, case_group_member):
    def views():
        return AccessLogEntry.objects.filter(
            action=AccessAction.VIEW,
            actor=case_group_member,
            object_type="referrals.casegroupmeeting",
            object_id=str(meeting.pk),
        )

    member.get(detail_url(meeting))
    assert views().count() == 1
    member.get(detail_url(meeting))
    assert views().count() == 2


def test_it_shows_a_referral_with_withdrawn_consent_only_as_flagged(
    member, queued, meeting, case_officer_a
):
    services.consent_withdraw(
        actor=case_officer_a,
        referral=queued,
        withdrawn_on=today(),
        channel=WithdrawalChannel.PHONE,
    )

    response = member.get(detail_url(meeting))

    assert response.status_code == 200
    assert escape(_("Consent withdrawn")) in response.text
    assert queued.referring_agency.name in response.text
    for secret in ["Testa", "Testsson", *PNR_FORMS]:
        assert secret not in response.text
    assert referral_url(queued) not in response.text
    assert decide_url(queued) not in response.text


# --- Decisions --------------------------------------------------------------------------------


def test_it_accepts_into_the_preselected_start_and_mails_the_officer_only_a_link(
    member,
    queued,
    meeting,
    cohort,
    project_a,
    case_group_member,
    case_officer_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    page = member.get(detail_url(meeting))
    preselected = selected_options(page.text)[f"qd{queued.public_id.hex[:12]}_cohort"]
    assert preselected == str(cohort.pk)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        response = decide(member, queued, meeting, decision="accept", cohort=preselected)

    assert response.status_code == 302
    assert response["Location"] == detail_url(meeting)
    queued.refresh_from_db()
    assert queued.status == ReferralStatus.ACCEPTED
    assert queued.decided_by == case_group_member
    assert before <= queued.decided_at <= timezone.now()
    enrolment = Enrolment.objects.get(referral=queued)
    assert (enrolment.project, enrolment.cohort, enrolment.status) == (
        project_a,
        cohort,
        Enrolment.Status.ACCEPTED,
    )

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [case_officer_a.email]
    assert f"http://testserver{referral_url(queued)}" in message.body
    mail = f"{message.subject}\n{message.body}"
    for secret in ["Testa", "Testsson", project_a.name, *PNR_FORMS]:
        assert secret not in mail


def test_it_refuses_to_decline_without_a_reason_and_changes_nothing(
    member, queued, meeting, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(member, queued, meeting, decision="decline", reason="", comment="")

    assert response.status_code == 400
    assert escape(_("Choose a reason for declining.")) in response.text
    queued.refresh_from_db()
    assert queued.status == ReferralStatus.SUBMITTED
    assert (queued.decided_at, queued.decided_by, queued.decline_reason) == (None, None, "")
    assert not queued.history.exists()
    assert mailoutbox == []


def test_it_requires_a_comment_when_declining_for_another_reason(member, queued, meeting):
    response = decide(
        member, queued, meeting, decision="decline", reason=DeclineReason.OTHER, comment=" "
    )

    assert response.status_code == 400
    assert escape(_("Describe the reason for declining.")) in response.text
    queued.refresh_from_db()
    assert queued.status == ReferralStatus.SUBMITTED
    assert queued.decided_at is None


def test_it_declines_with_a_reason_and_a_comment(member, queued, meeting, case_group_member):
    response = decide(
        member,
        queued,
        meeting,
        decision="decline",
        reason=DeclineReason.OTHER_SUPPORT,
        comment="Behöver först en insats från regionen.",
    )

    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == ReferralStatus.DECLINED
    assert queued.decline_reason == DeclineReason.OTHER_SUPPORT
    assert queued.decision_comment == "Behöver först en insats från regionen."
    assert queued.decided_by == case_group_member
    assert queued.decided_at is not None
    assert not Enrolment.objects.exists()
    assert [(h.status, h.by) for h in queued.history.all()] == [
        (ReferralStatus.DECLINED, case_group_member)
    ]


def _wait_list_heading(position, name):
    return f"{escape(_('Wait list %(n)s:') % {'n': position})} {name}"


def test_it_numbers_the_wait_list_in_the_order_referrals_were_put_on_it(
    member, queued, second, meeting
):
    assert decide(member, second, meeting, decision="wait_list").status_code == 302
    assert decide(member, queued, meeting, decision="wait_list").status_code == 302

    response = member.get(detail_url(meeting))

    text = response.text
    assert _wait_list_heading(1, "Bertil Bengtsson") in text
    assert _wait_list_heading(2, "Testa Testsson") in text
    in_queue = _("%(n)s. %(name)s (%(agency)s), in the queue above.")
    agency = queued.referring_agency.name
    assert escape(in_queue % {"n": 1, "name": "Bertil Bengtsson", "agency": agency}) in text
    assert escape(in_queue % {"n": 2, "name": "Testa Testsson", "agency": agency}) in text
    queued.refresh_from_db()
    second.refresh_from_db()
    assert second.wait_listed_at < queued.wait_listed_at
    assert queued.status == second.status == ReferralStatus.WAIT_LISTED


def test_it_lists_the_projects_wait_list_by_the_time_each_was_put_on_it(
    member, make_referral, meeting, project_a
):
    earlier = CaseGroupMeeting.objects.create(project=project_a, date=today() - timedelta(days=14))
    now = timezone.now()
    # Created in the order Anna, Bo, Cilla; put on the wait list in the order Cilla, Anna, Bo.
    for serial, (name, hours_ago) in enumerate([("Anna", 2), ("Bo", 1), ("Cilla", 3)]):
        make_referral(
            status=ReferralStatus.WAIT_LISTED,
            meeting=earlier,
            name=f"{name} Väntelista",
            wait_listed_at=now - timedelta(hours=hours_ago),
            decided_at=now - timedelta(hours=hours_ago),
            personnummer=test_personnummer("19800101", str(990 + serial)),
        )

    text = member.get(detail_url(meeting)).text

    headings = [
        _wait_list_heading(1, "Cilla Väntelista"),
        _wait_list_heading(2, "Anna Väntelista"),
        _wait_list_heading(3, "Bo Väntelista"),
    ]
    positions = [text.find(heading) for heading in headings]
    assert -1 not in positions
    assert positions == sorted(positions)


def test_it_refuses_to_decide_a_referral_twice(member, queued, meeting, cohort):
    assert decide(member, queued, meeting, decision="accept", cohort=cohort.pk).status_code == 302
    queued.refresh_from_db()
    decided_at = queued.decided_at

    for data in (
        {"decision": "decline", "reason": DeclineReason.NO_PLACE},
        {"decision": "accept", "cohort": cohort.pk},
    ):
        response = decide(member, queued, meeting, **data)
        assert response.status_code == 400
        assert escape(_("This referral is no longer waiting for a decision.")) in response.text

    queued.refresh_from_db()
    assert (queued.status, queued.decided_at) == (ReferralStatus.ACCEPTED, decided_at)
    assert Enrolment.objects.filter(referral=queued).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [("case_officer_a", 403), ("case_officer_b", 404), ("outsider", 404)],
)
def test_it_does_not_let_case_officers_or_outsiders_decide(
    persona_client, persona, status, queued, meeting, cohort
):
    response = decide(persona_client(persona), queued, meeting, decision="accept", cohort=cohort.pk)
    assert response.status_code == status
    queued.refresh_from_db()
    assert (queued.status, queued.decided_at) == (ReferralStatus.SUBMITTED, None)
    assert not Enrolment.objects.exists()


# --- Moving a referral ------------------------------------------------------------------------


def test_it_moves_a_referral_to_another_meeting_of_the_project(member, queued, meeting, project_a):
    later = CaseGroupMeeting.objects.create(project=project_a, date=today() + timedelta(days=21))

    response = member.post(move_url(queued), {"meeting": later.pk, "next": meeting.pk})

    assert response.status_code == 302
    assert response["Location"] == detail_url(meeting)
    queued.refresh_from_db()
    assert queued.meeting == later
    assert "Testa Testsson" in member.get(detail_url(later)).text


def test_it_refuses_to_move_a_referral_to_another_projects_or_a_past_meeting(
    member, queued, meeting, project_a, project_a_other
):
    elsewhere = CaseGroupMeeting.objects.create(
        project=project_a_other, date=today() + timedelta(days=10)
    )
    past = CaseGroupMeeting.objects.create(project=project_a, date=today() - timedelta(days=10))

    for target in (elsewhere, past):
        response = member.post(move_url(queued), {"meeting": target.pk, "next": meeting.pk})
        assert response.status_code == 400
        assert escape(_("Choose one of the project's upcoming meetings.")) in response.text

    queued.refresh_from_db()
    assert queued.meeting == meeting


# --- Editing a meeting: attendees -------------------------------------------------------------


def _edit(client, meeting, **changes):
    data = {
        "date": meeting.date.isoformat(),
        "time": "",
        "location": "Rådhuset",
        "attendees": [],
        "notes": "Rutinen för återkoppling till handläggarna.",
        **changes,
    }
    return client.post(reverse("referrals:meeting-edit", args=[meeting.pk]), data)


def test_it_records_attendees_from_the_projects_team(
    persona_client, meeting, coordinator, case_group_member
):
    response = _edit(
        persona_client("coordinator"), meeting, attendees=[coordinator.pk, case_group_member.pk]
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert set(meeting.attendees.all()) == {coordinator, case_group_member}
    assert meeting.location == "Rådhuset"
    assert meeting.notes == "Rutinen för återkoppling till handläggarna."


@pytest.fixture
def other_project_coordinator(fed_a, project_a_other):
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Karl Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


@pytest.mark.parametrize("stranger", ["outsider", "other_project_coordinator", "case_officer_a"])
def test_it_refuses_an_attendee_from_outside_the_projects_team(
    request, persona_client, meeting, coordinator, stranger
):
    person = request.getfixturevalue(stranger)

    response = _edit(persona_client("coordinator"), meeting, attendees=[coordinator.pk, person.pk])

    assert response.status_code == 400
    assert (
        escape(
            _("The form has errors. Correct the fields marked below; nothing has been saved yet.")
        )
        in response.text
    )
    meeting.refresh_from_db()
    assert not meeting.attendees.exists()
    assert meeting.location == ""


# --- Minutes ----------------------------------------------------------------------------------


def test_it_lists_decisions_attendees_and_advice_in_the_minutes(
    persona_client,
    member,
    queued,
    second,
    meeting,
    cohort,
    project_a,
    make_referral,
    coordinator,
    case_group_member,
    case_officer_b,
    agency_fk,
):
    meeting.attendees.set([coordinator, case_group_member])
    elsewhere = CaseGroupMeeting.objects.create(
        project=project_a, date=today() + timedelta(days=30)
    )
    other = make_referral(
        status=ReferralStatus.SUBMITTED,
        meeting=elsewhere,
        name="Cecilia Carlsson",
        personnummer=test_personnummer("19700101", "985"),
    )
    assert decide(member, queued, meeting, decision="accept", cohort=cohort.pk).status_code == 302
    assert (
        decide(
            member,
            second,
            meeting,
            decision="decline",
            reason=DeclineReason.OTHER,
            comment="Har redan en plats i en annan insats.",
        ).status_code
        == 302
    )
    assert (
        decide(
            member, other, elsewhere, decision="decline", reason=DeclineReason.NO_PLACE
        ).status_code
        == 302
    )
    Consultation.objects.create(
        project=project_a,
        meeting=meeting,
        raised_by_agency=agency_fk,
        raised_by=case_officer_b,
        summary="En person i 30-årsåldern med lång sjukskrivning.",
        question="Vilken insats passar först?",
        advice="Börja med arbetsträning hos kommunen.",
    )

    response = persona_client("coordinator").get(
        reverse("referrals:meeting-minutes", args=[meeting.pk])
    )

    assert response.status_code == 200
    text = response.text
    assert "Testa Testsson" in text
    assert "Bertil Bengtsson" in text
    assert "Cecilia Carlsson" not in text
    assert escape(_("Accepted")) in text
    assert escape(_("Declined")) in text
    assert escape(str(cohort)) in text
    assert escape(str(DeclineReason.OTHER.label)) in text
    assert "Har redan en plats i en annan insats." in text
    assert "Kim Koordinator" in text
    assert "Siv Samverkan" in text
    assert "En person i 30-årsåldern med lång sjukskrivning." in text
    assert "Vilken insats passar först?" in text
    assert "Börja med arbetsträning hos kommunen." in text
    for secret in PNR_FORMS:
        assert secret not in text
    assert AccessLogEntry.objects.filter(
        action=AccessAction.VIEW, object_id=str(meeting.pk), detail="minutes"
    ).exists()


def test_it_keeps_a_wait_list_decision_in_the_minutes_of_the_meeting_it_was_taken_at(
    persona_client, member, queued, meeting, cohort, project_a
):
    later = CaseGroupMeeting.objects.create(project=project_a, date=today() + timedelta(days=21))
    assert decide(member, queued, meeting, decision="wait_list").status_code == 302
    assert decide(member, queued, later, decision="accept", cohort=cohort.pk).status_code == 302

    minutes = persona_client("coordinator").get(
        reverse("referrals:meeting-minutes", args=[meeting.pk])
    )

    assert "Testa Testsson" in minutes.text


# --- Consultations ----------------------------------------------------------------------------


def consultation_data(meeting, **changes):
    return {
        "summary": "En person i 40-årsåldern som har varit sjukskriven länge.",
        "question": "Vilken myndighet bör ta första steget?",
        "meeting": meeting.pk,
        **changes,
    }


def test_it_lets_a_case_officer_raise_a_case_without_identity_fields(
    persona_client, meeting, project_a, case_officer_a, agency_af
):
    officer = persona_client("case_officer_a")
    url = reverse("referrals:consultation-create", args=[project_a.pk])

    page = officer.get(url)

    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"summary", "question", "meeting"}
    for field in ("name", "personnummer", "alias", "birth_year", "street_address", "email"):
        assert f'name="{field}"' not in page.text

    response = officer.post(
        url, consultation_data(meeting, name="Testa Testsson", personnummer=PNR)
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:consultation-list", args=[project_a.pk])
    consultation = Consultation.objects.get()
    assert (consultation.raised_by, consultation.raised_by_agency, consultation.meeting) == (
        case_officer_a,
        agency_af,
        meeting,
    )
    stored = f"{consultation.summary} {consultation.question} {consultation.advice}"
    assert "Testa" not in stored
    assert PNR not in stored


def test_it_refuses_an_empty_case_and_saves_nothing(persona_client, meeting, project_a):
    response = persona_client("case_officer_a").post(
        reverse("referrals:consultation-create", args=[project_a.pk]),
        consultation_data(meeting, summary="", question=""),
    )
    assert response.status_code == 400
    assert escape(_("Describe the case.")) in response.text
    assert escape(_("Write the question to the group.")) in response.text
    assert not Consultation.objects.exists()


@pytest.fixture
def af_consultation(project_a, meeting, agency_af, case_officer_a):
    return Consultation.objects.create(
        project=project_a,
        meeting=meeting,
        raised_by_agency=agency_af,
        raised_by=case_officer_a,
        summary="AF:s fall: en person med lång tid utan arbete.",
        question="AF:s fråga till gruppen?",
    )


@pytest.fixture
def fk_consultation(project_a, meeting, agency_fk, case_officer_b):
    return Consultation.objects.create(
        project=project_a,
        meeting=meeting,
        raised_by_agency=agency_fk,
        raised_by=case_officer_b,
        summary="FK:s fall: en person med sjukpenning.",
        question="FK:s fråga till gruppen?",
    )


def test_it_records_the_groups_advice_and_shows_it_to_the_raising_officer(
    persona_client, member, meeting, af_consultation, project_a
):
    response = member.post(
        reverse("referrals:consultation-advice", args=[af_consultation.pk]),
        {"advice": "Boka ett trepartsmöte med FK.", "next": meeting.pk},
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(meeting)
    af_consultation.refresh_from_db()
    assert af_consultation.advice == "Boka ett trepartsmöte med FK."
    listing = persona_client("case_officer_a").get(
        reverse("referrals:consultation-list", args=[project_a.pk])
    )
    assert listing.status_code == 200
    assert "Boka ett trepartsmöte med FK." in listing.text


def test_it_refuses_empty_advice(member, meeting, af_consultation):
    response = member.post(
        reverse("referrals:consultation-advice", args=[af_consultation.pk]),
        {"advice": "", "next": meeting.pk},
    )
    assert response.status_code == 400
    assert escape(_("Write the group's advice before saving.")) in response.text
    af_consultation.refresh_from_db()
    assert af_consultation.advice == ""


def test_it_does_not_let_a_coordinator_raise_a_case(persona_client, meeting, project_a):
    coordinator = persona_client("coordinator")
    url = reverse("referrals:consultation-create", args=[project_a.pk])
    assert coordinator.get(url).status_code == 403
    assert coordinator.post(url, consultation_data(meeting)).status_code == 403
    assert not Consultation.objects.exists()


def test_it_shows_an_officer_only_their_own_agencys_cases(
    persona_client, project_a, af_consultation, fk_consultation
):
    url = reverse("referrals:consultation-list", args=[project_a.pk])

    fk_view = persona_client("case_officer_b").get(url).text
    af_view = persona_client("case_officer_a").get(url).text
    member_view = persona_client("case_group_member").get(url).text

    assert fk_consultation.summary in fk_view
    assert af_consultation.summary not in fk_view
    assert af_consultation.summary in af_view
    assert fk_consultation.summary not in af_view
    assert af_consultation.summary in member_view
    assert fk_consultation.summary in member_view

"""Distribution: the partner contact register, personal links by e-mail and reminders, a
cohort's anonymous link with its QR code, and personal links per participant."""

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cohorts.models import Cohort
from fokus.models import AccessAction, AccessLogEntry, Job
from fokus.roles import Role
from participants.models import Enrolment
from participants.services import enrolment_start
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide
from surveys.answering import (
    Unavailable,
    anonymous_link_for_token,
    hash_token,
    invitation_for_token,
)
from surveys.models import (
    AnonymousLink,
    Audience,
    Channel,
    Contact,
    Invitation,
    Response,
    Survey,
)
from tests.conftest import make_user, test_personnummer
from tests.world import run_queued_jobs

FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
SEND_ERRORS = "The form has errors. Correct the fields marked below; nothing has been sent."
TOKEN_IN_URL = {
    "personal": re.compile(r"https?://[^/\s]+/s/p/([A-Za-z0-9_\-]+)/"),
    "anonymous": re.compile(r"https?://[^/\s]+/s/a/([A-Za-z0-9_\-]+)/"),
}


# --- Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def other_coordinator(fed_a, project_a_other):
    return make_user(
        fed_a,
        "koordinator2@a.example",
        "Klara Annanprojekt",
        (Role.COORDINATOR, {"project": project_a_other}),
    )


@pytest.fixture
def partner_survey(fed_a, project_a):
    return Survey.objects.create(
        federation=fed_a, project=project_a, name="Samverkan", audience=Audience.PARTNERS
    )


@pytest.fixture
def participant_survey(fed_a, project_a):
    return Survey.objects.create(
        federation=fed_a,
        project=project_a,
        name="Efter gruppen",
        audience=Audience.PARTICIPANTS,
    )


@pytest.fixture
def following_survey(fed_a, project_a):
    return Survey.objects.create(
        federation=fed_a,
        project=project_a,
        name="Vid avslut",
        audience=Audience.PARTICIPANTS,
        follows_individuals=True,
    )


@pytest.fixture
def anna(project_a, agency_af):
    return Contact.objects.create(
        project=project_a,
        name="Anna Andersson",
        agency=agency_af,
        role="Handläggare",
        email="anna@af.example",
    )


@pytest.fixture
def bertil(project_a, agency_fk):
    return Contact.objects.create(
        project=project_a, name="Bertil Berg", agency=agency_fk, email="bertil@fk.example"
    )


@pytest.fixture
def coordinator_client(coordinator):
    client = Client()
    client.force_login(coordinator)
    return client


@pytest.fixture
def participant(make_referral, coordinator, cohort):
    """An active participant of the cohort."""

    def make(serial: str, name: str, *, start: bool = True) -> Enrolment:
        referral = make_referral(
            status=ReferralStatus.SUBMITTED,
            personnummer=test_personnummer("19850101", serial),
            name=name,
        )
        referral_decide(
            actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort
        )
        enrolment = Enrolment.objects.get(referral=referral)
        if start:
            enrolment = enrolment_start(
                actor=coordinator,
                enrolment=enrolment,
                coordinator=coordinator,
                enrolled_on=date(2026, 9, 1),
                income_source_before="sickness_benefit",
                occupation_before="other",
                education_level="compulsory",
            )
        return enrolment

    return make


def send_url(survey):
    return reverse("surveys:survey-send", args=[survey.public_id])


def remind_url(survey):
    return reverse("surveys:survey-remind", args=[survey.public_id])


def link_url(survey, cohort):
    return reverse("surveys:anonymous-link", args=[survey.public_id, cohort.pk])


def personal_links_url(survey, cohort):
    return reverse("surveys:participant-links", args=[survey.public_id, cohort.pk])


def in_future(days=10):
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def tokens_in(text, kind="personal"):
    return TOKEN_IN_URL[kind].findall(text)


def anonymous_token_in(text):
    (token,) = set(tokens_in(text, "anonymous"))
    return token


def send(client, survey, contacts, *, expires_on=None, capture=None):
    """POSTs the send form; with `capture` (django_capture_on_commit_callbacks) the job it
    starts is queued and run, as a worker would, before returning the response."""
    data = {"contacts": [c.pk for c in contacts], "expires_on": expires_on or in_future()}
    if capture is None:
        return client.post(send_url(survey), data)
    with capture(execute=True):
        response = client.post(send_url(survey), data)
    run_queued_jobs()
    return response


# --- Contact register -------------------------------------------------------------------------


def test_it_creates_a_contact(coordinator_client, project_a, agency_af):
    response = coordinator_client.post(
        reverse("surveys:contact-create", args=[project_a.pk]),
        {
            "name": "Cecilia Ceder",
            "agency": agency_af.pk,
            "role": "Enhetschef",
            "email": "cecilia@af.example",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:contact-list", args=[project_a.pk])
    contact = Contact.objects.get()
    assert (contact.project, contact.name, contact.agency, contact.email, contact.is_active) == (
        project_a,
        "Cecilia Ceder",
        agency_af,
        "cecilia@af.example",
        True,
    )
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE)
    assert "Cecilia" not in entry.detail and "Cecilia" not in entry.object_label
    page = coordinator_client.get(reverse("surveys:contact-list", args=[project_a.pk]))
    assert page.status_code == 200
    assert "Cecilia Ceder" in page.text and "cecilia@af.example" in page.text


def test_it_creates_a_contact_without_an_agency(coordinator_client, project_a):
    response = coordinator_client.post(
        reverse("surveys:contact-create", args=[project_a.pk]),
        {"name": "Doris Dal", "agency": "", "email": "doris@region.example", "is_active": "on"},
    )
    assert response.status_code == 302
    assert Contact.objects.get().agency is None


def test_it_refuses_a_duplicate_email_in_the_project(coordinator_client, project_a, anna):
    response = coordinator_client.post(
        reverse("surveys:contact-create", args=[project_a.pk]),
        {"name": "Anna Annan", "email": "ANNA@af.example", "is_active": "on"},
    )
    assert response.status_code == 400
    assert escape(_(FORM_ERRORS)) in response.text
    message = _("The project's register already has a contact with this e-mail address.")
    assert escape(message) in response.text
    assert 'value="Anna Annan"' in response.text  # what was typed is kept
    assert Contact.objects.count() == 1


def test_it_allows_the_same_email_in_another_project(
    persona_client, project_a_other, other_coordinator, anna
):
    response = persona_client("other_coordinator").post(
        reverse("surveys:contact-create", args=[project_a_other.pk]),
        {"name": "Anna Andersson", "email": anna.email, "is_active": "on"},
    )
    assert response.status_code == 302
    assert Contact.objects.filter(email=anna.email).count() == 2


@pytest.mark.parametrize("agency", ["foreign", "9999999", "abc"])
def test_it_refuses_an_agency_outside_the_federation(
    coordinator_client, project_a, agency_b, agency
):
    value = agency_b.pk if agency == "foreign" else agency
    response = coordinator_client.post(
        reverse("surveys:contact-create", args=[project_a.pk]),
        {"name": "Erik Ek", "agency": value, "email": "erik@b.example", "is_active": "on"},
    )
    assert response.status_code == 400
    assert escape(_("Choose one of the federation's agencies.")) in response.text
    assert not Contact.objects.exists()


def test_it_deactivates_a_contact_instead_of_deleting(
    coordinator_client, partner_survey, anna, bertil
):
    response = coordinator_client.post(
        reverse("surveys:contact-edit", args=[anna.pk]),
        {"name": anna.name, "agency": anna.agency_id, "role": anna.role, "email": anna.email},
    )
    assert response.status_code == 302
    anna.refresh_from_db()
    assert anna.is_active is False
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.detail == f"survey contact {anna.pk}: is_active"
    # An inactive contact is no longer offered on the sending page, nor accepted from it.
    page = coordinator_client.get(send_url(partner_survey))
    assert f'value="{anna.pk}"' not in page.text
    assert f'value="{bertil.pk}"' in page.text
    assert send(coordinator_client, partner_survey, [anna]).status_code == 400
    assert not Invitation.objects.exists()


def test_it_keeps_the_email_check_when_editing(coordinator_client, anna, bertil):
    response = coordinator_client.post(
        reverse("surveys:contact-edit", args=[bertil.pk]),
        {"name": bertil.name, "email": anna.email, "is_active": "on"},
    )
    assert response.status_code == 400
    bertil.refresh_from_db()
    assert bertil.email == "bertil@fk.example"
    # Saving a contact with its own address is not a duplicate.
    response = coordinator_client.post(
        reverse("surveys:contact-edit", args=[anna.pk]),
        {"name": "Anna A. Andersson", "email": anna.email, "is_active": "on"},
    )
    assert response.status_code == 302


# --- Sending personal links -------------------------------------------------------------------


def test_it_shows_the_contacts_and_a_default_expiry(coordinator_client, partner_survey, anna):
    response = coordinator_client.get(send_url(partner_survey))
    assert response.status_code == 200
    assert "Anna Andersson" in response.text
    assert f'name="contacts" value="{anna.pk}"' in response.text
    default = timezone.localdate() + timedelta(days=21)
    assert response.context["form"]["expires_on"].value() == default


def test_it_sends_personal_links_storing_only_the_hash(
    coordinator_client,
    coordinator,
    partner_survey,
    anna,
    bertil,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    expires_on = in_future(14)
    response = send(
        coordinator_client,
        partner_survey,
        [anna, bertil],
        expires_on=expires_on,
        capture=django_capture_on_commit_callbacks,
    )
    # The e-mails go out from a background job; its page tells how it went and links back.
    assert response.status_code == 302
    job = Job.objects.get()
    assert response["Location"] == reverse("job", kwargs={"public_id": job.public_id})
    assert (job.status, job.progress_done, job.progress_total) == (Job.Status.SUCCEEDED, 2, 2)
    job_page = coordinator_client.get(response["Location"])
    sent = ngettext(
        "The survey was sent to %(count)d contact.", "The survey was sent to %(count)d contacts.", 2
    )
    assert sent % {"count": 2} in job_page.text
    assert f'href="{send_url(partner_survey)}"' in job_page.text

    invitations = {i.contact_id: i for i in Invitation.objects.all()}
    assert set(invitations) == {anna.pk, bertil.pk}
    assert len(mailoutbox) == 2
    for mail in mailoutbox:
        contact, other = (anna, bertil) if mail.to == [anna.email] else (bertil, anna)
        assert mail.to == [contact.email]
        (token,) = tokens_in(mail.body)
        invitation = invitations[contact.pk]
        # Only the hash is stored; the plain token is in the e-mail alone.
        assert invitation.token_hash == hash_token(token)
        assert token not in invitation.token_hash
        assert not Invitation.objects.filter(token_hash=token).exists()
        assert invitation_for_token(token) == invitation
        assert invitation.expires_on.isoformat() == expires_on
        assert invitation.sent_by == coordinator and invitation.sent_at is not None
        # The recipient's own name and the link; nobody else's data.
        assert _("Hello %(name)s,") % {"name": contact.name} in mail.body
        for foreign in (other.name, other.email, coordinator.full_name, coordinator.email):
            assert foreign not in mail.body
        assert partner_survey.name in mail.subject
    # The log counts; it names nobody and holds no token.
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE)
    assert entry.detail.startswith("personal links e-mailed to 2 contacts")
    all_tokens = [tokens_in(m.body)[0] for m in mailoutbox]
    for text in (entry.detail, entry.object_label):
        assert "Anna" not in text and "Bertil" not in text
        assert not any(token in text for token in all_tokens)


def test_it_does_not_offer_or_resend_to_an_invited_contact(
    coordinator_client, partner_survey, anna, bertil, mailoutbox, django_capture_on_commit_callbacks
):
    send(coordinator_client, partner_survey, [anna], capture=django_capture_on_commit_callbacks)
    first_hash = Invitation.objects.get().token_hash
    page = coordinator_client.get(send_url(partner_survey))
    assert f'value="{anna.pk}"' not in page.text
    assert f'value="{bertil.pk}"' in page.text
    row = next(r for r in page.context["rows"] if r.contact == anna)
    assert row.invitation is not None and row.answered is False
    # A tampered POST with the invited contact sends nothing and changes nothing.
    response = send(
        coordinator_client, partner_survey, [anna], capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert Invitation.objects.get().token_hash == first_hash
    assert len(mailoutbox) == 1


@pytest.mark.parametrize(
    "expires_on", ["today", "yesterday", "2020-01-01", "2030-13-01", "snart", ""]
)
def test_it_refuses_an_expiry_not_in_the_future(
    coordinator_client, partner_survey, anna, mailoutbox, expires_on
):
    value = {
        "today": timezone.localdate().isoformat(),
        "yesterday": (timezone.localdate() - timedelta(days=1)).isoformat(),
    }.get(expires_on, expires_on)
    response = coordinator_client.post(
        send_url(partner_survey), {"contacts": [anna.pk], "expires_on": value}
    )
    assert response.status_code == 400
    assert escape(_(SEND_ERRORS)) in response.text
    assert response.context["form"].errors["expires_on"]
    assert not Invitation.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize("contacts", [[], ["abc"], ["9999999"], ["foreign"]])
def test_it_refuses_a_bad_choice_of_contacts(
    coordinator_client, partner_survey, project_a_other, contacts, mailoutbox
):
    foreign = Contact.objects.create(project=project_a_other, name="Fia", email="fia@x.example")
    values = [foreign.pk if c == "foreign" else c for c in contacts]
    response = coordinator_client.post(
        send_url(partner_survey), {"contacts": values, "expires_on": in_future()}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["contacts"]
    assert not Invitation.objects.exists()
    assert mailoutbox == []


def test_it_sends_only_partner_surveys_of_a_project(
    coordinator_client, participant_survey, partner_survey, anna, fed_a
):
    assert coordinator_client.get(send_url(participant_survey)).status_code == 404
    template = Survey.objects.create(name="Mall", audience=Audience.PARTNERS)
    assert coordinator_client.get(send_url(template)).status_code == 404
    assert coordinator_client.post(remind_url(participant_survey)).status_code == 404


def test_it_sends_nothing_for_a_closed_survey(
    coordinator_client, partner_survey, anna, mailoutbox, django_capture_on_commit_callbacks
):
    partner_survey.is_open = False
    partner_survey.save()
    page = coordinator_client.get(send_url(partner_survey))
    assert page.status_code == 200
    assert 'name="contacts"' not in page.text
    response = send(
        coordinator_client, partner_survey, [anna], capture=django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()
    assert mailoutbox == []


# --- Reminders --------------------------------------------------------------------------------


def test_it_reminds_with_new_tokens_and_the_old_ones_stop_working(
    coordinator_client,
    partner_survey,
    project_a,
    anna,
    bertil,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    cecilia = Contact.objects.create(project=project_a, name="Cecilia", email="c@x.example")
    send(
        coordinator_client,
        partner_survey,
        [anna, bertil, cecilia],
        capture=django_capture_on_commit_callbacks,
    )
    old = {mail.to[0]: tokens_in(mail.body)[0] for mail in mailoutbox}
    # Bertil has answered; Cecilia's link has expired.
    answered = Invitation.objects.get(contact=bertil)
    Response.objects.create(survey=partner_survey, channel=Channel.PERSONAL, invitation=answered)
    Invitation.objects.filter(contact=bertil).update(answered_at=timezone.now())
    Invitation.objects.filter(contact=cecilia).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(remind_url(partner_survey))
    job = Job.objects.get(kind="surveys.remind")
    assert response["Location"] == reverse("job", kwargs={"public_id": job.public_id})
    run_queued_jobs()

    job_page = coordinator_client.get(response["Location"])
    reminded = ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", 1)
    assert reminded % {"count": 1} in job_page.text
    assert f'href="{send_url(partner_survey)}"' in job_page.text
    assert [mail.to for mail in mailoutbox] == [[anna.email]]
    (new_token,) = tokens_in(mailoutbox[0].body)
    assert new_token != old[anna.email]
    assert (
        _("Your new personal link to the survey (the link in the earlier e-mail no longer works):")
        in mailoutbox[0].body
    )
    invitation = Invitation.objects.get(contact=anna)
    assert (invitation.reminders, invitation.reminded_at is not None) == (1, True)
    assert invitation.token_hash == hash_token(new_token)
    # The old link's hash is gone: it no longer resolves.
    assert not Invitation.objects.filter(token_hash=hash_token(old[anna.email])).exists()
    with pytest.raises(Unavailable) as refused:
        invitation_for_token(old[anna.email])
    assert refused.value.reason == Unavailable.INVALID
    assert invitation_for_token(new_token) == invitation
    # The answered and the expired invitations were left alone.
    assert Invitation.objects.get(contact=bertil).reminders == 0
    assert Invitation.objects.get(contact=cecilia).reminders == 0
    entry = AccessLogEntry.objects.get(action=AccessAction.CHANGE)
    assert entry.detail == "reminders with new personal links e-mailed to 1 contacts"


def test_it_reminds_nobody_when_everyone_answered(coordinator_client, partner_survey, mailoutbox):
    response = coordinator_client.post(remind_url(partner_survey), follow=True)
    reminded = ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", 0)
    assert reminded % {"count": 0} in response.text
    assert mailoutbox == []


def test_reminding_needs_post(coordinator_client, partner_survey):
    assert coordinator_client.get(remind_url(partner_survey)).status_code == 405


# --- Anonymous cohort link --------------------------------------------------------------------


def test_it_creates_and_renews_the_anonymous_link(
    coordinator_client, coordinator, participant_survey, cohort
):
    url = link_url(participant_survey, cohort)
    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "<svg" not in page.text
    assert 'value="create"' in page.text

    response = coordinator_client.post(url, {"action": "create", "expires_on": ""})
    assert response.status_code == 302
    link = AnonymousLink.objects.get()
    assert (link.cohort, link.is_active, link.expires_on, link.created_by) == (
        cohort,
        True,
        None,
        coordinator,
    )
    page = coordinator_client.get(url)
    token = anonymous_token_in(page.text)
    # Only a hash is stored, like the personal links'.
    assert link.token_hash == hash_token(token) and token not in str(link.__dict__)
    absolute = "http://testserver" + reverse("surveys:answer-anonymous", args=[token])
    assert absolute in page.text
    # The QR code, inline, with the URL as its text alternative.
    svg = re.search(r"<svg[^>]*>.*?</svg>", page.text, re.S).group(0)
    assert 'role="img"' in svg and absolute in svg and f"<title>{absolute}</title>" in svg
    assert "print.css" in page.text
    assert anonymous_link_for_token(token) == link

    # Creating again keeps the same link.
    coordinator_client.post(url, {"action": "create"})
    assert AnonymousLink.objects.count() == 1

    expires_on = in_future(30)
    response = coordinator_client.post(url, {"action": "renew", "expires_on": expires_on})
    assert response.status_code == 302
    old = AnonymousLink.objects.get(pk=link.pk)
    new = AnonymousLink.objects.get(is_active=True)
    assert old.is_active is False and new.pk != link.pk and new.token_hash != link.token_hash
    assert new.expires_on.isoformat() == expires_on
    with pytest.raises(Unavailable):
        anonymous_link_for_token(token)
    renewed = anonymous_token_in(coordinator_client.get(url).text)
    assert anonymous_link_for_token(renewed) == new
    assert AccessLogEntry.objects.filter(action=AccessAction.CREATE).count() == 2


def test_it_shows_an_anonymous_link_only_to_the_session_that_made_it(
    coordinator_client, coordinator, participant_survey, cohort
):
    url = link_url(participant_survey, cohort)
    coordinator_client.post(url, {"action": "create", "expires_on": ""})
    assert tokens_in(coordinator_client.get(url).text, "anonymous")
    # Signed in again (or another coordinator): the link works but cannot be shown, and the
    # page offers to replace it.
    other = Client()
    other.force_login(coordinator)
    page = other.get(url)
    assert page.status_code == 200
    assert not tokens_in(page.text, "anonymous") and "<svg" not in page.text
    assert 'id="link-not-shown"' in page.text and 'value="renew"' in page.text
    assert other.post(url, {"action": "renew", "expires_on": ""}).status_code == 302
    assert tokens_in(other.get(url).text, "anonymous")


def test_it_refuses_a_past_expiry_for_the_anonymous_link(
    coordinator_client, participant_survey, cohort
):
    response = coordinator_client.post(
        link_url(participant_survey, cohort), {"action": "create", "expires_on": "2020-01-01"}
    )
    assert response.status_code == 400
    assert not AnonymousLink.objects.exists()


def test_it_gives_anonymous_links_only_for_the_projects_cohorts(
    coordinator_client, participant_survey, partner_survey, cohort, project_a_other, project_b
):
    for project in (project_a_other, project_b):
        foreign = Cohort.objects.create(
            project=project,
            municipality=project.municipalities.first(),
            start_date=date(2026, 9, 1),
        )
        assert coordinator_client.get(link_url(participant_survey, foreign)).status_code == 404
        response = coordinator_client.post(link_url(participant_survey, foreign), {})
        assert response.status_code == 404
    assert coordinator_client.get(link_url(partner_survey, cohort)).status_code == 404
    assert not AnonymousLink.objects.exists()


# --- Personal links per participant -----------------------------------------------------------


def test_it_gives_personal_links_only_when_following_individuals(
    coordinator_client, participant_survey, cohort
):
    url = personal_links_url(participant_survey, cohort)
    response = coordinator_client.get(url)
    assert response.status_code == 403
    assert coordinator_client.post(url, {"expires_on": in_future()}).status_code == 403
    assert not Invitation.objects.exists()


def test_it_makes_personal_links_once_and_reissues_for_those_not_answered(
    coordinator_client, following_survey, cohort, participant
):
    alva = participant("981", "Alva Alm")
    bo = participant("982", "Bo Björk")
    waiting = participant("983", "Ceder Väntar", start=False)  # accepted, not started
    url = personal_links_url(following_survey, cohort)

    page = coordinator_client.get(url)
    assert page.status_code == 200
    assert "Alva Alm" in page.text and "Ceder Väntar" not in page.text

    response = coordinator_client.post(url, {"action": "create", "expires_on": in_future()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    tokens = tokens_in(response.text)
    assert len(set(tokens)) == 2
    assert response.text.count("<svg") == 2
    assert "Alva Alm" in response.text and "Bo Björk" in response.text
    assert escape(_("The links are shown only now.")) in response.text
    invitations = Invitation.objects.filter(survey=following_survey)
    assert {i.enrolment_id for i in invitations} == {alva.pk, bo.pk}
    assert all(i.contact_id is None for i in invitations)
    assert {i.token_hash for i in invitations} == {hash_token(t) for t in tokens}
    assert not Invitation.objects.filter(enrolment=waiting).exists()
    entry = AccessLogEntry.objects.filter(action=AccessAction.CREATE).latest("pk")
    assert entry.detail.startswith(f"personal links for 2 participants of start {cohort.pk}")

    # A later visit shows who has a link, never the links.
    later = coordinator_client.get(url)
    assert tokens_in(later.text) == [] and "<svg" not in later.text
    assert 'value="reissue"' in later.text

    # Bo answers; new links go to Alva only, and her old link stops working.
    bo_invitation = invitations.get(enrolment=bo)
    Response.objects.create(
        survey=following_survey, channel=Channel.PERSONAL, invitation=bo_invitation
    )
    old_alva_hash = invitations.get(enrolment=alva).token_hash
    response = coordinator_client.post(url, {"action": "reissue", "expires_on": in_future(40)})
    assert response.status_code == 200
    (new_token,) = set(tokens_in(response.text))
    alva_invitation = Invitation.objects.get(enrolment=alva)
    assert alva_invitation.token_hash == hash_token(new_token) != old_alva_hash
    assert alva_invitation.reminders == 1
    assert Invitation.objects.get(enrolment=bo).token_hash == bo_invitation.token_hash
    assert "Bo Björk" not in response.text


def test_it_refuses_personal_links_with_a_past_expiry(
    coordinator_client, following_survey, cohort, participant
):
    participant("981", "Alva Alm")
    response = coordinator_client.post(
        personal_links_url(following_survey, cohort),
        {"action": "create", "expires_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert not Invitation.objects.exists()


# --- Access per persona -----------------------------------------------------------------------


@pytest.fixture
def distribution_urls(project_a, partner_survey, following_survey, cohort, anna):
    return {
        "contact-list": reverse("surveys:contact-list", args=[project_a.pk]),
        "contact-create": reverse("surveys:contact-create", args=[project_a.pk]),
        "contact-edit": reverse("surveys:contact-edit", args=[anna.pk]),
        "survey-send": send_url(partner_survey),
        "anonymous-link": link_url(following_survey, cohort),
        "participant-links": personal_links_url(following_survey, cohort),
    }


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("coordinator", 200),
        ("federation_staff", 403),
        ("federation_admin", 403),
        ("case_officer_a", 403),
        ("case_group_member", 403),
        ("other_coordinator", 404),
        ("no_role_user", 403),
        ("outsider", 404),
        ("outsider_admin", 404),
    ],
)
def test_only_the_projects_coordinators_distribute(
    persona_client, distribution_urls, other_coordinator, persona, expected
):
    client = persona_client(persona)
    for name, url in distribution_urls.items():
        response = client.get(url)
        assert response.status_code == expected, name
        if expected != 200:
            assert "Anna Andersson" not in response.text, name


@pytest.mark.parametrize("persona", ["federation_staff", "other_coordinator", "outsider"])
def test_others_cannot_write(
    persona_client,
    distribution_urls,
    partner_survey,
    other_coordinator,
    anna,
    mailoutbox,
    persona,
):
    client = persona_client(persona)
    del distribution_urls["contact-list"]  # GET only
    for name, url in distribution_urls.items():
        response = client.post(
            url,
            {
                "name": "X",
                "email": "x@x.example",
                "contacts": [anna.pk],
                "expires_on": in_future(),
                "action": "create",
            },
        )
        assert response.status_code in (403, 404), name
    assert client.post(remind_url(partner_survey)).status_code in (403, 404)
    assert Contact.objects.count() == 1
    assert not Invitation.objects.exists() and not AnonymousLink.objects.exists()
    assert mailoutbox == []


def test_anonymous_visitors_are_sent_to_login(distribution_urls):
    client = Client()
    for name, url in distribution_urls.items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name

"""Invitation letters (kallelser): writing one and printing it as a PDF, through the test client.
The PDF's text is read back with pdftotext (poppler-utils, see `make system-deps`)."""

import subprocess
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants.letters import programme_shape
from participants.models import Enrolment, InvitationLetter
from participants.services import enrolment_exit
from referrals.models import ReferralStatus
from referrals.services import Decision, referral_decide

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FORM_ERRORS = "The form has errors. Correct the fields marked below; nothing has been saved yet."
ADDRESS = {"street_address": "Björkvägen 12", "postal_code": "123 45", "city": "Ekeby"}


def create_url(enrolment):
    return reverse("participants:letter-create", args=[enrolment.public_id])


def pdf_url(letter):
    return reverse("participants:letter-pdf", args=[letter.pk])


def letter_data(coordinator, **changes):
    return {
        "intake_date": "2026-09-07",
        "intake_time": "09:30",
        "intake_place": "Kvarngatan 4, Ekeby",
        "group_date": "2026-09-14",
        "group_time": "13:00",
        "group_place": "Folkets hus, Ekeby",
        "contact": str(coordinator.pk),
        "contact_phone": "070-123 45 67",
        "message": "Ta med legitimation.",
        **changes,
    }


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with whitespace normalised: line breaks fall where the layout puts them."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(result.stdout.decode().split())


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def today(monkeypatch):
    """Fix the date the app sees as today (the clock is outside the project)."""

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)

    set_today(date(2026, 8, 1))
    return set_today


@pytest.fixture
def invited(accept, today):
    """An accepted participation whose referral has a postal address."""
    return accept(**ADDRESS)


@pytest.fixture
def letter(invited, coordinator):
    return InvitationLetter.objects.create(
        enrolment=invited,
        intake_at=datetime(2026, 9, 7, 9, 30, tzinfo=STOCKHOLM),
        intake_place="Kvarngatan 4, Ekeby",
        group_starts_at=datetime(2026, 9, 14, 13, 0, tzinfo=STOCKHOLM),
        group_place="Folkets hus, Ekeby",
        contact=coordinator,
        contact_phone="070-123 45 67",
        message="Ta med legitimation.",
        created_by=coordinator,
    )


@pytest.fixture
def protected(make_referral, coordinator, cohort, today):
    """An accepted participation of a person with protected identity. Postal code and city are
    allowed on such a referral, so they are set: the letter must still not show them."""
    referral = make_referral(
        status=ReferralStatus.SUBMITTED,
        protected_identity=True,
        name="",
        personnummer="",
        alias="Fjärilen",
        birth_year=1985,
        postal_code="987 65",
        city="Hemligby",
        officer_name="Hanna Handläggare",
    )
    referral_decide(actor=coordinator, referral=referral, decision=Decision.ACCEPT, cohort=cohort)
    return Enrolment.objects.get(referral=referral)


def test_it_creates_a_letter_and_logs_it(invited, coordinator):
    client = client_for(coordinator)
    response = client.post(create_url(invited), letter_data(coordinator))

    assert response.status_code == 302
    assert response.url == create_url(invited)
    letter = InvitationLetter.objects.get(enrolment=invited)
    assert letter.intake_at == datetime(2026, 9, 7, 9, 30, tzinfo=STOCKHOLM)
    assert letter.group_starts_at == datetime(2026, 9, 14, 13, 0, tzinfo=STOCKHOLM)
    assert letter.intake_place == "Kvarngatan 4, Ekeby"
    assert letter.group_place == "Folkets hus, Ekeby"
    assert (letter.contact, letter.created_by) == (coordinator, coordinator)
    assert letter.contact_phone == "070-123 45 67"
    assert letter.message == "Ta med legitimation."
    entry = AccessLogEntry.objects.get(action=AccessAction.CREATE, object_id=str(invited.public_id))
    assert entry.actor == coordinator
    assert entry.detail == f"kallelse {letter.pk}, intake 2026-09-07 09:30"
    assert "Testa" not in entry.detail

    # Back on the page: the message links to the PDF and the letter is listed.
    page = client.get(response.url)
    assert page.status_code == 200
    assert page.content.decode().count(f'href="{pdf_url(letter)}"') == 2
    assert _("No invitation letters yet.") not in page.content.decode()


def test_it_prefills_the_group_start_and_the_contact(invited, coordinator):
    coordinator.phone = "08-555 123"
    coordinator.save()

    response = client_for(coordinator).get(create_url(invited))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["group_date"].value() == date(2026, 9, 1)  # the cohort's start date
    assert form["contact"].value() == coordinator.pk
    assert form["contact_phone"].value() == "08-555 123"
    assert _("No invitation letters yet.") in response.content.decode()


def test_it_starts_a_new_letter_from_the_previous_one(letter, coordinator):
    response = client_for(coordinator).get(create_url(letter.enrolment))

    form = response.context["form"]
    assert form["intake_place"].value() == "Kvarngatan 4, Ekeby"
    assert form["group_date"].value() == date(2026, 9, 14)
    assert form["contact_phone"].value() == "070-123 45 67"


def test_it_writes_a_letter_without_a_group_start(invited, coordinator):
    data = letter_data(coordinator, group_date="", group_time="", group_place="", message="")

    response = client_for(coordinator).post(create_url(invited), data)

    assert response.status_code == 302
    letter = InvitationLetter.objects.get(enrolment=invited)
    assert letter.group_starts_at is None and letter.group_place == ""


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"contact_phone": ""}, "contact_phone", "Enter a phone number the person can call."),
        (
            {"contact_phone": "ring mig"},
            "contact_phone",
            "Enter a phone number with digits, e.g. 070-123 45 67 or +46 70 123 45 67.",
        ),
        ({"intake_time": "9:3x"}, "intake_time", "Enter the time as HH:MM, e.g. 09:30."),
        (
            {"intake_date": "7/13/2026"},
            "intake_date",
            "Enter the date as YYYY-MM-DD, e.g. 2026-09-01.",
        ),
        ({"intake_date": "2026-07-31"}, "intake_date", "The intake talk cannot be in the past."),
        ({"group_time": ""}, "group_time", "Enter the time of the first group session."),
        ({"group_date": ""}, "group_date", "Enter the date of the first group session."),
        ({"group_place": ""}, "group_place", "Enter where the group sessions are held."),
        (
            {"group_date": "2026-09-07", "group_time": "09:00"},
            "group_date",
            "The first group session must be after the intake talk.",
        ),
        ({"contact": "999999"}, "contact", "Choose one of the project's coordinators."),
    ],
)
def test_it_keeps_the_input_and_saves_nothing_on_errors(
    invited, coordinator, changes, field, error
):
    response = client_for(coordinator).post(
        create_url(invited), letter_data(coordinator, **changes)
    )

    assert response.status_code == 400
    assert _(error) in response.context["form"].errors[field]
    body = response.content.decode()
    assert escape(_(FORM_ERRORS)) in body
    assert 'value="Kvarngatan 4, Ekeby"' in body
    assert "Ta med legitimation." in body
    assert not InvitationLetter.objects.exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.CREATE).exists()


def test_it_refuses_a_contact_from_another_project(invited, coordinator, other_coordinator):
    data = letter_data(coordinator, contact=str(other_coordinator.pk))

    response = client_for(coordinator).post(create_url(invited), data)

    assert response.status_code == 400
    assert not InvitationLetter.objects.exists()


def test_it_renders_the_letter_as_a_pdf_and_logs_the_print(letter, coordinator, cohort):
    response = client_for(coordinator).get(pdf_url(letter))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="kallelse-2026-09-07.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in [
        "Insats A",  # letterhead
        "Förbund A",
        "Ekeby kommun",  # project owner
        "Testa Testsson",
        "Björkvägen 12",
        "123 45 Ekeby",
        "måndag 7 september 2026",  # the intake talk, in Swedish words
        "09:30",
        "Kvarngatan 4, Ekeby",
        "måndag 14 september 2026",  # the first group session
        "13:00",
        "Folkets hus, Ekeby",
        "Ta med legitimation.",
        "Kim Koordinator",
        "070-123 45 67",
        "koordinator@a.example",
    ]:
        assert expected in text, expected
    with translation.override("sv"):
        assert " ".join(programme_shape(cohort).split()) in text
    assert "19850101" not in text  # never the personnummer
    entry = AccessLogEntry.objects.get(action=AccessAction.PRINT)
    assert entry.actor == coordinator
    assert entry.object_id == str(letter.enrolment.public_id)
    assert entry.detail == "kallelse"


def test_it_leaves_out_the_name_and_address_of_a_protected_person(protected, coordinator):
    client = client_for(coordinator)
    client.post(create_url(protected), letter_data(coordinator))
    letter = InvitationLetter.objects.get(enrolment=protected)

    response = client.get(pdf_url(letter))

    assert response.status_code == 200
    text = pdf_text(response.content)
    for hidden in ["987 65", "Hemligby", "Fjärilen", "Testa"]:
        assert hidden not in text, hidden
    assert "Hanna Handläggare" in text  # handed over through the referring case officer
    assert "Arbetsförmedlingen" in text
    assert "måndag 7 september 2026" in text


def test_it_refuses_letters_for_an_exited_participation(started, coordinator, today):
    today(date(2027, 6, 1))
    exited = enrolment_exit(
        actor=coordinator,
        enrolment=started,
        exited_on=date(2026, 11, 2),
        exit_reason="completed_period",
        destination="studies",
        receiving_party="Vuxenutbildningen Ekeby",
        exit_plan="Komvux i januari.",
        income_source_after="study_support",
        occupation_after="studies",
    )
    client = client_for(coordinator)

    assert client.get(create_url(exited)).status_code == 403
    data = letter_data(coordinator, intake_date="2027-06-10", group_date="", group_time="")
    assert client.post(create_url(exited), {**data, "group_place": ""}).status_code == 403
    assert not InvitationLetter.objects.exists()


def test_it_accepts_an_active_participation(started, coordinator, today):
    response = client_for(coordinator).post(create_url(started), letter_data(coordinator))

    assert response.status_code == 302
    assert InvitationLetter.objects.filter(enrolment=started).count() == 1


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("other_coordinator", 404),  # another project of the federation is not theirs
        ("case_officer_a", 403),  # referred the person, but letters are the project's
        ("outsider", 404),  # another federation
    ],
)
def test_it_keeps_letters_to_the_projects_coordinators(request, letter, persona, expected):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(create_url(letter.enrolment)).status_code == expected
    assert client.post(create_url(letter.enrolment), {}).status_code == expected
    assert client.get(pdf_url(letter)).status_code == expected
    assert InvitationLetter.objects.count() == 1
    assert not AccessLogEntry.objects.filter(action=AccessAction.PRINT).exists()


def test_it_sends_anonymous_users_to_log_in(letter):
    client = Client()

    for url in [create_url(letter.enrolment), pdf_url(letter)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_it_answers_404_for_an_unknown_letter_and_405_for_a_post(letter, coordinator):
    client = client_for(coordinator)

    missing = reverse("participants:letter-pdf", args=[letter.pk + 1000])
    assert client.get(missing).status_code == 404
    assert client.get(f"/letters/{10**20}/pdf/").status_code == 404
    assert client.post(pdf_url(letter)).status_code == 405
    assert client.put(create_url(letter.enrolment)).status_code == 405

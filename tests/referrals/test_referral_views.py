"""The case officer's referral pages through the test client: create, save, submit, withdraw,
delete, "Mina anvisningar" and the detail page, and who gets a 404 or a 403 on them."""

import re
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from fokus.models import AccessAction, AccessLogEntry
from referrals import services
from referrals.forms.referral import ReferralForm
from referrals.models import (
    CaseGroupMeeting,
    ConsentMethod,
    DeclineReason,
    Referral,
    ReferralStatus,
    WithdrawalChannel,
)
from tests.referrals.conftest import test_personnummer

PNR = test_personnummer("19850101")  # 12 digits
PNR_FORMATTED = f"{PNR[:8]}-{PNR[8:]}"
PNR_SHORT = f"{PNR[2:8]}-{PNR[8:]}"
# Every way the number could leak: 12 digits, 10 digits, with and without a separator.
PNR_FORMS = [PNR, PNR[2:], PNR_FORMATTED, PNR_SHORT, f"{PNR[2:8]}+{PNR[8:]}"]

INVALID_PNR = _(
    "This is not a valid personnummer. Write it as YYYYMMDD-NNNN or YYMMDD-NNNN "
    "(YYMMDD+NNNN for a person over 100) and check the date of birth and the last digit."
)
PROTECTED_NAME_ERROR = _(
    "Leave this empty: the person has protected identity and is "
    "registered by alias, birth year, gender and home municipality only."
)


def _wrong_check_digit(pnr: str) -> str:
    return pnr[:-1] + str((int(pnr[-1]) + 1) % 10)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer(persona_client):
    return persona_client("case_officer_a")


@pytest.fixture
def blank_draft(project_a, agency_af, case_officer_a):
    """A draft as the create page leaves it: nothing about the person yet."""

    def make(**fields):
        return Referral.objects.create(
            federation=project_a.federation,
            project=project_a,
            referring_agency=agency_af,
            created_by=case_officer_a,
            officer_name=case_officer_a.full_name,
            officer_email=case_officer_a.email,
            officer_workplace=agency_af.name,
            **fields,
        )

    return make


def form_data(referral: Referral, **changes) -> dict:
    """What the edit page posts back when the officer changes nothing but `changes`."""
    data = {}
    for bound in ReferralForm(referral=referral):
        value = bound.value()
        if value is None or value is False:
            continue
        data[bound.name] = "on" if value is True else value
    data.update(changes)
    return data


def edit_url(referral: Referral) -> str:
    return reverse("referrals:referral-edit", args=[referral.public_id])


def detail_url(referral: Referral) -> str:
    return reverse("referrals:referral-detail", args=[referral.public_id])


def links(html: str) -> list[str]:
    return re.findall(r'(?:href|action|src)="([^"]*)"', html)


# --- Creating a draft --------------------------------------------------------------------------


def test_it_creates_a_draft_with_the_referring_party_filled_from_the_officer(
    officer, case_officer_a, agency_af, project_a, project_a_other
):
    case_officer_a.phone = "010-123 45 67"
    case_officer_a.save()

    page = officer.get(reverse("referrals:referral-create"))
    assert page.status_code == 200
    assert project_a.name in page.text and project_a_other.name in page.text

    response = officer.post(reverse("referrals:referral-create"), {"project": project_a.pk})

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == edit_url(referral)
    assert referral.status == ReferralStatus.DRAFT
    assert referral.project == project_a
    assert referral.referring_agency == agency_af
    assert referral.created_by == case_officer_a
    assert referral.officer_name == "Hanna Handläggare"
    assert referral.officer_email == case_officer_a.email
    assert referral.officer_phone == "010-123 45 67"
    assert referral.officer_workplace == agency_af.name

    form_page = officer.get(response["Location"])
    assert form_page.status_code == 200
    assert f'value="{escape("Hanna Handläggare")}"' in form_page.text
    assert f'value="{case_officer_a.email}"' in form_page.text


def test_it_refuses_a_project_of_another_federation_on_create(officer, project_b):
    response = officer.post(reverse("referrals:referral-create"), {"project": project_b.pk})
    assert response.status_code == 400
    assert not Referral.objects.exists()


def test_it_refuses_create_to_someone_who_is_not_a_case_officer(persona_client, project_a):
    for persona in ("coordinator", "case_group_member", "federation_staff", "federation_admin"):
        client = persona_client(persona)
        assert client.get(reverse("referrals:referral-create")).status_code == 403
        response = client.post(reverse("referrals:referral-create"), {"project": project_a.pk})
        assert response.status_code == 403
    assert not Referral.objects.exists()


# --- Saving a draft ----------------------------------------------------------------------------


def test_it_saves_a_partial_draft_and_shows_it_again(officer, blank_draft, municipality_a):
    referral = blank_draft()
    response = officer.post(
        edit_url(referral),
        {
            "action": "save",
            "name": "Åsa Öberg",
            "home_municipality": municipality_a.pk,
            "far_from_labour_market": "yes",
            "background": "Har arbetat i lager.\nVill pröva något nytt.",
            "social_services_involved": "on",
            "social_services_contact": "Sara Socialsekreterare",
            "officer_name": referral.officer_name,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == edit_url(referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.name == "Åsa Öberg"
    assert referral.home_municipality == municipality_a
    assert referral.far_from_labour_market == "yes"
    assert referral.background == "Har arbetat i lager.\nVill pröva något nytt."
    assert referral.social_services_involved is True
    assert referral.social_services_contact == "Sara Socialsekreterare"
    assert referral.personnummer == ""

    again = officer.get(response["Location"])
    assert again.status_code == 200
    assert escape(_("The draft was saved.")) in again.text
    assert 'value="Åsa Öberg"' in again.text
    assert "Har arbetat i lager.\nVill pröva något nytt.</textarea>" in again.text
    assert 'value="Sara Socialsekreterare"' in again.text
    assert re.search(r'name="social_services_involved"[^>]*checked', again.text)
    assert re.search(r'name="far_from_labour_market" value="yes"[^>]*checked', again.text)


BAD_PERSONNUMMER = {
    "wrong check digit": _wrong_check_digit(PNR_FORMATTED),
    "month 13 with a valid check digit": test_personnummer("19851301"),
    "30 February with a valid check digit": test_personnummer("19850230"),
    "too few digits": "850101-98",
    "letters": "ÅÅMMDD-NNNN",
}


@pytest.mark.parametrize("typed", BAD_PERSONNUMMER.values(), ids=BAD_PERSONNUMMER.keys())
def test_it_refuses_a_bad_personnummer_and_keeps_everything_typed(
    officer, blank_draft, municipality_a, typed
):
    referral = blank_draft(name="Gammalt Namn")
    response = officer.post(
        edit_url(referral),
        {
            "action": "save",
            "name": "Nytt Namn",
            "personnummer": typed,
            "home_municipality": municipality_a.pk,
            "background": "En bakgrund som inte får försvinna.",
            "phone": "070-111 22 33",
        },
    )

    assert response.status_code == 400
    form = response.context["form"]
    assert list(form.errors) == ["personnummer"]
    assert escape(INVALID_PNR) in response.text
    assert _("Nothing was saved") in response.text
    # Everything typed comes back in the form, the bad number too.
    assert f'value="{escape(typed)}"' in response.text
    assert 'value="Nytt Namn"' in response.text
    assert 'value="070-111 22 33"' in response.text
    assert "En bakgrund som inte får försvinna.</textarea>" in response.text
    referral.refresh_from_db()
    assert referral.name == "Gammalt Namn"
    assert referral.personnummer == ""
    assert referral.background == ""
    assert referral.home_municipality is None


ACCEPTED_FORMATS = {
    "YYYYMMDD-NNNN": (PNR_FORMATTED, PNR),
    "YYMMDD-NNNN": (PNR_SHORT, PNR),
    "YYYYMMDDNNNN": (PNR, PNR),
    "YYMMDDNNNN": (PNR[2:], PNR),
    "YYMMDD+NNNN is 100 years earlier": (
        f"{test_personnummer('19250101')[2:8]}+{test_personnummer('19250101')[8:]}",
        test_personnummer("19250101"),
    ),
}


@pytest.mark.parametrize(
    ("typed", "stored"), ACCEPTED_FORMATS.values(), ids=ACCEPTED_FORMATS.keys()
)
def test_it_stores_every_accepted_personnummer_format_as_12_digits(
    officer, blank_draft, typed, stored
):
    referral = blank_draft()
    response = officer.post(edit_url(referral), {"action": "save", "personnummer": typed})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.personnummer == stored


def test_it_refuses_a_name_for_a_person_with_protected_identity(officer, blank_draft):
    referral = blank_draft()
    response = officer.post(
        edit_url(referral),
        {
            "action": "save",
            "protected_identity": "on",
            "name": "Hemlig Person",
            "alias": "Person A",
            "birth_year": "1985",
            "gender": "woman",
        },
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert escape(PROTECTED_NAME_ERROR) in response.text
    assert 'value="Hemlig Person"' in response.text
    assert 'value="Person A"' in response.text
    referral.refresh_from_db()
    assert referral.protected_identity is False
    assert referral.name == ""
    assert referral.alias == ""
    assert referral.birth_year is None


def test_it_saves_a_person_with_protected_identity_without_identity(officer, blank_draft):
    referral = blank_draft()
    response = officer.post(
        edit_url(referral),
        {
            "action": "save",
            "protected_identity": "on",
            "alias": "Person A",
            "birth_year": "1985",
            "gender": "woman",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.protected_identity is True
    assert (referral.alias, referral.birth_year, referral.gender) == ("Person A", 1985, "woman")
    assert (referral.name, referral.personnummer) == ("", "")


# --- Submitting --------------------------------------------------------------------------------


def test_it_lists_what_is_missing_when_an_incomplete_draft_is_submitted(
    officer, blank_draft, mailoutbox
):
    referral = blank_draft()
    response = officer.post(
        edit_url(referral),
        {"action": "submit", "name": "Halvfärdig Person", "background": "Kommer mer sen."},
    )

    assert response.status_code == 400
    assert _("The referral could not be submitted") in response.text
    errors = response.context["submit_errors"]
    assert _("Choose the start (cohort) the person is referred to.") in errors
    assert _("Record the person's consent, covering every party, before submitting.") in errors
    missing = _("Fill in the person's %(fields)s.") % {
        "fields": ", ".join([_("personal identity number"), _("home municipality")])
    }
    assert missing in errors
    for message in errors:
        assert escape(message) in response.text
    # The typed values were kept (saved as the draft) and shown again.
    assert 'value="Halvfärdig Person"' in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT
    assert referral.name == "Halvfärdig Person"
    assert referral.background == "Kommer mer sen."
    assert not referral.history.exists()
    assert mailoutbox == []


def test_it_submits_a_complete_draft_and_mails_the_officer_only_a_link(
    officer,
    make_referral,
    case_officer_a,
    project_a,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    referral = make_referral()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(edit_url(referral), form_data(referral, action="submit"))

    assert response.status_code == 302
    assert response["Location"] == detail_url(referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.submitted_at is not None
    assert [(h.status, h.by) for h in referral.history.all()] == [
        (ReferralStatus.SUBMITTED, case_officer_a)
    ]

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [case_officer_a.email]
    assert f"http://testserver{detail_url(referral)}" in message.body
    text = f"{message.subject}\n{message.body}"
    for secret in [*PNR_FORMS, "Testa", "Testsson", project_a.name]:
        assert secret not in text

    shown = officer.get(response["Location"])
    assert _("The referral was submitted. It will be taken up at the next ärendemöte.") in (
        shown.text
    )


def test_it_queues_a_submitted_referral_for_the_next_meeting(officer, make_referral, project_a):
    meeting = CaseGroupMeeting.objects.create(
        project=project_a, date=timezone.localdate() + timedelta(days=3)
    )
    referral = make_referral()
    response = officer.post(edit_url(referral), form_data(referral, action="submit"))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.meeting == meeting


def test_it_asks_for_a_comment_when_a_soft_rule_warns(officer, make_referral):
    referral = make_referral(sufficient_swedish="no")
    response = officer.post(edit_url(referral), form_data(referral, action="submit"))

    assert response.status_code == 400
    assert (
        escape(_("Explain in the comment field why the person should take part anyway."))
        in response.text
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DRAFT

    response = officer.post(
        edit_url(referral),
        form_data(
            referral,
            action="submit",
            eligibility_comment="Gruppen har tolk, så språket är inget hinder.",
        ),
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.eligibility_comment == "Gruppen har tolk, så språket är inget hinder."


def test_it_refuses_a_duplicate_without_revealing_the_other_agency(
    persona_client, make_referral, agency_fk, case_officer_b, mailoutbox
):
    make_referral(status=ReferralStatus.SUBMITTED, name="Första Anvisningen")
    second = make_referral(
        agency=agency_fk, officer=case_officer_b, name="Andra Anvisningen", personnummer=PNR
    )
    client = persona_client("case_officer_b")

    response = client.post(edit_url(second), form_data(second, action="submit"))

    assert response.status_code == 400
    duplicate = _(
        "This person already has a referral to or a place in this project. A second "
        "referral cannot be submitted; contact the project's coordinator."
    )
    assert escape(duplicate) in response.text
    errors = re.search(r'<div[^>]*id="submit-errors".*?</div>', response.text, re.S).group(0)
    assert "Arbetsförmedlingen" not in errors
    assert "Första Anvisningen" not in response.text
    assert "Hanna Handläggare" not in response.text
    second.refresh_from_db()
    assert second.status == ReferralStatus.DRAFT
    assert mailoutbox == []


# --- Withdrawing and deleting ------------------------------------------------------------------


def test_it_requires_a_reason_to_withdraw_a_submitted_referral(
    officer, make_referral, case_officer_a, django_capture_on_commit_callbacks, mailoutbox
):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    url = reverse("referrals:referral-withdraw", args=[referral.public_id])

    response = officer.post(url, {"reason": "   "})
    assert response.status_code == 400
    assert escape(_("Give a reason for withdrawing the referral.")) in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.withdrawal_reason == ""

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(url, {"reason": "Personen har fått ett arbete."})
    assert response.status_code == 302
    assert response["Location"] == detail_url(referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN
    assert referral.withdrawal_reason == "Personen har fått ett arbete."
    last = referral.history.last()
    assert (last.status, last.by) == (ReferralStatus.WITHDRAWN, case_officer_a)
    assert len(mailoutbox) == 1
    assert "Testsson" not in mailoutbox[0].body

    shown = officer.get(detail_url(referral))
    assert escape(_("The referral was withdrawn.")) in shown.text
    assert "Personen har fått ett arbete." in shown.text


def test_it_refuses_to_withdraw_a_draft_or_a_decided_referral(officer, make_referral):
    for status in (ReferralStatus.DRAFT, ReferralStatus.ACCEPTED, ReferralStatus.WITHDRAWN):
        referral = make_referral(status=status)
        response = officer.post(
            reverse("referrals:referral-withdraw", args=[referral.public_id]),
            {"reason": "Ångrade mig."},
        )
        assert response.status_code == 403
        referral.refresh_from_db()
        assert referral.status == status


def test_it_deletes_a_draft(officer, make_referral):
    referral = make_referral()
    response = officer.post(reverse("referrals:referral-delete", args=[referral.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral-list")
    assert not Referral.objects.filter(pk=referral.pk).exists()
    assert escape(_("The draft was deleted.")) in officer.get(response["Location"]).text
    assert AccessLogEntry.objects.filter(
        action=AccessAction.DELETE, object_id=str(referral.public_id)
    ).exists()


def test_it_refuses_to_delete_a_submitted_referral(officer, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    response = officer.post(reverse("referrals:referral-delete", args=[referral.public_id]))
    assert response.status_code == 403
    assert Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SUBMITTED).exists()


# --- "Mina anvisningar" ------------------------------------------------------------------------


def test_it_lists_referrals_with_a_masked_personnummer(officer, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    response = officer.get(reverse("referrals:referral-list"))
    assert response.status_code == 200
    assert referral.name in response.text
    assert f"{PNR[:8]}-****" in response.text
    for shown in PNR_FORMS:
        assert shown not in response.text


def test_it_flags_a_referral_whose_consent_was_withdrawn_in_the_list(officer, make_referral):
    make_referral(status=ReferralStatus.CONSENT_WITHDRAWN)
    response = officer.get(reverse("referrals:referral-list"))
    assert response.status_code == 200
    assert _("Consent withdrawn") in response.text
    assert 'class="table-danger"' in response.text


def test_it_filters_the_list_by_status(officer, make_referral):
    make_referral(name="Utkast Utkastsson")
    make_referral(
        name="Inskickad Inskicksson",
        status=ReferralStatus.SUBMITTED,
        personnummer=test_personnummer("19900505", "981"),
    )
    response = officer.get(reverse("referrals:referral-list"), {"status": "submitted"})
    assert response.status_code == 200
    assert "Inskickad Inskicksson" in response.text
    assert "Utkast Utkastsson" not in response.text

    response = officer.get(reverse("referrals:referral-list"), {"status": "draft"})
    assert "Utkast Utkastsson" in response.text
    assert "Inskickad Inskicksson" not in response.text


def test_it_lists_with_the_same_number_of_queries_for_2_and_8_referrals(
    officer, make_referral, project_a, case_officer_a
):
    meeting = CaseGroupMeeting.objects.create(project=project_a, date=timezone.localdate())
    statuses = [
        {"status": ReferralStatus.SUBMITTED, "meeting": meeting},
        {"status": ReferralStatus.WAIT_LISTED, "wait_listed_at": timezone.now()},
        {"status": ReferralStatus.DECLINED, "decline_reason": DeclineReason.NO_PLACE},
        {"status": ReferralStatus.CONSENT_WITHDRAWN},
        {"status": ReferralStatus.DRAFT},
        {"status": ReferralStatus.ACCEPTED},
        {"status": ReferralStatus.SUBMITTED, "meeting": meeting},
        {"status": ReferralStatus.WAIT_LISTED, "wait_listed_at": timezone.now()},
    ]

    def add(fields_list, first_serial):
        for offset, fields in enumerate(fields_list):
            make_referral(
                personnummer=test_personnummer("19850101", str(first_serial + offset)), **fields
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = officer.get(reverse("referrals:referral-list"))
        assert response.status_code == 200
        return len(queries)

    add(statuses[:2], 980)
    with_two = count()
    add(statuses[2:], 982)
    assert Referral.objects.count() == 8
    assert count() == with_two


def test_it_refuses_the_list_to_federation_staff_and_admins(persona_client, make_referral):
    make_referral(status=ReferralStatus.SUBMITTED)
    for persona in ("federation_staff", "federation_admin", "no_role_user"):
        response = persona_client(persona).get(reverse("referrals:referral-list"))
        assert response.status_code == 403
        assert "Testsson" not in response.text


# --- The detail page and the access log --------------------------------------------------------


def test_it_shows_the_full_personnummer_on_the_detail_page_and_logs_every_view(
    officer, make_referral, case_officer_a
):
    referral = make_referral()

    def views():
        return AccessLogEntry.objects.filter(
            action=AccessAction.VIEW, object_id=str(referral.public_id), actor=case_officer_a
        )

    response = officer.get(detail_url(referral))
    assert response.status_code == 200
    assert PNR_FORMATTED in response.text
    assert views().count() == 1
    officer.get(detail_url(referral))
    assert views().count() == 2

    for entry in AccessLogEntry.objects.all():
        logged = " ".join(
            str(value)
            for value in (
                entry.actor_label,
                entry.object_type,
                entry.object_id,
                entry.object_label,
                entry.detail,
                entry.ip_address,
            )
        )
        for shown in PNR_FORMS:
            assert shown not in logged


def test_it_logs_the_edit_page_which_shows_the_full_personnummer(
    officer, make_referral, case_officer_a
):
    referral = make_referral()
    response = officer.get(edit_url(referral))
    assert PNR_FORMATTED in response.text
    assert AccessLogEntry.objects.filter(
        action=AccessAction.VIEW, object_id=str(referral.public_id), actor=case_officer_a
    ).exists()


def test_it_never_puts_the_personnummer_in_a_url(officer, make_referral, media_root):
    draft = make_referral()
    submitted = make_referral(
        status=ReferralStatus.SUBMITTED, personnummer=test_personnummer("19900505", "981")
    )
    submitted.consent.method = ConsentMethod.PAPER
    submitted.consent.document.save("samtycke.pdf", ContentFile(b"%PDF-1.4 test"))
    numbers = [draft.personnummer, submitted.personnummer]
    pages = [
        reverse("referrals:referral-list"),
        detail_url(draft),
        detail_url(submitted),
        edit_url(draft),
        reverse("referrals:consent-record", args=[draft.public_id]),
    ]
    seen = []
    for page in pages:
        response = officer.get(page)
        assert response.status_code == 200
        seen += links(response.text)
    # Redirects after saving and submitting too.
    response = officer.post(edit_url(draft), form_data(draft, action="save"))
    seen.append(response["Location"])
    response = officer.post(edit_url(draft), form_data(draft, action="submit"))
    seen.append(response["Location"])

    assert any(str(submitted.public_id) in url for url in seen)
    for url in seen:
        for number in numbers:
            # Every accepted format contains the six digits of the birth date.
            assert number[2:8] not in url


# --- Who gets a 404 or a 403 -------------------------------------------------------------------


def _every_referral_request(referral: Referral) -> list[tuple[str, str, dict]]:
    today = timezone.localdate().isoformat()

    def url(name):
        return reverse(f"referrals:{name}", args=[referral.public_id])

    return [
        ("get", url("referral-detail"), {}),
        ("get", url("referral-edit"), {}),
        ("post", url("referral-edit"), {"action": "save", "name": "Kapad"}),
        ("post", url("referral-withdraw"), {"reason": "Kapad"}),
        ("post", url("referral-delete"), {}),
        ("get", url("consent-record"), {}),
        (
            "post",
            url("consent-record"),
            {
                "consents_social_services": "on",
                "consents_af": "on",
                "consents_fk": "on",
                "consents_region": "on",
                "consents_project": "on",
                "method": "in_person",
                "given_on": today,
                "place": "Kapad",
            },
        ),
        ("get", url("consent-document"), {}),
        ("get", url("consent-withdraw"), {}),
        ("post", url("consent-withdraw"), {"withdrawn_on": today, "channel": "phone"}),
    ]


@pytest.fixture
def af_referrals(make_referral, media_root):
    """An AF draft and a submitted AF referral, both with a signed consent document."""
    referrals = {
        "draft": make_referral(),
        "submitted": make_referral(
            status=ReferralStatus.SUBMITTED, personnummer=test_personnummer("19900505", "981")
        ),
    }
    for referral in referrals.values():
        referral.consent.method = ConsentMethod.PAPER
        referral.consent.document.save("samtycke.pdf", ContentFile(b"%PDF-1.4 test"))
    return referrals


@pytest.mark.parametrize("state", ["draft", "submitted"])
@pytest.mark.parametrize("persona", ["case_officer_b", "outsider", "outsider_admin"])
def test_it_gives_other_agencies_and_federations_404_on_every_referral_url(
    persona_client, af_referrals, state, persona
):
    referral = af_referrals[state]
    client = persona_client(persona)
    for method, url, data in _every_referral_request(referral):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (method, url)
        assert "Testsson" not in response.text

    # The referring officer gets the document: the 404s above are not from a missing file.
    own = persona_client("case_officer_a").get(
        reverse("referrals:consent-document", args=[referral.public_id])
    )
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == b"%PDF-1.4 test"
    referral.refresh_from_db()
    assert referral.status == state
    assert referral.name == "Testa Testsson"
    assert not referral.consent.is_withdrawn


@pytest.mark.parametrize("persona", ["federation_staff", "federation_admin"])
def test_it_shows_federation_staff_no_referral(persona_client, make_referral, persona):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    client = persona_client(persona)
    assert client.get(detail_url(referral)).status_code == 404
    assert client.get(reverse("referrals:referral-list")).status_code == 403


def test_it_shows_the_case_group_a_submitted_referral_but_not_the_edit_form(
    persona_client, make_referral
):
    draft = make_referral(personnummer=test_personnummer("19900505", "981"))
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    member = persona_client("case_group_member")

    response = member.get(detail_url(referral))
    assert response.status_code == 200
    assert "Testa Testsson" in response.text
    assert member.get(edit_url(referral)).status_code == 403
    response = member.post(edit_url(referral), form_data(referral, name="Ändrat", action="save"))
    assert response.status_code == 403
    assert (
        member.post(
            reverse("referrals:referral-withdraw", args=[referral.public_id]), {"reason": "x"}
        ).status_code
        == 403
    )
    referral.refresh_from_db()
    assert (referral.name, referral.status) == ("Testa Testsson", ReferralStatus.SUBMITTED)
    # Drafts are the agency's own business.
    assert member.get(detail_url(draft)).status_code == 404


def test_it_hides_the_details_from_the_case_group_after_consent_withdrawal(
    persona_client, make_referral, case_officer_a, case_group_member
):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    services.consent_withdraw(
        actor=case_officer_a,
        referral=referral,
        withdrawn_on=timezone.localdate(),
        channel=WithdrawalChannel.PHONE,
    )

    member_view = persona_client("case_group_member").get(detail_url(referral))
    assert member_view.status_code == 200
    for secret in ["Testa Testsson", f"{PNR[:8]}-****", *PNR_FORMS]:
        assert secret not in member_view.text
    assert _("Consent withdrawn") in member_view.text
    assert AccessLogEntry.objects.filter(
        actor=case_group_member, action=AccessAction.VIEW, detail="status only"
    ).exists()

    member_list = persona_client("case_group_member").get(reverse("referrals:referral-list"))
    assert "Testa Testsson" not in member_list.text
    assert _("Details not shown") in member_list.text

    officer_view = persona_client("case_officer_a").get(detail_url(referral))
    assert officer_view.status_code == 200
    assert "Testa Testsson" in officer_view.text
    assert PNR_FORMATTED in officer_view.text


def test_it_answers_405_to_the_wrong_method(officer, make_referral):
    draft = make_referral()
    submitted = make_referral(
        status=ReferralStatus.SUBMITTED, personnummer=test_personnummer("19900505", "981")
    )
    assert (
        officer.get(reverse("referrals:referral-withdraw", args=[submitted.public_id])).status_code
        == 405
    )
    assert (
        officer.get(reverse("referrals:referral-delete", args=[draft.public_id])).status_code == 405
    )
    assert officer.post(detail_url(submitted)).status_code == 405
    assert officer.post(reverse("referrals:referral-list")).status_code == 405
    assert (
        officer.post(reverse("referrals:consent-document", args=[submitted.public_id])).status_code
        == 405
    )
    assert Referral.objects.filter(pk=draft.pk, status=ReferralStatus.DRAFT).exists()
    submitted.refresh_from_db()
    assert submitted.status == ReferralStatus.SUBMITTED


def test_it_sends_anonymous_visitors_to_the_login_page(client, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    for url in (reverse("referrals:referral-list"), detail_url(referral), edit_url(referral)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- Odd input ---------------------------------------------------------------------------------

ODD_FORM_INPUT = {
    "very long name": ("name", "Å" * 10_000),
    "NUL byte in a text": ("background", "före\x00efter"),
    "NUL byte in the personnummer": ("personnummer", f"{PNR[:8]}\x00-{PNR[8:]}"),
    "very long personnummer": ("personnummer", "1" * 10_000),
    "birth year in words": ("birth_year", "nittonhundraåttiofem"),
    "birth year overflowing": ("birth_year", "9" * 40),
    "municipality not a number": ("home_municipality", "Ekeby"),
    "cohort overflowing": ("cohort", "9" * 40),
    "e-mail far too long": ("email", "a" * 300 + "@example.com"),
    "NUL byte in the postal code": ("postal_code", "341\x0030"),
}


@pytest.mark.parametrize(("field", "value"), ODD_FORM_INPUT.values(), ids=ODD_FORM_INPUT.keys())
def test_it_answers_odd_form_input_with_an_error_and_saves_nothing(
    officer, blank_draft, field, value
):
    referral = blank_draft(name="Kvar Kvarsson")
    data = {"action": "save", "name": "Nytt Namn", field: value}
    response = officer.post(edit_url(referral), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.name == "Kvar Kvarsson"


def test_it_refuses_a_start_or_municipality_outside_the_project(
    officer, blank_draft, project_a_other, municipality_a, project_b
):
    other_start = Cohort.objects.create(
        project=project_a_other, municipality=municipality_a, start_date=date(2026, 9, 1)
    )
    foreign = project_b.municipalities.get()
    referral = blank_draft()
    for field, value in (("cohort", other_start.pk), ("home_municipality", foreign.pk)):
        response = officer.post(edit_url(referral), {"action": "save", field: value})
        assert response.status_code == 400
        assert field in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.cohort is None
    assert referral.home_municipality is None


def test_it_answers_odd_input_elsewhere_without_a_server_error(officer, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    list_url = reverse("referrals:referral-list")
    assert officer.get(list_url, {"status": "\x00"}).status_code == 400
    assert officer.get(list_url, {"status": "x" * 10_000}).status_code == 400
    assert officer.get(list_url, {"project": "9" * 40}).status_code == 400
    assert officer.get(list_url, {"project": "Insats"}).status_code == 400
    assert officer.get(list_url, {"page": "första"}).status_code == 200
    assert officer.get(list_url, {"page": "9" * 40}).status_code == 200

    create_url = reverse("referrals:referral-create")
    assert officer.post(create_url, {"project": "\x00"}).status_code == 400
    assert officer.post(create_url, {"project": "9" * 40}).status_code == 400

    withdraw_url = reverse("referrals:referral-withdraw", args=[referral.public_id])
    assert officer.post(withdraw_url, {"reason": "skäl\x00"}).status_code == 400
    assert officer.post(withdraw_url, {"reason": "x" * 10_000}).status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert Referral.objects.count() == 1

    assert officer.get("/referrals/not-a-uuid/").status_code == 404
    assert officer.get(f"/referrals/{PNR}/").status_code == 404

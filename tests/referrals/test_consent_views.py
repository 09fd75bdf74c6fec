"""Recording a consent (samtycke), its signed document, and its withdrawal, through the pages."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from fokus.models import AccessAction, AccessLogEntry
from participants.models import Enrolment
from referrals.forms.referral import ReferralForm
from referrals.models import (
    CONSENT_PARTIES,
    Consent,
    ConsentMethod,
    Referral,
    ReferralStatus,
    WithdrawalChannel,
)
from tests.referrals import documents

PDF = documents.pdf()
PNG = documents.image("PNG")
JPG = documents.image("JPEG")
TEN_MB = 10 * 1024 * 1024

PARTY_REQUIRED = _(
    "The person must consent to the exchange with every party to take part: "
    "tick this box too, or the referral cannot be submitted."
)
NOT_A_DOCUMENT = _("The file must be a PDF, JPG or PNG. Scan or photograph the signed form again.")
TOO_LARGE = _("The file is larger than 10 MB. Scan it at a lower resolution and try again.")


def fake_content(kind: str) -> str:
    return _(
        "The file's content is not a real %(kind)s file. Save the scan as PDF, JPG "
        "or PNG and try again."
    ) % {"kind": kind}


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def officer(persona_client):
    return persona_client("case_officer_a")


@pytest.fixture
def draft(make_referral):
    """A complete draft, only the consent is missing."""
    return make_referral(consent=False)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def record_url(referral: Referral) -> str:
    return reverse("referrals:consent-record", args=[referral.public_id])


def document_url(referral: Referral) -> str:
    return reverse("referrals:consent-document", args=[referral.public_id])


def withdraw_url(referral: Referral) -> str:
    return reverse("referrals:consent-withdraw", args=[referral.public_id])


def consent_data(**changes) -> dict:
    data = dict.fromkeys(CONSENT_PARTIES, "on")
    data |= {
        "method": ConsentMethod.IN_PERSON,
        "given_on": timezone.localdate().isoformat(),
        "place": "Arbetsförmedlingen Ekeby",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def paper(name: str, content: bytes, content_type: str = "application/octet-stream") -> dict:
    return consent_data(
        method=ConsentMethod.PAPER,
        place=None,
        document=SimpleUploadedFile(name, content, content_type=content_type),
    )


def submit(client, referral: Referral):
    data = {}
    for bound in ReferralForm(referral=referral):
        value = bound.value()
        if value is not None and value is not False:
            data[bound.name] = "on" if value is True else value
    data["action"] = "submit"
    response = client.post(reverse("referrals:referral-edit", args=[referral.public_id]), data)
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


# --- Recording -----------------------------------------------------------------------------


def test_it_shows_the_legal_text_on_the_consent_page(officer, draft):
    response = officer.get(record_url(draft))
    assert response.status_code == 200
    for text in (
        _(
            "I consent to the project's parties consulting each other about my participation "
            "in the project and exchanging the information about me that is needed for it. The "
            "consent lifts the secrecy that would otherwise apply under the Public Access to "
            "Information and Secrecy Act (offentlighets- och sekretesslagen, OSL) 10 kap. 1 § "
            "and 12 kap. 2 §. My personal data are processed in accordance with the EU General "
            "Data Protection Regulation (GDPR)."
        ),
        _("Examples of information that may be exchanged:"),
        _("my health, mental and physical"),
        _(
            "I can withdraw my consent at any time, and the withdrawal takes effect "
            "immediately. I have been told that the project then cannot give me support."
        ),
    ):
        # Template text ({% translate %}) is not HTML-escaped.
        assert text in response.text
    for party in CONSENT_PARTIES:
        assert f'name="{party}"' in response.text


def test_it_records_a_consent_given_in_person(officer, draft, case_officer_a):
    response = officer.post(record_url(draft), consent_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral-edit", args=[draft.public_id])
    consent = Consent.objects.get(referral=draft)
    assert all(getattr(consent, party) for party in CONSENT_PARTIES)
    assert consent.method == ConsentMethod.IN_PERSON
    assert consent.given_on == timezone.localdate()
    assert consent.place == "Arbetsförmedlingen Ekeby"
    assert consent.recorded_by == case_officer_a
    assert not consent.document
    assert escape(_("The consent was recorded.")) in officer.get(response["Location"]).text


@pytest.mark.parametrize("party", CONSENT_PARTIES)
def test_it_requires_every_party_to_be_ticked(officer, draft, party):
    response = officer.post(record_url(draft), consent_data(**{party: None}))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == [party]
    assert escape(PARTY_REQUIRED) in response.text
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place": ""}, "place", "Write where the consent was given."),
        ({"place": "   "}, "place", "Write where the consent was given."),
        ({"given_on": ""}, "given_on", "Write the date the consent was given."),
        ({"method": ""}, "method", "Choose how consent was given."),
    ],
    ids=["no place", "blank place", "no date", "no method"],
)
def test_it_requires_date_and_place_for_consent_in_person(officer, draft, changes, field, message):
    response = officer.post(record_url(draft), consent_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert escape(_(message)) in response.text
    assert not Consent.objects.exists()


def test_it_refuses_a_consent_dated_in_the_future(officer, draft):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = officer.post(record_url(draft), consent_data(given_on=tomorrow))
    assert response.status_code == 400
    assert escape(_("The date cannot be in the future.")) in response.text
    assert not Consent.objects.exists()


def test_it_requires_a_document_for_a_paper_consent(officer, draft, media_root):
    response = officer.post(record_url(draft), consent_data(method=ConsentMethod.PAPER, place=None))
    assert response.status_code == 400
    assert escape(_("Upload the signed consent form (PDF, JPG or PNG).")) in response.text
    assert not Consent.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("Testa Testsson samtycke.pdf", PDF, "application/pdf"),
        ("samtycke.png", PNG, "image/png"),
        ("samtycke.jpg", JPG, "image/jpeg"),
        ("SAMTYCKE.JPEG", JPG, "image/jpeg"),
    ],
)
def test_it_stores_a_signed_consent_under_media_root(
    officer, draft, media_root, name, content, content_type
):
    response = officer.post(record_url(draft), paper(name, content, content_type))

    assert response.status_code == 302
    consent = Consent.objects.get(referral=draft)
    assert consent.method == ConsentMethod.PAPER
    stored = Path(consent.document.path).resolve()
    assert stored.is_relative_to(media_root.resolve())
    assert not stored.is_relative_to(Path(django_settings.BASE_DIR, "static").resolve())
    assert not stored.is_relative_to(Path(django_settings.STATIC_ROOT).resolve())
    assert stored.read_bytes() == content
    # The person's name, often in the file name, is not kept.
    assert "Testsson" not in consent.document.name
    assert stored_files(media_root) == [stored]


def test_it_accepts_a_document_of_exactly_10_mb(officer, draft, media_root):
    content = documents.pdf(size=TEN_MB)
    response = officer.post(record_url(draft), paper("samtycke.pdf", content))
    assert response.status_code == 302
    assert Path(Consent.objects.get().document.path).stat().st_size == TEN_MB


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("samtycke.exe", b"MZ\x90\x00\x03\x00\x00\x00", NOT_A_DOCUMENT),
        ("samtycke.txt", b"Jag samtycker.", NOT_A_DOCUMENT),
        ("samtycke", PDF, NOT_A_DOCUMENT),
        ("samtycke.pdf", b"Jag samtycker, fast i en textfil.", fake_content("PDF")),
        ("samtycke.png", JPG, fake_content("PNG")),
        ("samtycke.jpg", PDF, fake_content("JPG")),
        ("samtycke.pdf", PDF + b"0" * (TEN_MB + 1 - len(PDF)), TOO_LARGE),
    ],
    ids=[
        "exe",
        "text",
        "no extension",
        "text renamed to pdf",
        "jpg renamed to png",
        "pdf renamed to jpg",
        "10 MB + 1 byte",
    ],
)
def test_it_refuses_a_document_of_the_wrong_kind_or_size(
    officer, draft, media_root, name, content, message
):
    response = officer.post(record_url(draft), paper(name, content))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["document"]
    assert escape(message) in response.text
    assert not Consent.objects.exists()
    assert stored_files(media_root) == []


def test_it_replaces_an_earlier_consent_and_its_document(
    officer, draft, media_root, django_capture_on_commit_callbacks
):
    officer.post(record_url(draft), paper("forsta.pdf", PDF))
    first = Path(Consent.objects.get().document.path)
    assert first.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(record_url(draft), paper("andra.png", PNG))

    assert response.status_code == 302
    consent = Consent.objects.get()
    assert Path(consent.document.path).read_bytes() == PNG
    assert not first.exists()
    assert stored_files(media_root) == [Path(consent.document.path)]


def test_it_refuses_to_record_consent_for_a_submitted_referral(persona_client, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    given_on = referral.consent.given_on
    for persona in ("case_officer_a", "coordinator", "case_group_member"):
        response = persona_client(persona).post(
            record_url(referral), consent_data(place="Någon annanstans")
        )
        assert response.status_code == 403
    consent = Consent.objects.get()
    assert (consent.place, consent.given_on) == ("Ekeby", given_on)


@pytest.mark.parametrize("persona", ["case_officer_b", "outsider", "outsider_admin"])
def test_it_does_not_let_another_agency_or_federation_record_consent(
    persona_client, draft, persona
):
    client = persona_client(persona)
    assert client.get(record_url(draft)).status_code == 404
    assert client.post(record_url(draft), consent_data()).status_code == 404
    assert not Consent.objects.exists()


def test_it_answers_odd_consent_input_without_a_server_error(officer, draft, media_root):
    for changes in (
        {"given_on": "2026-02-30"},
        {"given_on": "\x00"},
        {"given_on": "9" * 40},
        {"method": "fax"},
        {"place": "Ekeby\x00"},
        {"place": "Å" * 10_000},
    ):
        response = officer.post(record_url(draft), consent_data(**changes))
        assert response.status_code == 400, changes
    assert not Consent.objects.exists()
    # A NUL byte in the file name: stored under a random name, or refused; never a 500.
    assert officer.post(record_url(draft), paper("sam\x00tycke.pdf", PDF)).status_code in (
        302,
        400,
    )


# --- The signed document -------------------------------------------------------------------


@pytest.fixture
def submitted_with_document(officer, draft, media_root):
    """Recorded and submitted through the pages, so the coordinator sees it."""
    response = officer.post(record_url(draft), paper("samtycke.pdf", PDF, "application/pdf"))
    assert response.status_code == 302
    submit(officer, draft)
    return draft


@pytest.mark.parametrize("persona", ["case_officer_a", "coordinator"])
def test_it_serves_the_signed_consent_to_the_officer_and_the_coordinator(
    persona_client, submitted_with_document, persona, request
):
    referral = submitted_with_document
    user = request.getfixturevalue(persona)

    response = persona_client(persona).get(document_url(referral))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF
    assert AccessLogEntry.objects.filter(
        actor=user, action=AccessAction.VIEW, object_id=str(referral.public_id)
    ).exists()


def test_it_serves_a_png_consent_as_an_image(officer, draft, media_root):
    officer.post(record_url(draft), paper("samtycke.png", PNG, "image/png"))
    response = officer.get(document_url(draft))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG


@pytest.mark.parametrize(
    "persona", ["case_officer_b", "outsider", "outsider_admin", "federation_staff"]
)
def test_it_hides_the_signed_consent_from_others(
    persona_client, submitted_with_document, persona, request
):
    response = persona_client(persona).get(document_url(submitted_with_document))
    assert response.status_code == 404
    assert PDF not in response.content
    assert not AccessLogEntry.objects.filter(
        actor=request.getfixturevalue(persona), action=AccessAction.VIEW
    ).exists()


def test_it_answers_404_when_no_document_was_uploaded(officer, make_referral):
    referral = make_referral()
    assert officer.get(document_url(referral)).status_code == 404


def test_it_answers_405_to_a_post_for_the_document(officer, submitted_with_document):
    assert officer.post(document_url(submitted_with_document)).status_code == 405


def test_it_deletes_the_signed_consent_with_the_draft(
    officer, draft, media_root, django_capture_on_commit_callbacks
):
    officer.post(record_url(draft), paper("samtycke.pdf", PDF))
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(reverse("referrals:referral-delete", args=[draft.public_id]))
    assert response.status_code == 302
    assert not Consent.objects.exists()
    assert stored_files(media_root) == []


# --- Withdrawal ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["case_officer_a", "coordinator"])
def test_it_records_a_withdrawal_of_consent(
    persona_client,
    make_referral,
    persona,
    request,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    actor = request.getfixturevalue(persona)
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    client = persona_client(persona)
    today = timezone.localdate()

    page = client.get(withdraw_url(referral))
    assert page.status_code == 200

    tomorrow = (today + timedelta(days=1)).isoformat()
    response = client.post(withdraw_url(referral), {"withdrawn_on": tomorrow, "channel": "phone"})
    assert response.status_code == 400
    assert escape(_("The date cannot be in the future.")) in response.text
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not referral.consent.is_withdrawn

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            withdraw_url(referral),
            {"withdrawn_on": today.isoformat(), "channel": "phone", "note": "Ringde själv."},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:referral-detail", args=[referral.public_id])
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.CONSENT_WITHDRAWN
    consent = referral.consent
    assert consent.withdrawn_on == today
    assert consent.withdrawal_channel == WithdrawalChannel.PHONE
    assert consent.withdrawal_note == "Ringde själv."
    assert consent.withdrawn_by == actor
    assert consent.withdrawn_at is not None
    last = referral.history.last()
    assert (last.status, last.by) == (ReferralStatus.CONSENT_WITHDRAWN, actor)
    assert len(mailoutbox) == 1
    assert "Testsson" not in mailoutbox[0].body

    shown = client.get(response["Location"])
    assert (
        escape(
            _(
                "The consent was withdrawn. From now on nothing about the person is "
                "shared with the agencies."
            )
        )
        in shown.text
    )
    assert _("Withdrawal recorded by") in shown.text
    assert escape(actor.full_name) in shown.text

    for lister in ("case_officer_a", "coordinator"):
        listing = persona_client(lister).get(reverse("referrals:referral-list"))
        assert _("Consent withdrawn") in listing.text
        assert 'class="table-danger"' in listing.text

    member = persona_client("case_group_member").get(response["Location"])
    assert member.status_code == 200
    assert "Testa Testsson" not in member.text
    assert "Ringde själv." not in member.text
    assert referral.personnummer[:8] not in member.text


def test_it_ends_the_enrolment_when_consent_is_withdrawn(officer, make_referral, cohort):
    referral = make_referral(status=ReferralStatus.ACCEPTED)
    enrolment = Enrolment.objects.create(
        federation=referral.federation, project=referral.project, cohort=cohort, referral=referral
    )
    response = officer.post(
        withdraw_url(referral),
        {"withdrawn_on": timezone.localdate().isoformat(), "channel": "letter"},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.CONSENT_WITHDRAWN


def test_it_refuses_a_withdrawal_dated_before_the_consent(officer, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    before = (referral.consent.given_on - timedelta(days=1)).isoformat()
    response = officer.post(withdraw_url(referral), {"withdrawn_on": before, "channel": "phone"})
    assert response.status_code == 400
    assert "withdrawn_on" in response.context["form"].errors
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_it_requires_the_date_and_the_channel_of_a_withdrawal(officer, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    response = officer.post(withdraw_url(referral), {"withdrawn_on": "", "channel": ""})
    assert response.status_code == 400
    assert escape(_("Write the date the consent was withdrawn.")) in response.text
    assert escape(_("Choose how the person told you.")) in response.text
    for odd in ({"withdrawn_on": "\x00", "channel": "phone"}, {"channel": "brevduva"}):
        assert officer.post(withdraw_url(referral), odd).status_code == 400
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not referral.consent.is_withdrawn


@pytest.mark.parametrize("persona", ["case_officer_b", "outsider", "outsider_admin"])
def test_it_does_not_let_another_agency_or_federation_withdraw_consent(
    persona_client, make_referral, persona
):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    client = persona_client(persona)
    data = {"withdrawn_on": timezone.localdate().isoformat(), "channel": "phone"}
    assert client.get(withdraw_url(referral)).status_code == 404
    assert client.post(withdraw_url(referral), data).status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert not referral.consent.is_withdrawn


def test_it_does_not_let_the_case_group_withdraw_consent(persona_client, make_referral):
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    data = {"withdrawn_on": timezone.localdate().isoformat(), "channel": "phone"}
    response = persona_client("case_group_member").post(withdraw_url(referral), data)
    assert response.status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED


def test_it_refuses_to_withdraw_a_consent_twice_or_for_a_draft(officer, make_referral):
    draft = make_referral()
    assert officer.get(withdraw_url(draft)).status_code == 403
    referral = make_referral(status=ReferralStatus.SUBMITTED)
    data = {"withdrawn_on": timezone.localdate().isoformat(), "channel": "phone"}
    assert officer.post(withdraw_url(referral), data).status_code == 302
    withdrawn_at = Consent.objects.get(referral=referral).withdrawn_at
    assert officer.post(withdraw_url(referral), data).status_code == 403
    assert Consent.objects.get(referral=referral).withdrawn_at == withdrawn_at

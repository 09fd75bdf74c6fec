"""The signed consent's file: refused while it streams in once too large, and parsed whole —
a damaged PDF or image is refused with a message, nothing stored, the rest of the form kept."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import SkipFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from referrals import uploads
from referrals.models import CONSENT_PARTIES, Consent, ConsentMethod
from tests.referrals import documents

pytestmark = pytest.mark.django_db

PDF = documents.pdf()
JPG = documents.image("JPEG")
PNG = documents.image("PNG")


def damaged(kind: str) -> str:
    return _(
        "The %(kind)s file is damaged or incomplete and cannot be opened. Save or "
        "scan the signed form again and upload the new file."
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
    return make_referral(consent=False)


def _url(referral):
    return reverse("referrals:consent-record", args=[referral.public_id])


def _paper(name: str, content: bytes) -> dict:
    data = dict.fromkeys(CONSENT_PARTIES, "on")
    data |= {"method": ConsentMethod.PAPER, "given_on": "2026-11-20"}
    data["document"] = SimpleUploadedFile(name, content)
    return data


def _stored(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("samtycke.pdf", PDF[: len(PDF) // 2], "PDF"),
        ("samtycke.pdf", PDF[:-40], "PDF"),
        ("samtycke.pdf", b"%PDF-1.7\n" + b"junk " * 2000, "PDF"),
        ("samtycke.pdf", b"%PDF-1.4\n" + b"x" * 500 + b"\n%%EOF\n", "PDF"),
        ("samtycke.jpg", b"\xff\xd8\xff\xe0" + b"junk" * 2000, "JPG"),
        ("samtycke.jpg", JPG[: len(JPG) // 2], "JPG"),
        ("samtycke.png", PNG[: len(PNG) - 20], "PNG"),
        ("samtycke.png", b"\x89PNG\r\n\x1a\n" + b"junk" * 2000, "PNG"),
    ],
    ids=[
        "pdf cut in half",
        "pdf without its end",
        "pdf header then junk",
        "pdf header, junk and an end marker",
        "jpeg header then junk",
        "jpeg cut in half",
        "png without its end",
        "png header then junk",
    ],
)
def test_it_refuses_a_damaged_document_and_keeps_the_rest_of_the_form(
    officer, draft, media_root, name, content, kind
):
    response = officer.post(_url(draft), _paper(name, content))
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["document"]
    assert escape(damaged(kind)) in response.text
    form = response.context["form"]
    assert form["given_on"].value() == "2026-11-20"
    assert form["method"].value() == ConsentMethod.PAPER
    assert not Consent.objects.exists()
    assert _stored(media_root) == []


@pytest.mark.parametrize(
    ("name", "content"),
    [("samtycke.pdf", PDF), ("samtycke.jpg", JPG), ("samtycke.png", PNG)],
)
def test_it_accepts_a_whole_document(officer, draft, media_root, name, content):
    assert officer.post(_url(draft), _paper(name, content)).status_code == 302
    assert Path(Consent.objects.get().document.path).read_bytes() == content


def test_it_stops_taking_a_file_as_soon_as_it_passes_the_limit():
    handler = uploads.LimitedUploadHandler(limit=10)
    handler.new_file("document", "samtycke.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 6, 0) == b"x" * 6
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 6, 6)
    assert handler.too_large == {"document"}
    # The next file starts its count afresh.
    handler.new_file("other", "b.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 10, 0) == b"x" * 10


def test_a_file_over_the_limit_is_skipped_and_the_form_says_so(officer, draft, media_root):
    content = documents.pdf(size=uploads.MAX_DOCUMENT_BYTES + 1)
    response = officer.post(_url(draft), _paper("samtycke.pdf", content))
    assert response.status_code == 400
    message = _("The file is larger than 10 MB. Scan it at a lower resolution and try again.")
    assert escape(message) in response.text
    assert response.context["form"]["given_on"].value() == "2026-11-20"
    assert response.wsgi_request.FILES == {}
    assert _stored(media_root) == []


def test_a_request_declared_too_large_is_refused_unread(officer, draft, media_root):
    """The body is never read: the test client's payload would fail if it were."""
    response = officer.generic(
        "POST",
        _url(draft),
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(uploads.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
    assert 'id="form-errors"' in response.text
    assert not Consent.objects.exists()
    assert _stored(media_root) == []


def test_the_consent_page_still_checks_csrf_after_the_upload_limit(
    case_officer_a, draft, media_root
):
    """The view is csrf_exempt outside so the size limit comes first; the check runs inside."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(case_officer_a)

    response = client.post(_url(draft), _paper("samtycke.pdf", PDF))

    assert response.status_code == 403
    assert not Consent.objects.filter(referral=draft).exists()
    assert _stored(media_root) == []

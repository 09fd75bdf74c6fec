"""The signed consent's upload: refused while it streams in once it passes the limit, and
accepted only when the whole file is a document of its kind.

Size: `LimitedUploadHandler` goes before Django's own handlers and counts the bytes of each
file as they arrive; past `MAX_DOCUMENT_BYTES` it skips the file (the rest of the request is
read and thrown away, never kept in memory or on disk), so the form still gets its other fields
and says the file was too large. A request whose declared length could not be a consent form
at all (`MAX_REQUEST_BYTES`) is refused by the view before anything is read.

Structure: a name and the first bytes prove nothing. A PDF must parse with pypdf and have
pages; an image must decode to its last pixel with Pillow (`verify`, then open again and
`load`), be of the kind its name says and not be absurdly large once decoded.
"""

from __future__ import annotations

import pypdf
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from PIL import Image

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# The form's other fields are a few hundred bytes; past this the request is not a consent form.
MAX_REQUEST_BYTES = MAX_DOCUMENT_BYTES + 1024 * 1024
# A consent form is a page or two; a scan at 600 dpi of an A4 page is 35 million pixels.
MAX_PDF_PAGES = 50
MAX_IMAGE_PIXELS = 80_000_000
IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}


class LimitedUploadHandler(FileUploadHandler):
    """Skips every uploaded file longer than `limit` bytes as soon as it passes the limit, and
    notes its field in `too_large`."""

    def __init__(self, request: HttpRequest | None = None, limit: int = MAX_DOCUMENT_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large: set[str] = set()

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large.add(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler makes the file


def install_limit(request: HttpRequest) -> LimitedUploadHandler:
    """Put the limit before Django's handlers; call before request.POST or FILES is read (the
    view is csrf_exempt and checks the token itself after this, see `referrals.views.consent`).
    """
    handler = LimitedUploadHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler


def declared_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return False  # Django refuses a bad length itself
    return length > MAX_REQUEST_BYTES


def is_whole_document(upload: UploadedFile, extension: str) -> bool:
    """Whether the whole file is a PDF, JPEG or PNG as `extension` says."""
    upload.seek(0)
    try:
        return _is_pdf(upload) if extension == "pdf" else _is_image(upload, extension)
    except Exception:  # any failure to parse hostile bytes is a refusal
        return False
    finally:
        upload.seek(0)


def _is_pdf(upload: UploadedFile) -> bool:
    reader = pypdf.PdfReader(upload, strict=False)
    if reader.is_encrypted or not 0 < len(reader.pages) <= MAX_PDF_PAGES:
        return False
    for page in reader.pages:
        page.mediabox  # noqa: B018 - reading it is the check
        page.get_contents()
    return True


def _is_image(upload: UploadedFile, extension: str) -> bool:
    with Image.open(upload) as image:
        if image.format != IMAGE_FORMATS.get(extension):
            return False
        width, height = image.size
        if width * height > MAX_IMAGE_PIXELS:
            return False
        image.verify()
    upload.seek(0)
    with Image.open(upload) as image:
        image.load()
    return True

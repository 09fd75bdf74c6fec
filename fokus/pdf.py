"""Rendering templates to PDF with WeasyPrint, the same way for every PDF (reports, the
invitation letter).

A report's PDF and its web page come from the same template and the same query code; this
module only turns the rendered HTML into a PDF. It is always Swedish and on Stockholm time,
whoever asks and whatever their browser says, and it never fetches anything: the templates
inline their CSS and draw charts as SVG, so a PDF cannot leak a request to the network or read
a file from the disk."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header

# What a PDF is written in: a record of the organisation, not of the reader's language.
PDF_LANGUAGE = "sv"


def _refuse_fetch(url: str, *args, **kwargs):
    # A template that links a stylesheet, an image or a font would make WeasyPrint fetch it.
    raise ValueError(f"Refusing to fetch {url!r} while rendering a PDF")


def render_html(template_name: str, context: dict) -> str:
    """The template rendered as the PDF will show it: Swedish, Stockholm time."""
    with translation.override(PDF_LANGUAGE), timezone.override(settings.TIME_ZONE):
        return render_to_string(template_name, context)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template as an A4 PDF (page size and margins come from the template's @page CSS).
    Querysets in `context` are evaluated while rendering, in Swedish: figures formatted with
    `floatformat` get a decimal comma."""
    # Imported here: WeasyPrint loads Pango and fonts, which only the PDF views need.
    from weasyprint import HTML

    html = render_html(template_name, context)
    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()


def pdf_response(content: bytes, *, filename: str) -> HttpResponse:
    """A PDF download: an attachment with a neutral `filename` (never a person's name), not
    kept in any cache on the way."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""The register extract page: a federation admin posts a personnummer and gets the file."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from extracts import render as files
from extracts.collect import collect
from extracts.forms import ExtractForm
from extracts.services import extract_log
from fokus import policy
from fokus.pdf import pdf_response


@login_required
@require_http_methods(["GET", "POST"])
def extract(request: HttpRequest) -> HttpResponse:
    """The form, and on POST the extract as a download. The personnummer travels only in the
    POST body: never in a URL, a file name or the log."""
    policy.require_federation_admin(request.user)
    form = ExtractForm(request.POST or None)
    not_found = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fmt = form.cleaned_data["format"]
            found = collect(
                federation=request.user.federation,
                personnummer=form.cleaned_data["personnummer"],
            )
            extract_log(actor=request.user, extract=found, fmt=fmt)
            if not found.is_empty:
                return _download(found, fmt, request.user)
            not_found = True
        else:
            status = 400
    response = render(
        request,
        "extracts/extract_form.html",
        {"form": form, "not_found": not_found},
        status=status,
    )
    # The page may show a personnummer typed in: no copy kept on the way.
    response["Cache-Control"] = "private, no-store"
    return response


def _download(found, fmt: str, actor) -> HttpResponse:
    if fmt == "pdf":
        return pdf_response(files.pdf_bytes(found, actor=actor), filename=files.FILENAMES["pdf"])
    content = files.json_bytes(found, actor=actor)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, files.FILENAMES["json"])
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

"""Two rules for every response, whatever view made it.

`NoStoreMiddleware`: a page rendered for a signed-in user (or opened through a survey's secret
link) may hold personal data, so neither the browser nor a proxy keeps a copy — the back button
after logging out on a shared computer shows nothing. Static files never reach it (WhiteNoise
answers them earlier in `settings.MIDDLEWARE`).

`RefusalLogMiddleware`: every 403 and 404 a view raises for a signed-in user — the policy's
`project_view`, `object_or_refusal`, `require_*`, a scoped `get_object_or_404` — is written to
the access log as REFUSED, so probing for other people's cases leaves a trace. Anonymous
requests and paths that match no URL at all (typos, scanners, /favicon.ico) never reach a view
and are not logged.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from fokus.audit import log_access
from fokus.log_masking import has_secret_path, mask_secret_paths
from fokus.models import AccessAction


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # A view that chose its own caching (a PDF, an export) keeps it.
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or has_secret_path(request.path):
            response["Cache-Control"] = "no-store"
            # For HTTP/1.0 caches, which do not read Cache-Control.
            response.setdefault("Pragma", "no-cache")
        return response


class RefusalLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied):
            status = 403
        elif isinstance(exception, Http404):
            status = 404
        else:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        match = request.resolver_match
        view = match.view_name if match else ""
        # The path names the object asked for (its public id); a token in it is masked.
        log_access(
            actor=user,
            action=AccessAction.REFUSED,
            detail=f"{status} {request.method} {mask_secret_paths(request.path)} {view}".strip(),
        )
        # Django goes on to answer with its usual 403/404 page.
        return None

"""Who is asking, and from where: set once per request by `RequestContextMiddleware`.

Services take data, never a request. What they still need of it — the client's address and
browser for the access log, the site's address for links in e-mails — they read from here.
Outside a request (management commands, background work) the context is empty: no address is
logged, and links are built from `FOKUS_BASE_URL`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    # scheme://host of the request, e.g. "https://fokus.example.se"; empty outside a request.
    base_url: str = ""

    def absolute_url(self, path: str) -> str:
        """`path` (from `reverse`) as a link a recipient can open from an e-mail."""
        base = self.base_url or settings.FOKUS_BASE_URL
        return f"{base.rstrip('/')}{path}" if base else path

    @classmethod
    def from_request(cls, request: HttpRequest) -> RequestContext:
        return cls(
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
            base_url=request.build_absolute_uri("/").rstrip("/"),
        )


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind our own reverse proxy (FOKUS_BEHIND_PROXY)
    the address that proxy appended to X-Forwarded-For — never an address the client wrote."""
    if settings.FOKUS_BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR") or None


_EMPTY = RequestContext()
_current: ContextVar[RequestContext | None] = ContextVar("fokus_request_context", default=None)


def current() -> RequestContext:
    return _current.get() or _EMPTY


@contextmanager
def using(context: RequestContext | None) -> Iterator[RequestContext | None]:
    """Run a block as if inside a request with this context (commands, tests)."""
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def on_commit(callback) -> None:
    """`transaction.on_commit` that runs `callback` in the context it was scheduled in, so an
    e-mail sent after the commit still links to the site the request came from."""
    context = current()

    def run() -> None:
        with using(context):
            callback()

    transaction.on_commit(run)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        with using(RequestContext.from_request(request)):
            return self.get_response(request)

"""Secrets that travel in URL paths, masked before a path is written to any log.

A survey answer link (`/s/p/<token>/`, `/s/a/<token>/`) and a password-reset link
(`/accounts/password/reset/<uid>/<token>/`) *are* the key to what they open: anyone who reads
them in a server log can answer as the respondent or set the user's password. Gunicorn's access
log (`fokus/gunicorn_logging.py`) and Django's own loggers (the `MaskSecretPaths` filter in
`settings.LOGGING`) both pass what they write through `mask_secret_paths`.
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# Unanchored, so a full URL (a Referer header, a redirect target) is masked as well as a path.
# A segment ends at "/", "?", "#", whitespace or a quote (gunicorn quotes the request line).
_SEGMENT = r"[^/?#\s\"']+"
_SECRET_PATHS = [
    # Survey links: personal (p) and a cohort's anonymous link (a). Not /s/thanks/<survey id>/.
    re.compile(rf"(/s/[pa]/){_SEGMENT}"),
    # Password reset (and first login): /accounts/password/reset/<uidb64>/<token>/.
    re.compile(rf"(/accounts/password/reset/)(?!done/|complete/){_SEGMENT}/{_SEGMENT}"),
]


def mask_secret_paths(text: str) -> str:
    """`text` with the secret part of every token URL in it replaced by `***`."""
    for pattern in _SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{MASK}", text)
    return text


def has_secret_path(path: str) -> bool:
    return any(pattern.search(path) for pattern in _SECRET_PATHS)


class MaskSecretPaths(logging.Filter):
    """Masks token URLs in every record a handler writes (django.request's "Not Found: …",
    runserver's request lines). Put it on handlers, not loggers: a logger's filters do not see
    records that propagate up to it from its children."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_secret_paths(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True

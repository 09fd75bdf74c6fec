"""Gunicorn's access log without the secrets in token URLs (see `fokus.log_masking`).

Used with `gunicorn --logger-class fokus.gunicorn_logging.SecretMaskingLogger` (Dockerfile,
docker-compose.yml). Every text atom is masked — the request line (%(r)s), the path (%(U)s),
the Referer (%(f)s, which carries the survey page's URL on the requests for its style sheets)
and any header or environ atom — so no access_log_format can write a token.
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from fokus.log_masking import mask_secret_paths


class SecretMaskingLogger(Logger):
    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_secret_paths(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }

"""Tokens in survey and password-reset links never reach a log: gunicorn's access log and
Django's own loggers write the path with the token masked."""

import io
import logging
import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.urls import reverse
from gunicorn.config import Config

from fokus.log_masking import MaskSecretPaths, mask_secret_paths
from surveys.answering import new_token

ROOT = Path(__file__).resolve().parents[2]
LOGGER_CLASS = "fokus.gunicorn_logging.SecretMaskingLogger"


@pytest.fixture
def token():
    return new_token()


def test_it_masks_the_token_of_a_personal_and_an_anonymous_survey_link(token):
    personal = reverse("surveys:answer-personal", args=[token])
    anonymous = reverse("surveys:answer-anonymous", args=[token])

    assert mask_secret_paths(f"GET {personal}?lang=en HTTP/1.1") == (
        "GET /s/p/***/?lang=en HTTP/1.1"
    )
    assert mask_secret_paths(f"https://fokus.example{anonymous}") == (
        "https://fokus.example/s/a/***/"
    )
    # Without the trailing slash (before APPEND_SLASH's redirect) too.
    assert mask_secret_paths(personal.rstrip("/")) == "/s/p/***"


def test_it_masks_a_password_reset_link_but_not_the_pages_around_it():
    link = reverse("password_reset_confirm", args=["MTIz", "cxyz12-0123456789abcdef"])

    assert mask_secret_paths(link) == "/accounts/password/reset/***/"
    for page in ("password_reset", "password_reset_done", "password_reset_complete"):
        assert mask_secret_paths(reverse(page)) == reverse(page)


def test_it_leaves_other_paths_alone(token):
    thanks = "/s/thanks/6f1c2b9e-33a4-4cf0-9a44-0d5f0e8b3d10/"
    participant = "/participants/6f1c2b9e-33a4-4cf0-9a44-0d5f0e8b3d10/"

    assert mask_secret_paths(thanks) == thanks
    assert mask_secret_paths(participant) == participant
    assert mask_secret_paths(f"/surveys/{token}/") == f"/surveys/{token}/"


# --- Gunicorn's access log -----------------------------------------------------------------------


def _access_line(capsys, path: str, access_log_format: str | None = None) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("logger_class", LOGGER_CLASS)
    if access_log_format:
        cfg.set("access_log_format", access_log_format)
    logger = cfg.logger_class(cfg)
    referer = f"https://fokus.example{path}"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.10",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Testläsare/1.0",
    }
    request = SimpleNamespace(headers=[("REFERER", referer), ("USER-AGENT", "Testläsare/1.0")])
    response = SimpleNamespace(status="200 OK", sent=512, headers=[("Content-Type", "text/html")])
    capsys.readouterr()
    logger.access(response, request, environ, timedelta(milliseconds=12))
    return capsys.readouterr().out


def test_gunicorns_access_log_writes_the_request_line_without_the_token(capsys, token):
    path = reverse("surveys:answer-personal", args=[token])

    line = _access_line(capsys, path)

    assert token not in line
    assert '"GET /s/p/***/ HTTP/1.1" 200 512 "https://fokus.example/s/p/***/"' in line


def test_no_access_log_format_can_write_the_token(capsys, token):
    path = reverse("surveys:answer-anonymous", args=[token])

    line = _access_line(capsys, path, "%(U)s %({referer}i)s %({raw_uri}e)s %({path_info}e)s")

    assert token not in line
    assert line.split() == ["/s/a/***/", "https://fokus.example/s/a/***/", "/s/a/***/", "/s/a/***/"]


def test_the_container_runs_gunicorn_with_the_masking_logger():
    for name in ("Dockerfile", "docker-compose.yml"):
        text = (ROOT / name).read_text()
        commands = [line for line in text.splitlines() if "gunicorn fokus.wsgi" in line]
        commands += re.findall(r'CMD \[("gunicorn".*?)\]', text, flags=re.S)
        assert commands, f"{name} starts no gunicorn"
        for command in commands:
            assert "--logger-class" in command and LOGGER_CLASS in command, (name, command)


# --- Django's loggers ----------------------------------------------------------------------------


def _masking_handlers(logger: logging.Logger) -> list[logging.Handler]:
    return [h for h in logger.handlers if any(isinstance(f, MaskSecretPaths) for f in h.filters)]


def _written_by(handlers, action) -> str:
    written = io.StringIO()
    previous = [handler.setStream(written) for handler in handlers]
    try:
        action()
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.setStream(stream)
    return written.getvalue()


def test_djangos_not_found_line_for_a_token_url_is_masked(client, db, token):
    handlers = _masking_handlers(logging.getLogger())
    assert handlers, "the root logger has no masking handler"
    path = reverse("surveys:answer-personal", args=[token])
    responses = []

    written = _written_by(handlers, lambda: responses.append(client.get(path)))

    assert responses[0].status_code == 404
    assert "Not Found: /s/p/***/" in written
    assert token not in written


def test_runservers_request_lines_are_masked(token):
    server = logging.getLogger("django.server")
    handlers = _masking_handlers(server)
    # pytest adds capturing handlers of its own; every other handler masks.
    ours = [h for h in server.handlers if not type(h).__module__.startswith("_pytest")]
    assert handlers and ours == handlers and not server.propagate
    line = f"GET /s/a/{token}/ HTTP/1.1"

    written = _written_by(
        handlers,
        lambda: server.info('"%s" %s %s', line, "200", "1234", extra={"status_code": 200}),
    )

    assert '"GET /s/a/***/ HTTP/1.1" 200 1234' in written
    assert token not in written


def test_djangos_loggers_write_only_through_masking_handlers():
    # Django's default "django" handlers (console in DEBUG, mail to the admins) would write the
    # path unmasked; records must reach the root's masking handler instead.
    assert logging.getLogger("django").handlers == []
    assert logging.getLogger("django.request").handlers == []

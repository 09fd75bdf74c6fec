"""Settings come from the environment, and a bad value names the variable."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from fokus import env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("helper", "name", "value"),
    [
        (lambda: env.env_bool("DEBUG", False), "DEBUG", "maybe"),
        (
            lambda: env.env_int("FOKUS_LOGIN_FAILURE_LIMIT", 5, minimum=1),
            "FOKUS_LOGIN_FAILURE_LIMIT",
            "five",
        ),
        (
            lambda: env.env_int("FOKUS_LOGIN_FAILURE_LIMIT", 5, minimum=1),
            "FOKUS_LOGIN_FAILURE_LIMIT",
            "0",
        ),
        (lambda: env.env_list("ALLOWED_HOSTS", []), "ALLOWED_HOSTS", " , "),
        (lambda: env.env_path("FOKUS_DATA_DIR", Path("/tmp")), "FOKUS_DATA_DIR", "relative/dir"),
    ],
)
def test_it_names_the_variable_with_a_bad_value(monkeypatch, helper, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        helper()


def test_it_reads_good_values(monkeypatch):
    monkeypatch.setenv("DEBUG", "on")
    monkeypatch.setenv("ALLOWED_HOSTS", "fokus.example, www.fokus.example")
    assert env.env_bool("DEBUG", False) is True
    assert env.env_list("ALLOWED_HOSTS", []) == ["fokus.example", "www.fokus.example"]


def test_it_requires_a_secret_key_without_debug(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.secret_key(debug=False)
    monkeypatch.setenv("SECRET_KEY", "short")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        env.secret_key(debug=False)
    assert env.secret_key(debug=True)


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/fokus", "sqlite:///db.sqlite3", "not a url"]
)
def test_it_accepts_only_postgresql_database_urls(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env.database_config(url)


def test_it_parses_a_postgresql_url():
    config = env.database_config("postgresql://fokus:hemligt@db.example:5433/fokus")
    assert (config["HOST"], config["PORT"], config["NAME"], config["USER"]) == (
        "db.example",
        5433,
        "fokus",
        "fokus",
    )


def test_it_parses_email_urls():
    smtp = env.email_config("submission://fokus%40kommun.example:l%C3%B6sen@mail.example")
    assert smtp["EMAIL_HOST"] == "mail.example"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_USE_TLS"] is True
    assert smtp["EMAIL_HOST_USER"] == "fokus@kommun.example"
    assert smtp["EMAIL_HOST_PASSWORD"] == "lösen"
    assert env.email_config("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email_config("pigeon://coop")
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        env.email_config("smtp://mail.example:notaport")


def _load_settings(extra_env: dict) -> subprocess.CompletedProcess:
    """Import the real settings module in a fresh interpreter with the given environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "EMAIL_URL", "EMAIL_HOST"}
    }
    environment.update(extra_env)
    return subprocess.run(
        [sys.executable, "-c", "import fokus.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_refuses_to_start_in_production_without_secret_key():
    result = _load_settings({"DEBUG": "0", "EMAIL_URL": "console://"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_refuses_to_start_with_a_bad_debug_value():
    result = _load_settings({"DEBUG": "kanske"})
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_it_starts_in_production_with_the_required_settings():
    result = _load_settings(
        {"DEBUG": "0", "SECRET_KEY": "x" * 50, "EMAIL_URL": "smtp://mail.example:25"}
    )
    assert result.returncode == 0, result.stderr


# --- Production: HTTPS, HSTS, `check --deploy`, the container ------------------------------------


def _in_production(code: str, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `code` after django.setup() in a fresh interpreter, as production runs: DEBUG unset,
    a real key, and no FOKUS_* switch of the test run's own (FOKUS_DATA_DIR apart)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "EMAIL_URL",
            "EMAIL_HOST",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
        and not (key.startswith("FOKUS_") and key != "FOKUS_DATA_DIR")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="fokus.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="fokus.example.se",
        EMAIL_URL="smtp://mail.example:25",
        **(extra_env or {}),
    )
    return subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_finds_nothing_to_warn_about_in_production():
    result = _in_production(
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


_HTTPS_SETTINGS = (
    "import json\nfrom django.conf import settings as s\n"
    "print(json.dumps([s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
    " s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SESSION_COOKIE_SECURE,"
    " s.CSRF_COOKIE_SECURE]))"
)


def _https_settings(extra_env: dict | None = None) -> list:
    result = _in_production(_HTTPS_SETTINGS, extra_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_redirects_to_https_sends_hsts_and_trusts_no_forwarded_header():
    # Without a proxy of ours in front, X-Forwarded-Proto is whatever the client wrote.
    assert _https_settings() == [None, True, 31536000, True, False, True, True]


def test_behind_a_proxy_it_trusts_the_proxys_scheme_header():
    header, redirect, *_rest = _https_settings(
        {"FOKUS_BEHIND_PROXY": "1", "FOKUS_HSTS_INCLUDE_SUBDOMAINS": "0"}
    )
    assert (header, redirect) == (["HTTP_X_FORWARDED_PROTO", "https"], True)
    assert _rest[:3] == [31536000, False, False]


def test_the_container_does_not_run_as_root():
    users = [
        line.split(None, 1)[1].strip()
        for line in (ROOT / "Dockerfile").read_text().splitlines()
        if line.strip().upper().startswith("USER ")
    ]
    assert users, "the Dockerfile has no USER line"
    assert users[-1].split(":")[0] not in {"root", "0"}

"""Settings come from the environment, and a bad value names the variable."""

import os
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

"""Reading settings from the environment.

Every helper raises ImproperlyConfigured naming the variable, so a typo in a deployment
fails at start-up with a message an operator can act on, not later as an odd 500.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no or on/off, not {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ImproperlyConfigured(f"{name} is set but lists nothing; give comma-separated values.")
    return items


def env_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    path = Path(raw.strip()).expanduser()
    if not path.is_absolute():
        raise ImproperlyConfigured(f"{name} must be an absolute path, not {raw!r}.")
    if path.exists() and not path.is_dir():
        raise ImproperlyConfigured(f"{name} points at {raw!r}, which is not a directory.")
    return path


def secret_key(*, debug: bool) -> str:
    value = env_str("SECRET_KEY")
    if value:
        if not debug and len(value) < 32:
            raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters in production.")
        return value
    if debug:
        # Only for local development: sessions signed with this key are worthless elsewhere.
        return "dev-only-insecure-key-fokus-do-not-use-in-production"
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")


def database_config(url: str) -> dict:
    import dj_database_url

    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must point at PostgreSQL (postgresql://user@host:port/name)."
        )
    return config


# EMAIL_URL schemes and the backend each one selects.
_EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def email_config(url: str) -> dict:
    """Parse EMAIL_URL, e.g. smtp://user:password@mail.example.se:587?tls=1."""
    parts = urlsplit(url)
    backend = _EMAIL_BACKENDS.get(parts.scheme)
    if backend is None:
        known = ", ".join(sorted(_EMAIL_BACKENDS))
        raise ImproperlyConfigured(f"EMAIL_URL must start with one of {known}; got {url!r}.")
    try:
        port = parts.port
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL has an invalid port: {url!r}.") from exc
    query = {key: values[-1].lower() for key, values in parse_qs(parts.query).items()}
    config = {"EMAIL_BACKEND": backend}
    if backend.endswith("smtp.EmailBackend"):
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL for SMTP must name a host.")
        use_ssl = parts.scheme == "smtps" or query.get("ssl") in _TRUE
        config.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or (465 if use_ssl else 587 if parts.scheme == "submission" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=use_ssl,
            EMAIL_USE_TLS=(not use_ssl)
            and (parts.scheme == "submission" or query.get("tls") in _TRUE),
        )
    return config

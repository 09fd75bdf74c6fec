"""Settings for Fokus, read from the environment (see README "Configuration")."""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from fokus import embedded_db
from fokus.env import (
    database_config,
    email_config,
    env_bool,
    env_int,
    env_list,
    env_path,
    env_str,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(debug=DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Uploaded documents and the embedded database live here, never under static/.
FOKUS_DATA_DIR = env_path("FOKUS_DATA_DIR", BASE_DIR / "var")
MEDIA_ROOT = FOKUS_DATA_DIR / "media"

# --- Database: DATABASE_URL, or the embedded PostgreSQL under FOKUS_DATA_DIR -------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": database_config(_database_url)}
else:
    DATABASES = {"default": database_config(embedded_db.ensure_running(FOKUS_DATA_DIR))}
    # pgserver's URL names its Unix socket folder in the query string; HOST is where Django
    # (and anyone reading the settings) looks for it. No TCP port is opened.
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "pgtrigger",
    "pghistory",
    "axes",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "import_export",
    "fokus",
    "cohorts",
    "referrals",
    "participants",
    "stepladder",
    "surveys",
    "reports",
    # Last: seeds every app above (demo/__init__.py).
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The client's address and the site's for services (fokus/request_context.py).
    "fokus.request_context.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fokus.urls"
WSGI_APPLICATION = "fokus.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fokus.context_processors.shell",
            ],
        },
    },
]

# --- Accounts, sessions, lockout -----------------------------------------------------------------
AUTH_USER_MODEL = "fokus.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # invitation links are used for first login too

# 30 minutes idle: the expiry moves forward on every request, and closing the browser ends it.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_secure = env_bool("FOKUS_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure

AXES_FAILURE_LIMIT = env_int("FOKUS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FOKUS_LOCKOUT_MINUTES", 15, minimum=1))
# Counted separately: the account being guessed (whichever address the guesses come from) and
# the address guessing (whichever accounts it tries).
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fokus.views.accounts.locked_out"
AXES_VERBOSE = False

# --- Language, time ------------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["fokus.formats"]

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = FOKUS_DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns on every request without it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # The hashed manifest needs collectstatic; production (docker-compose) turns it on.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("FOKUS_STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------------------------------
_email_url = env_str("EMAIL_URL")
if _email_url:
    globals().update(email_config(_email_url))
elif env_str("EMAIL_HOST"):
    EMAIL_HOST = env_str("EMAIL_HOST")
    EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    raise ImproperlyConfigured("EMAIL_URL (or EMAIL_HOST) must be set when DEBUG is off.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Fokus <noreply@fokus.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
FOKUS_CONTACT_EMAIL = env_str("FOKUS_CONTACT_EMAIL", "support@fokus.example")
# Links in e-mails sent outside a request (commands, background jobs), e.g. https://fokus.example.se
FOKUS_BASE_URL = env_str("FOKUS_BASE_URL", "")

# --- Security headers -----------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
# Scripts only from our own static files: no inline JavaScript anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint and fontTools narrate every PDF step by step at INFO.
    "loggers": {
        name: {"level": "WARNING"} for name in ("pgserver", "axes", "weasyprint", "fontTools")
    },
}

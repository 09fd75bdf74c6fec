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
# Set when Fokus runs behind our own reverse proxy, which ends TLS and appends the client's
# address to X-Forwarded-For; without it those headers are the client's word and ignored.
FOKUS_BEHIND_PROXY = env_bool("FOKUS_BEHIND_PROXY", False)
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "import_export",
    # Background jobs (fokus/jobs): the tasks framework and its database queue.
    "django_tasks",
    "django_tasks_db",
    "fokus",
    "cohorts",
    "referrals",
    "participants",
    "stepladder",
    "surveys",
    "reports",
    # Across every app above: the person's register extract, retention, spreadsheet imports.
    "extracts",
    "retention",
    "imports",
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
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    # No page with data before the second factor (fokus/signin/middleware.py).
    "fokus.signin.middleware.SecondFactorMiddleware",
    # The client's address and the site's for services (fokus/request_context.py).
    "fokus.request_context.RequestContextMiddleware",
    # Signed-in pages are never cached; refused 403/404s go to the access log (fokus/middleware.py).
    "fokus.middleware.NoStoreMiddleware",
    "fokus.middleware.RefusalLogMiddleware",
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
# A reset link works for an hour; an invitation to a new account for three days
# (fokus/signin/tokens.py). Reset requests are rate-limited per address and per client.
PASSWORD_RESET_TIMEOUT = 60 * 60
FOKUS_INVITATION_TIMEOUT = 60 * 60 * 24 * 3
FOKUS_PASSWORD_RESETS_PER_ADDRESS = env_int("FOKUS_PASSWORD_RESETS_PER_ADDRESS", 3, minimum=1)
FOKUS_PASSWORD_RESETS_PER_CLIENT = env_int("FOKUS_PASSWORD_RESETS_PER_CLIENT", 10, minimum=1)
# Every reset request takes at least this long, known address or not, so timing tells nothing.
FOKUS_PASSWORD_RESET_MIN_SECONDS = 1.0

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
# Counted per account (whichever address the guesses come from) and per account from one
# address; never per address alone, which would lock a whole office behind one NAT address.
# Spraying many accounts from one address has its own, higher limit (fokus/signin/lockout.py).
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
# The login form posts the e-mail address as `username`; axes would otherwise read the user
# model's USERNAME_FIELD (`email`) and count every failure under no account at all.
AXES_USERNAME_CALLABLE = "fokus.signin.lockout.username_of"
AXES_CLIENT_IP_CALLABLE = "fokus.request_context.client_ip"
FOKUS_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("FOKUS_LOGIN_ADDRESS_FAILURE_LIMIT", 50, minimum=1)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "fokus.views.accounts.locked_out"
AXES_VERBOSE = False

# Two-factor sign-in (fokus/signin/two_factor.py): "required" for everyone; "optional" only
# for the DEBUG demo, where users without an app sign in with their password alone.
FOKUS_TWO_FACTOR = env_str("FOKUS_TWO_FACTOR", "required")
if FOKUS_TWO_FACTOR not in ("required", "optional"):
    raise ImproperlyConfigured("FOKUS_TWO_FACTOR must be 'required' or 'optional'.")
if FOKUS_TWO_FACTOR == "optional" and not DEBUG:
    raise ImproperlyConfigured("FOKUS_TWO_FACTOR=optional is only for the demo (DEBUG=1).")
OTP_TOTP_ISSUER = "Fokus"

# --- Background jobs (fokus/jobs, docs/operations.md "Background jobs") -----------------------
# Tasks wait in the database; `manage.py run_worker` (one or more, on any machine that reaches
# the database) runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A running job whose worker has not written a heartbeat for this long is taken for dead: it is
# queued again (up to FOKUS_JOB_MAX_ATTEMPTS runs in all) or marked failed.
FOKUS_JOB_STALE_SECONDS = env_int("FOKUS_JOB_STALE_SECONDS", 300, minimum=30)
FOKUS_JOB_MAX_ATTEMPTS = env_int("FOKUS_JOB_MAX_ATTEMPTS", 2, minimum=1)
FOKUS_JOB_HEARTBEAT_SECONDS = 30
# A final report of a project with more participants than this is made as a background job.
FOKUS_SYNC_PDF_MAX_PARTICIPANTS = env_int("FOKUS_SYNC_PDF_MAX_PARTICIPANTS", 200, minimum=0)

# --- Small groups -------------------------------------------------------------------------------
# The smallest group whose figures are shown: survey results of fewer respondents are withheld,
# and in reports a count of people from 1 up to one less is hidden (with the counts that would
# let it be worked out). A project may choose a higher threshold (ReportSettings), never a lower.
FOKUS_MIN_GROUP_SIZE = env_int("FOKUS_MIN_GROUP_SIZE", 5, minimum=2)
if FOKUS_MIN_GROUP_SIZE > 10:
    raise ImproperlyConfigured("FOKUS_MIN_GROUP_SIZE must be from 2 to 10.")

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

# --- HTTPS ----------------------------------------------------------------------------------------
# Behind our proxy (FOKUS_BEHIND_PROXY, above), which ends TLS and says so in X-Forwarded-Proto.
# Only then may Django believe that header: without a proxy that overwrites it, any client could
# send it and pass a plain-HTTP request off as HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if FOKUS_BEHIND_PROXY else None
# Off only where something in front already sends HTTP to HTTPS and does not tell Django the
# scheme (no FOKUS_BEHIND_PROXY): there every request would look like HTTP and loop.
SECURE_SSL_REDIRECT = env_bool("FOKUS_SSL_REDIRECT", not DEBUG)
# HSTS is sent on HTTPS responses only. A year, as `check --deploy` asks; preload is a promise to
# browser vendors that is slow to take back, so it stays off unless asked for.
SECURE_HSTS_SECONDS = env_int("FOKUS_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("FOKUS_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("FOKUS_HSTS_PRELOAD", False)
# security.W021 only says "preload is off"; that is the choice above, not an oversight.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
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

# Every handler masks the tokens of survey and password-reset links (fokus/log_masking.py):
# django.request logs "Not Found: <path>", runserver logs every request line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_secret_paths": {"()": "fokus.log_masking.MaskSecretPaths"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["mask_secret_paths"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_secret_paths"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's defaults give "django" handlers of its own (console in DEBUG, mail to the
        # ADMINS, who are not set); without them its records reach the masked root handler only.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint and fontTools narrate every PDF step by step at INFO.
        **{name: {"level": "WARNING"} for name in ("pgserver", "axes", "weasyprint", "fontTools")},
    },
}

"""Carrefour settings, configured from the environment (see config/env.py and README)."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from carrefour.config.env import BASE_DIR, env_bool, env_int, env_list, env_pairs, env_str

DEBUG = env_bool("DEBUG", False)
# The demo and the tests run without a SECRET_KEY; production must set one.
# The "django-insecure-" prefix makes `check --deploy` fail (security.W009) when none is set.
SECRET_KEY = env_str("SECRET_KEY") or "django-insecure-development-key-change-me-in-production-0123456789"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Where people write about their personal information, the terms or an accessibility barrier
# (the privacy notice, terms of use and accessibility statement name it).
CONTACT_EMAIL = env_str("CONTACT_EMAIL", "carrefour@example.org")
# The security classification printed at the top and bottom of every page of a PDF report
# (both languages in one line; a deployment holding protected information sets its own).
REPORT_CLASSIFICATION = env_str("REPORT_CLASSIFICATION", "UNCLASSIFIED / NON CLASSIFIÉ")

# The domains of Carrefour, in dependency order (DESIGN.md, "The domain contract"). Each is its
# package plus one line here: core builds the URLs, the API, `load_demo`, `make messages`, the
# catalogues' precedence and the crawl and translation tests from this list.
DOMAINS = [
    "carrefour.directory",
    "carrefour.declarations",
    "carrefour.consultations",
    "carrefour.portfolio",
    "carrefour.experiments",
    "carrefour.opendata",
]

PLATFORM_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "carrefour.core",  # before allauth: its templates restyle allauth's pages
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
]


def domain_settings(domains: list[str]) -> tuple[list[str], list[str], list[Path]]:
    """DOMAINS, INSTALLED_APPS and LOCALE_PATHS for a list of domains.

    Our catalogues take precedence over Django's and allauth's: an app's catalogue otherwise
    loses to those of the apps listed before it (django.contrib.admin would turn our "Filtrer"
    into "Filtre"; allauth, our "courriel" into "e-mail"). Core first, for its allauth wording.
    """
    locale_paths = []
    for name in ["carrefour.core", *domains]:
        spec = find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            raise ImportError(f"DOMAINS: no package {name}")
        locale_paths.append(Path(next(iter(spec.submodule_search_locations))) / "locale")
    return list(domains), [*PLATFORM_APPS, *domains], locale_paths


DOMAINS, INSTALLED_APPS, LOCALE_PATHS = domain_settings(DOMAINS)

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "carrefour.core.middleware.PrivateCacheMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "carrefour.config.urls"
WSGI_APPLICATION = "carrefour.config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "carrefour.core.context_processors.site",
            ],
            # French dates write the first of the month "1er" (replaces the `date` filter).
            "builtins": ["carrefour.core.templatetags.french_dates"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'carrefour.sqlite3'}"),
        # A new PostgreSQL connection per request cost more than most pages (make bench-web):
        # each web and worker process keeps its connection, checked before reuse.
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the task worker share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": env_str("TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "carrefour_cache",
    }
}

AUTH_USER_MODEL = "directory.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"

# django-allauth: email is the identity; it must be verified before it counts.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Carrefour] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG and SITE_URL.startswith("https") else "http"
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: per client, and per account *and* client (see directory/adapters.py), so
    # a stranger cannot lock a person out; plus a far higher ceiling per account alone.
    "login_failed": env_str("RATE_LIMIT_LOGIN_FAILED", "20/5m/ip,5/5m/key"),
    "login_failed_account": env_str("RATE_LIMIT_LOGIN_FAILED_ACCOUNT", "100/1h/key"),
    "login": env_str("RATE_LIMIT_LOGIN", "30/m/ip"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_ADAPTER = "carrefour.directory.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "carrefour.directory.account_forms.SignupForm"}  # same time for known addresses
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Carrefour"
SOCIALACCOUNT_ADAPTER = "carrefour.directory.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_PROVIDERS: dict[str, dict] = {}
if env_str("OIDC_SERVER_URL"):
    # A government sign-in service (Pan-Canadian Trust Framework); Carrefour is the relying party.
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env_str("OIDC_PROVIDER_ID", "gc-sign-in"),
                "name": env_str("OIDC_NAME", "GC Sign In"),
                "client_id": env_str("OIDC_CLIENT_ID"),
                "secret": env_str("OIDC_CLIENT_SECRET"),
                "settings": {
                    "server_url": env_str("OIDC_SERVER_URL"),
                    "token_auth_method": env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic"),
                },
            }
        ],
    }

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "build" / "static"]
# Uploads live outside the web root and are never served directly (at scale: a shared volume).
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env_str(
            "STATICFILES_BACKEND", "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 2 * 1024 * 1024 * 1024 + 1)
# Each query of an upload's checks is interrupted after this many seconds.
UPLOAD_CHECK_SECONDS = env_int("UPLOAD_CHECK_SECONDS", 60)
# An analysis whose worker has not reported for this long is failed, so its team can retry it.
ANALYSIS_LEASE_SECONDS = env_int("ANALYSIS_LEASE_SECONDS", 600)
# Databases whose tables experiments can analyse in place: name -> DuckDB file or PostgreSQL URL.
ANALYSIS_DATABASES = env_pairs("ANALYSIS_DATABASES")
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_URL = env_str("EMAIL_URL", "console://")
if EMAIL_URL.startswith("smtp"):
    from urllib.parse import unquote, urlparse

    _email = urlparse(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 587
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
elif EMAIL_URL.startswith("file://"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = EMAIL_URL.removeprefix("file://")
elif EMAIL_URL.startswith("locmem"):
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Carrefour <no-reply@carrefour.example>")

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Security headers. `manage.py check --deploy` passes once DEBUG is off and HTTPS is on.
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "carrefour.core.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True

# No inline script anywhere; the GC Design System components set inline styles, hence style-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF] + env_list("CSP_FORM_ACTION_EXTRA"),
    }
}

# How many reverse proxies of our own (load balancer, CDN) stand before the web server: the
# client's address is that many hops from the end of X-Forwarded-For. 0 ignores the header.
# Rate limits and sign-in locks are keyed on that address (core.ratelimit.client_ip; allauth too).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

RATE_LIMITS = {
    "problem_report": env_str("RATE_LIMIT_PROBLEM_REPORT", "5/10m"),
    "public_post": env_str("RATE_LIMIT_PUBLIC_POST", "10/10m"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

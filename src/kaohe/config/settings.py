"""Django settings, read from the environment (stack.md).

- ``DATABASE_URL``: any URL dj-database-url understands. Default: the SQLite file
  ``./var/kaohe.sqlite3`` relative to the current directory (the directory is created on demand),
  so ``kaohe demo`` works on a fresh clone with nothing to set up.
- ``SECRET_KEY``: required when ``DEBUG`` is off. The production entry points (``wsgi``/``asgi``)
  default ``DEBUG`` to off, so a server started without a key refuses to start; the command line
  and the tests are local tools and default ``DEBUG`` to on.
- ``DEBUG``: ``1/true/yes/on`` or ``0/false/no/off``.
- ``ALLOWED_HOSTS``: comma-separated (default: loopback only).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off: {raw!r}")


def _default_database_url() -> str:
    # Relative to the current directory, like git or make: each checkout gets its own database.
    var = Path.cwd() / "var"
    var.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{var / 'kaohe.sqlite3'}"


BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = _env_bool("DEBUG", default=True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (production).")
    SECRET_KEY = "kaohe-insecure-development-key-never-use-in-production"

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "kaohe.accounts",
    "kaohe.web",
    "kaohe.org",
    "kaohe.plans",
    "kaohe.evaluation",
    "kaohe.process",
    "kaohe.results",
    "kaohe.audit",
    "kaohe.entry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a locked-out log-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kaohe.config.urls"
WSGI_APPLICATION = "kaohe.config.wsgi.application"

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
                "kaohe.web.context.layout",
            ],
        },
    },
]

# CONN_MAX_AGE (seconds, default 0: a connection per request) lets each server worker keep
# its database connection, as a deployment should: PostgreSQL starts a process per connection
# (docs/benchmarks.md "Voting"). Health checks replace a connection the server has dropped.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_database_url(),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE") or 0),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts and roles (docs/roles.md): every account has one role; kaohe.accounts.policy rules.
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Passwords, plus the Django admin's permissions derived from the role.
    "kaohe.accounts.backends.RoleBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Log-in throttling: 5 failures for one username from one IP lock that pair for 15 minutes;
# a successful log-in clears the count. Another IP or another username is not affected.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", Path.cwd() / "var" / "static"))
# Uploaded evidence (佐证材料, kaohe.entry): never served as static files, only through a view
# that checks who may see it.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", Path.cwd() / "var" / "media"))

if not DEBUG:
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = _env_bool("CSRF_COOKIE_SECURE", default=True)

"""Django settings for Shebao.

SQLite is the embedded default; set DATABASE_URL=postgres://user@host:port/name for PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SHEBAO_VAR_DIR", BASE_DIR / "var"))

DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SHEBAO_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = os.environ.get("SHEBAO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("SHEBAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "SHEBAO_DEBUG=0 needs SHEBAO_SECRET_KEY: a long random value of your own (sessions, CSRF tokens "
        "and one-time codes are signed with it), e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

# Behind a TLS-terminating proxy (SHEBAO_HTTPS=1): secure cookies, redirect plain HTTP, HSTS. The proxy
# must set X-Forwarded-Proto and strip it from what clients send.
SHEBAO_HTTPS = os.environ.get("SHEBAO_HTTPS", "0") == "1"
if SHEBAO_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SHEBAO_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("SHEBAO_HSTS_SUBDOMAINS", "0") == "1"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "shebao.core",
    "shebao.audit",
    "shebao.catalogue",
    "shebao.registry",
    "shebao.counter",
    "shebao.cases",
    "shebao.evaluation",
    "shebao.portal",
    "shebao.api",
    "shebao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shebao.core.middleware.LanguageMiddleware",
    "shebao.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "shebao.audit.middleware.RefusalAuditMiddleware",  # every 403 to a signed-in user is audited
]

ROOT_URLCONF = "shebao.urls"
WSGI_APPLICATION = "shebao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shebao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shebao.core.context_processors.shell",
                "shebao.portal.context.portal",
            ],
        },
    },
]


def _database_from_url(url: str) -> dict[str, object]:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/"),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": int(
            os.environ.get("SHEBAO_CONN_MAX_AGE", "60")
        ),  # reuse connections between requests
        "TEST": {"NAME": "test_" + parsed.path.lstrip("/")},
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": _database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SHEBAO_SQLITE_PATH", str(VAR_DIR / "shebao.sqlite3")),
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Repeated failed logins lock the account for an hour (django-axes).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "catalogue:browse"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "shebao" / "locale"]  # parts/*.po merged by scripts/compilemessages.py
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "shebao" / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "shebao.api.pagination.ApiPagination",  # bounded limit and offset
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "shebao.api.errors.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Shebao API",
    "DESCRIPTION": "Shebao (社保) unified social insurance public service platform — REST API v1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# Background work: Celery in production; in the embedded default the same functions run inline.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# Materials uploaded from the self-service channels: outside the web root and the static files,
# served only through views that check who may read them.
SHEBAO_UPLOAD_ROOT = Path(os.environ.get("SHEBAO_UPLOAD_ROOT", VAR_DIR / "uploads"))
SHEBAO_UPLOAD_MAX_BYTES = int(os.environ.get("SHEBAO_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
# Real-name verification of portal accounts (实名认证): dotted path of the adapter class.
# Show one-time codes on the page in a "demo phone" box (the demo has no SMS gateway). Never in production.
SHEBAO_DEMO_SHOW_CODES = os.environ.get("SHEBAO_DEMO_SHOW_CODES", "1" if DEBUG else "0") == "1"
# Sign-in forms whose values axes must not store in its access log.
AXES_SENSITIVE_PARAMETERS = ["password", "id_number"]
SHEBAO_REALNAME_ADAPTER = os.environ.get("SHEBAO_REALNAME_ADAPTER", "shebao.portal.realname.DemoAdapter")

SHEBAO_BRAND = {
    "name_zh": "社保统一公共服务平台",
    "name_en": "Shebao Social Insurance Public Service",
    "agency_zh": "示范省社会保险事业管理局",
    "agency_en": "Demo Province Social Insurance Agency",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "shebao.core.logfilters.MaskIdNumbers"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_id_numbers"]}},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# Lock by account, not by IP: a whole service hall shares one address behind NAT.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

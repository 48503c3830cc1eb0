"""The one settings file. Everything that differs between machines comes from the environment (.env.example)."""

import os
import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config.cache import caches

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

DEBUG = env_bool("DJANGO_DEBUG")
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    # No key shipped with the code: a fresh clone makes its own, kept outside git.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The country whose ministry runs the tracker; every other country on a meeting is a partner.
HOME_COUNTRY = os.environ.get("HOME_COUNTRY", "ID").upper()

INSTALLED_APPS = [
    "relations.apps.RelationsAdminConfig",  # django.contrib.admin, its site in relations/admin_reuse.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "relations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# dumpdata and loaddata leave out the tables the database keeps itself (config/routers.py).
DATABASE_ROUTERS = ["config.routers.KeptTablesRouter"]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL compiles plans it estimates as costly; for these short queries compiling costs more than it saves
    # (0.35 s of a 0.4 s meeting page at 100,000 meetings: docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# `loaddata reference` (and TestCase.fixtures) find the committed fixtures here.
FIXTURE_DIRS = [BASE_DIR / "fixtures"]

REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = caches(
    redis_url=REDIS_URL,
    testing=TESTING,
    database=DATABASES["default"],
    cache_dir=Path(os.environ.get("CACHE_DIR") or BASE_DIR / "var" / "cache"),
    key_prefix=os.environ.get("CACHE_KEY_PREFIX", ""),
)

# Celery: Redis as broker when REDIS_URL is set; otherwise tasks run in-process so the embedded setup needs nothing.
# (The in-memory broker named with a host: without one, kombu warns about it on every task sent.)
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# After a write, a worker computes the dashboard's busiest pages before a reader asks (relations/warming.py).
# Off under tests (tests/test_warming.py turns it on), where migrating the test database would queue one.
DASHBOARD_WARMING = env_bool("DASHBOARD_WARMING", default=not TESTING)
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_ACKS_LATE = True
# Celery's Django fixup closes the database connection around every task unless told to reuse it: a new
# PostgreSQL backend per article cost more than the extraction's queries. Reused for 100 tasks, then renewed.
CELERY_DB_REUSE_MAX = 100
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Articles left pending while the broker was down are queued again once it is back.
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-articles": {"task": "relations.tasks.requeue_pending_articles_task", "schedule": 300.0},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "relations:overview"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Indonesian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]  # Indonesian dates with the month written out
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Tests and DEBUG read static files where they are; no collected folder is needed (and none is scanned).
WHITENOISE_AUTOREFRESH = DEBUG or TESTING
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names for far-future caching; tests and DEBUG read the source files directly.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Uploaded articles larger than this are refused before they are read into memory.
ARTICLE_MAX_BYTES = int(os.environ.get("ARTICLE_MAX_BYTES", str(5 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = ARTICLE_MAX_BYTES
# Seconds allowed to fetch an article's URL, all of it; the ingestion task's soft and hard limits.
ARTICLE_FETCH_TIMEOUT = float(os.environ.get("ARTICLE_FETCH_TIMEOUT", "15"))
ARTICLE_FETCH_ALLOW_PRIVATE = env_bool("ARTICLE_FETCH_ALLOW_PRIVATE")
EXTRACTION_SOFT_TIME_LIMIT = int(os.environ.get("EXTRACTION_SOFT_TIME_LIMIT", "120"))
EXTRACTION_TIME_LIMIT = EXTRACTION_SOFT_TIME_LIMIT + 30
# Milliseconds a free-text search's statements may run (PostgreSQL); past it the page asks for a narrower search.
MEETING_LIST_TIME_LIMIT_MS = int(os.environ.get("MEETING_LIST_TIME_LIMIT_MS", "3000"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Tasks run in-process without a broker: a "Task … succeeded" line per article would interleave with the
    # output of the command or page that ran it. A worker's log keeps them.
    "loggers": {} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}},
}

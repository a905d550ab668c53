"""Settings shared by every environment; each value that differs between machines comes
from the environment (see the configuration table in README.md)."""

import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
# Databases, caches and uploads of a development machine live here (ignored by git).
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=()):
    value = os.environ.get(name)
    if not value:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many reverse proxies stand in front of the application servers (0: none, as with
# `make run`); the visitor's address is read from X-Forwarded-For accordingly.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

INSTALLED_APPS = [
    "home",
    "news",
    "search",
    "feedback",
    "visits",
    "editorial",
    "ops",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "editorial.apps.UsersConfig",  # wagtail.users, its user forms amended
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "home.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Counts visits and page views; it must stay before (outside) any page cache middleware.
    "visits.middleware.VisitCounterMiddleware",
    # Serves anonymous visitors' pages from the "pages" cache (ops/pagecache.py), before the
    # session is touched.
    "ops.pagecache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "home.middleware.PortalLocaleMiddleware",
    "home.middleware.AdminLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Keeps wagtail-localize's page translation views to the translator's own agency.
    "editorial.middleware.TranslationScopeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into its lock-out response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
# SQLite by default; PostgreSQL (or any dj-database-url URL) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database server that accepts connections but does not answer would hold each request,
    # and the health check, for libpq's default of over two minutes.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers queue (up to `timeout` seconds) instead of failing
    # with "database is locked" when a read transaction tries to upgrade. Connections are kept
    # (DB_CONN_MAX_AGE) like PostgreSQL's: opening one and running the PRAGMAs below cost more
    # than 2 ms of every page's CPU.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": ("PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=20000;"),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Fixtures that keep datetimes to the microsecond, for backups (ops/backups.py).
SERIALIZATION_MODULES = {"precise-json": "ops.serializers"}

# --- Cache ---------------------------------------------------------------------------
# Redis when REDIS_URL is set (required with several application servers); otherwise file caches
# under var/ that every process of one machine shares (ops.cache.FileCache: Django's file cache
# forgets a third of its entries at random past 300, the visit counters' daily salt among them,
# and would count every visitor of the day again).
# - default: the daily salt, rate limits, figures, Wagtail's own lookups; room for the rate
#   limits of 100,000 voters a minute;
# - pages: the page cache (ops/pagecache.py), apart so that pages never push those out;
# - renditions: Wagtail writes an image's rendition to its cache each time a page shows the
#   image. A write to the file cache replaces a file, which costs milliseconds on most file
#   systems, so without Redis renditions are looked up in the database (one indexed query each,
#   and none in listings, which prefetch them).


def local_caches(var_dir):
    """The caches of one machine without Redis."""
    return {
        "default": {
            "BACKEND": "ops.cache.FileCache",
            "LOCATION": str(var_dir / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
        "pages": {
            "BACKEND": "ops.cache.FileCache",
            "LOCATION": str(var_dir / "page-cache"),
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
        "renditions": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "portal")
if REDIS_URL:
    CACHES = {
        alias: {
            # Django's RedisCache, made to degrade to "no cache" while Redis is unreachable.
            "BACKEND": "ops.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        for alias, prefix in (("default", CACHE_KEY_PREFIX), ("pages", f"{CACHE_KEY_PREFIX}:pages"))
    }
else:
    CACHES = local_caches(VAR_DIR)

# How long an anonymous visitor's page is served from the page cache; 0 turns it off. Any
# content change invalidates the cached pages at once; what they show of live figures (an
# article's view count, the visit statistics box) is up to this old.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# How long the parts that many pages share (header, main menu, sidebar, footer) are kept in the
# default cache (home/fragments.py); 0 turns that off. The same content versions invalidate them.
FRAGMENT_CACHE_SECONDS = int(os.environ.get("FRAGMENT_CACHE_SECONDS", "300"))


def code_release():
    """A digest of what renders the pages (code, templates, translations, static files, pinned
    requirements): a deploy that changes any of them starts with new page cache and fragment keys
    instead of serving, for up to PAGE_CACHE_SECONDS, what the previous release rendered."""
    digest = hashlib.sha256((BASE_DIR / "requirements.txt").read_bytes())
    for folder in sorted(BASE_DIR.iterdir()):
        if folder.name in ("templates", "locale", "locale_admin", "static") or (
            folder.name != "tests" and (folder / "__init__.py").exists()
        ):
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".py", ".html", ".po", ".css", ".js"):
                    digest.update(path.relative_to(BASE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


# PORTAL_RELEASE (the release's name or commit, from the deploy) saves reading the files.
RELEASE = os.environ.get("PORTAL_RELEASE") or code_release()

# Visit counters go through a buffer flushed every minute (visits/buffer.py): in Redis ("redis",
# the default with Redis) or in spool files on this server ("spool"); or straight to the
# database ("database").
VISITS_BUFFER = os.environ.get("VISITS_BUFFER", "redis" if REDIS_URL else "spool")
# Each server process hands its sightings to the buffer in one write every this many seconds
# (visits/courier.py); 0 has each request write its own.
VISITS_HAND_OVER_SECONDS = float(os.environ.get("VISITS_HAND_OVER_SECONDS", "0.1"))
VISITS_SPOOL_DIR = Path(os.environ.get("VISITS_SPOOL_DIR", VAR_DIR / "visits-spool"))
# Under gunicorn, a process of the master's flushes the buffer this often, at a lower CPU
# priority than the workers (visits/flusher.py); 0 leaves flushing to cron and the requests.
VISITS_FLUSHER_SECONDS = int(os.environ.get("VISITS_FLUSHER_SECONDS", "20"))

# Votes a minute accepted from one address by the satisfaction polls; many citizens may share
# one carrier NAT address, so keep it at 30 or more.
FEEDBACK_VOTE_RATE_LIMIT = int(os.environ.get("FEEDBACK_VOTE_RATE_LIMIT", "30"))

# --- Passwords, sessions, logins -------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
LOGIN_URL = "wagtailadmin_login"
# After the sign-in page of private pages (WAGTAIL_FRONTEND_LOGIN_TEMPLATE) when it names no page
# to go back to: the home page in the visitor's language. The admin's sign-in goes to the admin.
LOGIN_REDIRECT_URL = "/"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# What a visitor sees of a page or document an editor made private: the portal's own pages.
WAGTAIL_PASSWORD_REQUIRED_TEMPLATE = WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE = "password_required.html"
WAGTAIL_FRONTEND_LOGIN_TEMPLATE = "login.html"

# Login throttling (django-axes, attempts stored in the database that every server shares): five
# failures for one user name from one address lock that pair out for the cool-off. Keying on the
# pair, not the user name alone, keeps an attacker from locking a real editor out.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "home.visitors.client_ip"
AXES_LOCKOUT_TEMPLATE = "account_locked.html"
AXES_VERBOSE = False

# --- Languages, time, formats ---------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
# locale/: the project's own strings; locale_admin/: the Vietnamese of the Wagtail and
# wagtail-localize admin, whose own vi catalogs cover little of it. Both take precedence over the
# apps' catalogs, and the first over the second.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_admin"]
# Django's own vi formats use dashes and "Ngày … tháng …"; the portal shows dd/mm/yyyy and
# groups thousands with dots.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# "Translate this page" makes a draft: wagtail-localize would otherwise publish the copy of a live
# page at once, still in Vietnamese, on the English site. The translator's "Publish" publishes it.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False

# --- Static and media files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_collected"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads go to MEDIA_ROOT, or to the storage MEDIA_STORAGE_BACKEND names with the options (JSON)
# of MEDIA_STORAGE_OPTIONS: object storage for several servers, see README.md.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(os.environ.get("MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The origins that serve uploads when this site does not, for the Content-Security-Policy:
# MEDIA_ORIGINS, else the object storage's own domain (django-storages' custom_domain).
_media_domain = STORAGES["default"]["OPTIONS"].get("custom_domain")
MEDIA_ORIGINS = env_list("MEDIA_ORIGINS", [f"https://{_media_domain}"] if _media_domain else [])

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("WAGTAIL_SITE_NAME", _("Web portal"))
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
# Slugs are ASCII: "Đà Nẵng tổ chức hội nghị" -> da-nang-to-chuc-hoi-nghi (home/slugs.py).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
# The admin's date pickers read and write dates as the portal shows them (portal/formats): ISO by
# default, and the picker replaced a date typed as 15/11/2026 with the current one.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# The admin reaches no other host either: no Gravatar avatars, no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_USER_LOGIN_FORM = "home.forms.AdminLoginForm"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "doc", "odt", "ods", "pdf", "pptx", "rtf", "txt", "xlsx", "xls", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]  # no SVG: it can carry scripts
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Pillow refuses to open anything larger (a decompression bomb) before decoding it.
PILLOW_MAX_IMAGE_PIXELS = WAGTAILIMAGES_MAX_IMAGE_PIXELS

# --- Security headers ----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's page preview shows the page in a same-origin frame, so DENY would break the editor;
# SAMEORIGIN still refuses framing by any other site.
X_FRAME_OPTIONS = "SAMEORIGIN"
# Public pages run no inline script and load nothing from other hosts; video embeds chosen by
# editors are the one exception, limited to these players.
EMBED_FRAME_SOURCES = env_list(
    "EMBED_FRAME_SOURCES", ["https://www.youtube-nocookie.com", "https://www.youtube.com", "https://player.vimeo.com"]
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MEDIA_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, *EMBED_FRAME_SOURCES],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
# The Wagtail admin uses inline scripts and styles of its own.
ADMIN_CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY["DIRECTIVES"],
    "script-src": [SELF, "'unsafe-inline'", "'unsafe-eval'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:", *MEDIA_ORIGINS],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler (in DEBUG) would print its messages a second time, after the
        # root logger's.
        "django": {"handlers": [], "level": "INFO"},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        # Background tasks and page actions log every step at INFO; the audit log keeps the
        # page actions anyway.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

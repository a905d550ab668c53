"""The test suite: `make test` (SQLite) and `.ci/run` (SQLite, then PostgreSQL via DATABASE_URL)."""

import tempfile

from .base import *  # noqa: F401,F403
from .base import DATABASES, VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-secret-key"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="portal-test-media-")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}
# The page cache tests (test_pagecache.py) turn it on; elsewhere each request renders its page.
PAGE_CACHE_SECONDS = 0
# Tests that exercise the Redis buffer turn it on themselves.
VISITS_BUFFER = "database"
# Requests write their sightings to the buffer themselves: a test reads them there at once.
VISITS_HAND_OVER_SECONDS = 0
VISITS_SPOOL_DIR = tempfile.mkdtemp(prefix="portal-test-spool-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not Django's shared in-memory database: concurrency tests need real WAL
    # locking, which shared-cache memory databases do not have.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
# Serve static files straight from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# django-axes needs the request in every authenticate() call, which Client.login() does not
# pass; the login throttling tests switch it on.
AXES_ENABLED = False

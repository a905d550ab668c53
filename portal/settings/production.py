"""Production: behind a TLS-terminating proxy, configured from the environment only."""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_bool

if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production settings refuse to start without it: set the "
        "SECRET_KEY environment variable to a long random value (for example the output of "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`)."
    )
if DEBUG:  # noqa: F405
    raise ImproperlyConfigured(
        "DEBUG is on. Production settings refuse to start with DEBUG enabled, because it "
        "shows stack traces and settings to visitors: unset DEBUG or set it to 0."
    )

# The admin's own address, which the e-mails of the editorial workflow link to: base.py's default
# (the development server's) would send approvers to 127.0.0.1.
# Without its trailing slash: Wagtail appends paths that begin with one.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "").strip().rstrip("/")
if urlsplit(WAGTAILADMIN_BASE_URL).scheme not in ("https", "http") or not urlsplit(WAGTAILADMIN_BASE_URL).hostname:
    raise ImproperlyConfigured(
        "WAGTAILADMIN_BASE_URL is not set to an address. Production settings refuse to start without "
        "it: set it to the address the admin is reached at, for example https://haichau.danang.gov.vn "
        "(the links in the e-mails to editors and approvers lead there)."
    )

STORAGES["staticfiles"]["BACKEND"] = "whitenoise.storage.CompressedManifestStaticFilesStorage"  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# X_FRAME_OPTIONS is SAMEORIGIN for Wagtail's preview (see base.py).
SILENCED_SYSTEM_CHECKS = ["security.W019"]

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")

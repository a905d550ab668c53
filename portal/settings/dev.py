"""Development: `make run` on a laptop, SQLite and the file cache under var/."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
# A fixed key is fine for a development machine only; production refuses to start without one.
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Serve static files straight from the source folders, without collectstatic.
WHITENOISE_USE_FINDERS = True
# Figures that move as you click through the demo, rather than a minute later.
VISITS_BUFFER = os.environ.get("VISITS_BUFFER", "redis" if REDIS_URL else "database")  # noqa: F405
WHITENOISE_AUTOREFRESH = True

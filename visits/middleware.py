"""Counting visits and page views.

Wagtail marks each page it serves with a response header naming the site and the page (see
`mark_served_page` in wagtail_hooks.py); this middleware has the responses so marked counted once
they are sent (counting.record_after_the_answer), and removes the header before the response
leaves the server.

Why a header rather than counting in the page view itself: a page cache (Django's cache
middleware, placed after this one in MIDDLEWARE) replays a stored response without running
Wagtail at all. The stored response keeps its headers, so a page served from the cache still
tells this middleware which page it is, and its visit and view are counted like any other.
This middleware must therefore stay before (outside) every caching middleware.
"""

from .counting import is_countable, record_after_the_answer

PAGE_HEADER = "X-Visits-Page"


def page_header_value(site_id, translation_key):
    return f"{site_id} {translation_key}"


class VisitCounterMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        served = response.get(PAGE_HEADER)
        del response[PAGE_HEADER]
        if served and is_countable(request, response):
            site_id, _space, page_key = served.partition(" ")
            record_after_the_answer(request, int(site_id), page_key)
        return response

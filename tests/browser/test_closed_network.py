"""The public pages work on a closed network: they ask nothing of any host but the site."""

from .support import LOAD_EVERY_IMAGE, PAGE_KINDS, expect


def test_public_pages_load_nothing_from_other_hosts(page, context, public_urls, live_site):
    site_requests = []
    page.on("request", lambda request: site_requests.append(request.url))
    for language in ["vi", "en"]:
        for kind in PAGE_KINDS:
            page.goto(public_urls[language][kind])
            page.evaluate(LOAD_EVERY_IMAGE)
        page.goto(public_urls[language]["article"])
        page.locator(".gallery__link").first.click()
        page.wait_for_function("() => document.querySelector('.lightbox__image').naturalWidth > 0")
        page.keyboard.press("Escape")
        page.locator("[data-poll-show-results]").click()
        expect(page.locator("[data-poll] [data-poll-total]")).to_be_visible()
    assert not context.foreign_requests, context.foreign_requests
    # The watch saw the pages' own files, so it was watching.
    for part in ["/static/", "/media/", "/vi/", "/en/"]:
        assert any(url.startswith(live_site.url + part) for url in site_requests), part

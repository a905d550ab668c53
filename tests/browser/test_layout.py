"""Responsive layout: screenshots of the home page and an article on a phone, a tablet and a
desktop (written to test-artifacts/screenshots/), no horizontal scrolling, the sidebar below the
content on small screens and beside it on large ones."""

import pytest

from .support import ARTIFACTS, LOAD_EVERY_IMAGE, PAGE_KINDS, expect

WIDTHS = [375, 768, 1280]
# The width from which portal.css puts the sidebar beside the content (60rem).
SIDEBAR_BESIDE_FROM = 960


# Each separator drawn before a metadata item (|) that begins a line of its own.
SEPARATORS_STARTING_A_LINE = """() => [...document.querySelectorAll(".article-meta li + li")]
    .filter((item) => item.offsetTop > item.previousElementSibling.offsetTop)
    .filter((item) => !["none", "normal"].includes(getComputedStyle(item, "::before").content))
    .map((item) => item.textContent.trim())"""


def box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("kind", ["home", "article"])
@pytest.mark.parametrize("width", WIDTHS)
def test_layout_fits_the_screen(page, public_urls, width, kind, language):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(public_urls[language][kind])
    assert page.evaluate(LOAD_EVERY_IMAGE) == []
    page.screenshot(path=ARTIFACTS / "screenshots" / f"{kind}-{language}-{width}.png", full_page=True)

    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"horizontal scrolling: the page is {overflow[0]}px wide"

    main, sidebar = box(page, "main"), box(page, ".layout__sidebar")
    if width < SIDEBAR_BESIDE_FROM:
        assert sidebar["y"] >= main["y"] + main["height"], "the sidebar should come below the content"
        assert sidebar["width"] == pytest.approx(main["width"], abs=1)
    else:
        assert sidebar["x"] >= main["x"] + main["width"], "the sidebar should stand beside the content"
        assert sidebar["y"] < main["y"] + main["height"]

    # The header's parts line up with the content, away from the screen's edge.
    for part in [".brand", ".main-menu a"]:
        assert box(page, part)["x"] == pytest.approx(main["x"], abs=1), f"{part} is out of line with the content"
    assert main["x"] >= 12

    if kind == "article":
        assert page.evaluate(SEPARATORS_STARTING_A_LINE) == [], "a line of the metadata begins with a separator"


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_pages_reflow_to_320_pixels(page, public_urls, kind):
    """WCAG 1.4.10: content reflows without horizontal scrolling down to 320 CSS pixels."""
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(public_urls["vi"][kind])
    assert page.evaluate(LOAD_EVERY_IMAGE) == []
    overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert overflow[0] <= overflow[1], f"horizontal scrolling: the page is {overflow[0]}px wide"


def test_the_photo_viewer_fits_a_phone(page, public_urls):
    page.set_viewport_size({"width": 375, "height": 667})
    page.goto(public_urls["vi"]["article"])
    page.locator(".gallery__link").first.click()
    viewer = page.locator("dialog.lightbox")
    expect(viewer).to_be_visible()
    page.wait_for_function("() => document.querySelector('.lightbox__image').naturalWidth > 0")
    page.screenshot(path=ARTIFACTS / "screenshots" / "photo-viewer-vi-375.png")
    screen = {"x": 0, "y": 0, "width": 375, "height": 667}
    assert box(page, ".lightbox__image")["width"] >= 0.85 * screen["width"], "the photo should fill the phone's width"
    for part in [".lightbox", ".lightbox__image", ".lightbox__close", ".lightbox__previous", ".lightbox__next"]:
        area = box(page, part)
        assert area["x"] >= 0 and area["y"] >= 0, (part, area)
        assert area["x"] + area["width"] <= screen["width"] and area["y"] + area["height"] <= screen["height"], (
            part,
            area,
        )

"""What the browser tests share besides fixtures: where Chromium and axe-core are, where the
artifacts go, Playwright's `expect`, and a few keyboard helpers."""

import importlib.util
import os
from pathlib import Path

from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
# Installed from the npm registry by `make test` (see the Makefile), never downloaded by a test.
AXE_CORE = settings.BASE_DIR / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = settings.BASE_DIR / "test-artifacts"
# The demo users' password (load_demo).
PASSWORD = os.environ.get("DEMO_ADMIN_PASSWORD", "portal-demo-2026")
# The kinds of public pages in the `public_urls` fixture.
PAGE_KINDS = ["home", "category", "article", "poll", "search"]

if importlib.util.find_spec("playwright"):
    from playwright.sync_api import expect

    # The machine is shared with other work: give pages more time than Playwright's 5 seconds.
    expect.set_options(timeout=15_000)
else:  # the conftest skips every test of this package
    expect = None

# Loads the lazy images too; returns the address of every image that did not load (the photo
# viewer's, empty while it is closed, aside).
LOAD_EVERY_IMAGE = """async () => {
    const images = [...document.images].filter((img) => !img.closest("dialog:not([open])"));
    for (const img of images) {
        img.loading = "eager";
    }
    await Promise.all(images.map((img) => img.decode().catch(() => null)));
    return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.currentSrc || img.src);
}"""


# The focus indicator of the element that has the focus: an outline of 2px or more, or a ring
# drawn with box-shadow; null when there is neither.
FOCUS_INDICATOR = """() => {
    const style = getComputedStyle(document.activeElement);
    if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) {
        return `outline ${style.outlineWidth} ${style.outlineColor}`;
    }
    return style.boxShadow !== "none" ? `box-shadow ${style.boxShadow}` : null;
}"""


def unavailable():
    """Why the browser tests cannot run here, or None."""
    if expect is None:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    if not os.access(CHROMIUM, os.X_OK):
        return f"no Chromium at {CHROMIUM}: install Debian's (apt-get install chromium); no browser is ever downloaded"
    return None


def focused(page):
    """What has the keyboard focus: tag, classes, id, accessible text and link target."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return el && {tag: el.tagName.toLowerCase(), id: el.id, className: el.className,
                          text: (el.getAttribute("aria-label") || el.textContent || "").trim(),
                          href: el.getAttribute("href")};
        }"""
    )


def tab_to(page, selector, limit=150):
    """Press Tab until the element matching `selector` has the focus, as a keyboard user does,
    and check that it shows the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            assert page.evaluate(FOCUS_INDICATOR), f"no visible focus on {focused(page)}"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def sign_in(new_context, username):
    """A page of a new browser context, signed in to the admin as `username` (a demo user)."""
    page = new_context().new_page()
    page.goto("/admin/")
    page.get_by_role("textbox", name="Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("navigation", name="Menu chính")).to_be_visible()
    return page

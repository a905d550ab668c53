"""Browser tests: Playwright for Python drives Debian's Chromium through the portal served by
gunicorn on 127.0.0.1, as a citizen sees it.

The site runs in processes of its own (gunicorn with the development settings) against a
database of its own, migrated and filled with the demo content once for the whole package. Tests
reach it through the browser only. To prepare data for a journey, run a management command
against the site's database with `live_site.manage(...)`; never use the ORM here: the test
database is another database, and Playwright's sync API keeps an asyncio event loop running in
this thread, where Django refuses database calls (SynchronousOnlyOperation).

Every test gets a fresh browser context (no cookies: a new citizen) whose requests are watched:
a request to any host other than the site, an uncaught script error, an error in the console (a
Content-Security-Policy violation, say) or a stylesheet, script or image that does not load fails
the test. A journey with several people (an editor, then an approver) opens a browser for each with
`new_context()`, watched the same way.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import pytest
from django.conf import settings

from .support import ARTIFACTS, AXE_CORE, CHROMIUM, unavailable

PR_SET_PDEATHSIG = 1  # prctl(2)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]

# What a page loads to show itself; a missing one is an error, whatever the page.
PAGE_RESOURCES = {"stylesheet", "script", "image", "font", "media"}


def pytest_collection_modifyitems(config, items):
    reason = unavailable()
    if reason:
        here = Path(__file__).parent
        for item in items:
            if here in item.path.parents:
                item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.browser_test_failed = report.failed
    return report


@dataclass
class LiveSite:
    url: str
    env: dict

    def manage(self, *args):
        """Run `manage.py <args>` against the site's database; returns its output."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        return result.stdout


def _create_site_database(var_dir):
    """A new, empty database for the site; returns its URL and a function that drops it.

    With DATABASE_URL pointing at PostgreSQL, a database named after the test database's
    (test_<name>_browser) on the same server; otherwise a SQLite file beside the site's media.
    """
    url = os.environ.get("DATABASE_URL", "")
    database = dj_database_url.parse(url) if url else None
    if database is None or database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{var_dir / 'site.sqlite3'}", lambda: None
    import psycopg
    from psycopg import sql

    name = f"test_{database['NAME']}_browser"
    server = {key.lower(): database[key] for key in ("HOST", "PORT", "USER", "PASSWORD") if database[key]}

    def run(*statements):
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            for statement in statements:
                admin.execute(sql.SQL(statement).format(sql.Identifier(name)))

    # FORCE: a site left running by a killed test run may still be connected.
    run("DROP DATABASE IF EXISTS {} WITH (FORCE)", "CREATE DATABASE {}")
    return urlsplit(url)._replace(path=f"/{name}").geturl(), lambda: run("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def _stop_with_parent():
    """Linux: the site gets SIGTERM when the test process ends, even when it is killed."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url, server, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError(f"the site did not start on {url}; its log:\n{log_path.read_text()}")


@pytest.fixture(scope="package")
def live_site(tmp_path_factory):
    """The portal with its demo content, served by gunicorn on 127.0.0.1 at `live_site.url`."""
    var_dir = tmp_path_factory.mktemp("site")
    database_url, drop_database = _create_site_database(var_dir)
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        # As `make run` does: development settings, whose DEBUG lets Django serve the uploaded
        # images (in production the proxy does).
        DJANGO_SETTINGS_MODULE="portal.settings.dev",
        DEBUG="1",
        DATABASE_URL=database_url,
        PORTAL_VAR_DIR=str(var_dir),  # media and the file cache, shared by the site's processes
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="8",
    )
    site = LiveSite(url=f"http://127.0.0.1:{port}", env=env)
    ARTIFACTS.mkdir(exist_ok=True)
    log_path = ARTIFACTS / "browser-site.log"
    server = None
    try:
        site.manage("migrate", "--no-input", "--verbosity", "0")
        site.manage("load_demo", "--verbosity", "0")
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
                cwd=settings.BASE_DIR,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_stop_with_parent,
            )
        _wait_until_up(site.url, server, log_path)
        yield site
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        drop_database()


@pytest.fixture(scope="package")
def browser():
    """Debian's Chromium, headless."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() gives every browser a fresh, temporary user-data directory.
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser, live_site, request):
    """Opens browsers (contexts without cookies: a new citizen, or a member of staff signing in),
    each watched for foreign requests and script errors. `new_context(**options)` takes
    Playwright's context options. When the test fails, every page still open is photographed."""
    contexts = []

    def open_context(**options):
        options = {"locale": "vi-VN", "viewport": {"width": 1280, "height": 800}, **options}
        context = browser.new_context(base_url=live_site.url, **options)
        _watch(context, urlsplit(live_site.url).netloc)
        contexts.append(context)
        return context

    yield open_context
    if getattr(request.node, "browser_test_failed", False):
        name = "".join(char if char.isalnum() or char in "-_" else "-" for char in request.node.name)
        pages = [page for context in contexts for page in context.pages]
        for number, page in enumerate(pages, start=1):
            suffix = f"-{number}" if len(pages) > 1 else ""
            page.screenshot(path=ARTIFACTS / "failures" / f"{name}{suffix}.png", full_page=True)
    for context in contexts:
        context.close()
    for context in contexts:
        assert not context.foreign_requests, "requests to other hosts:\n" + "\n".join(context.foreign_requests)
        assert not context.errors, "errors in the browser:\n" + "\n".join(context.errors)


def _watch(context, site_host):
    context.set_default_timeout(20_000)
    context.foreign_requests = []
    context.errors = []

    def on_request(request):
        parts = urlsplit(request.url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.netloc != site_host:
            context.foreign_requests.append(request.url)

    def on_console(message):
        # Failed loads are judged by on_response: an error status is a right answer to some requests.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            context.errors.append(f"console: {message.text} ({message.location.get('url')})")

    def on_response(response):
        if response.status >= 400 and response.request.resource_type in PAGE_RESOURCES:
            context.errors.append(f"{response.status} for {response.url}")

    context.on("request", on_request)
    context.on("console", on_console)
    context.on("response", on_response)
    context.on("weberror", lambda error: context.errors.append(f"uncaught: {error.error}"))


@pytest.fixture
def context(new_context, request):
    """A new citizen's browser (no cookies), watched for foreign requests and script errors.
    Parametrize it indirectly to change Playwright's context options, e.g. `{"java_script_enabled": False}`."""
    return new_context(**getattr(request, "param", {}))


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="package")
def axe_source():
    if not AXE_CORE.exists():
        pytest.skip(f"axe-core is not installed at {AXE_CORE}: `make test` installs it with npm when npm is present")
    return AXE_CORE.read_text()


@pytest.fixture
def assert_accessible(axe_source):
    """Run axe-core on the page (or on the part `include` selects); fail on any violation of
    these `impacts` (serious and critical ones by default, None for every one), listing each with
    the elements concerned."""

    def check(page, include=None, impacts=("serious", "critical")):
        page.evaluate(axe_source)
        results = page.evaluate(
            "(include) => axe.run(include ? {include: [include]} : document, {resultTypes: ['violations']})",
            include,
        )
        serious = [v for v in results["violations"] if impacts is None or v["impact"] in impacts]
        lines = []
        for violation in serious:
            lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"]:
                lines.append(f"    {' '.join(map(str, node['target']))}")
                lines.extend(f"        {line}" for line in node["failureSummary"].splitlines())
        assert not serious, f"axe-core on {page.url}:\n" + "\n".join(lines)

    return check


@pytest.fixture(scope="package")
def public_urls(browser, live_site):
    """{language: {kind: path}} of the public pages the tests visit: the home page, a category,
    the demo article with the gallery and its translation, the poll's page, the results of a
    search. Found by following links and forms as a citizen does, so that they do not depend on
    how URLs are built."""
    from news.demo import DAN_VAN_KHEO

    context = browser.new_context(base_url=live_site.url)
    page = context.new_page()

    def href(selector):
        return page.locator(selector).first.get_attribute("href")

    def pages_around(article):
        page.goto(article)
        return {
            "home": href(".main-menu a"),
            "category": page.locator(".main-menu a").nth(1).get_attribute("href"),
            "article": article,
            "poll": href("[data-poll-show-results]").split("#")[0],
            "search": page.locator(".header-search").get_attribute("action") + "?q=dan+van+kheo",
        }

    page.goto("/vi/")
    article = page.locator(".latest-news").get_by_role("link", name=DAN_VAN_KHEO).get_attribute("href")
    urls = {"vi": pages_around(article)}
    urls["en"] = pages_around(href(".language-switcher a[hreflang=en]"))
    context.close()
    return urls

"""Gunicorn servers running the portal with the production settings on the test database, and
requests to them as through a load balancer (test_multiserver.py, test_load.py).

Each server trusts one proxy's X-Forwarded-For and X-Forwarded-Proto, so every request can come
from a visitor address of its own over "HTTPS". Static files come from the source folders, so
that no collectstatic is needed.
"""

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

from bench.run import Server, free_port
from tests.visits_support import BROWSER

ROOT = Path(settings.BASE_DIR)
SERVER_SETTINGS = """
from portal.settings.production import *
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_USE_FINDERS = True
"""


def database_url():
    """The test database's URL, for the servers' DATABASE_URL."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(tmp_path, **variables):
    """The environment of servers (and of their scheduled jobs) on the test database, with their
    own var folder: without REDIS_URL, their file caches are there."""
    (tmp_path / "server_settings.py").write_text(SERVER_SETTINGS)
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "server_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "DATABASE_URL": database_url(),
        "TRUSTED_PROXY_COUNT": "1",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
        **variables,
    }


@contextmanager
def gunicorns(env, count, log_dir):
    """`count` gunicorn servers in `env`: their base URLs."""
    servers = []
    try:
        for n in range(count):
            port = free_port()
            servers.append(Server({**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, port, log_dir / f"gunicorn-{n}.log"))
            servers[-1].start()
        yield [f"http://127.0.0.1:{server.port}" for server in servers]
    finally:
        for server in servers:
            server.stop()


def request(url, address, data=None, headers=(), cookies=""):
    """A request from the visitor at `address` through the load balancer (X-Forwarded-For, HTTPS):
    status, headers and body. Error statuses raise urllib's HTTPError."""
    all_headers = {
        "User-Agent": BROWSER,
        "X-Forwarded-For": address,
        "X-Forwarded-Proto": "https",
        **dict(headers),
    }
    if cookies:
        all_headers["Cookie"] = cookies
    body = urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=all_headers), timeout=30) as answer:
        return answer.status, answer.headers, answer.read()


def csrf_credentials(url, address):
    """A CSRF token and the cookies that go with it (the voter id's too), as poll.js gets them."""
    _status, headers, body = request(url, address, headers={"Accept": "application/json"})
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie"):
        cookies.load(header)
    return json.loads(body)["token"], "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())


def vote(base, vote_path, address, option, credentials):
    """Vote as poll.js does: status and JSON answer."""
    token, cookies = credentials
    status, _headers, body = request(
        f"{base}{vote_path}",
        address,
        data={"option": option},
        headers={"Accept": "application/json", "X-CSRFToken": token, "Origin": base.replace("http://", "https://")},
        cookies=cookies,
    )
    return status, json.loads(body)


def flush_visits(env, *options):
    """What cron does every minute: move the buffered counts into the database."""
    result = subprocess.run(
        [sys.executable, "manage.py", "flush_visits", *options],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert "Flushed" in result.stdout, result.stdout

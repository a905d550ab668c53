"""Issue 9: two application servers sharing one PostgreSQL database and one Redis lose and repeat
nothing: visitors read pages and vote on both at once, and afterwards every visit, view and vote
is counted exactly once.

Each server is a gunicorn with the production settings, as behind a load balancer (it trusts one
proxy's X-Forwarded-For and X-Forwarded-Proto); static files come from the source folders, so that
no collectstatic is needed. Runs when DATABASE_URL points at PostgreSQL (.ci/run's second pass)
and Redis answers at CI_REDIS_URL; skipped with the reason otherwise.
"""

import json
import os
import secrets
import subprocess
import sys
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import translation

from bench.run import Server, free_port
from feedback.models import SurveyResponse
from home.demo import add_sidebar_box
from tests.test_feedback import make_survey
from tests.visits_support import BROWSER, views, visits_today

REDIS_URL = os.environ.get("CI_REDIS_URL", "redis://127.0.0.1:6379/3")
ROOT = Path(settings.BASE_DIR)
VISITORS = 40
SERVER_SETTINGS = """
from portal.settings.production import *
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
WHITENOISE_USE_FINDERS = True
"""

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_redis():
    if connection.vendor != "postgresql":
        pytest.skip("several application servers need a database server: set DATABASE_URL to PostgreSQL")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"several application servers share Redis (CI_REDIS_URL={REDIS_URL}), unreachable: {error}")
    prefix = f"multiserver-{secrets.token_hex(4)}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@contextmanager
def two_servers(tmp_path, cache_prefix):
    """Two gunicorn servers on the test database and one Redis: their base URLs, and the
    environment they run in (for the scheduled jobs)."""
    (tmp_path / "multiserver_settings.py").write_text(SERVER_SETTINGS)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "multiserver_settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": cache_prefix,
        "TRUSTED_PROXY_COUNT": "1",
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    servers = []
    try:
        for n in range(2):
            port = free_port()
            servers.append(Server({**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, port, tmp_path / f"gunicorn-{n}.log"))
            servers[-1].start()
        yield [f"http://127.0.0.1:{server.port}" for server in servers], env
    finally:
        for server in servers:
            server.stop()


def request(url, visitor, data=None, headers=(), cookies=""):
    """A request through the load balancer: the visitor's address in X-Forwarded-For, HTTPS."""
    all_headers = {
        "User-Agent": BROWSER,
        "X-Forwarded-For": f"198.18.0.{visitor + 1}",
        "X-Forwarded-Proto": "https",
        **dict(headers),
    }
    if cookies:
        all_headers["Cookie"] = cookies
    body = urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(urllib.request.Request(url, data=body, headers=all_headers), timeout=30) as answer:
        return answer.status, answer.headers, answer.read()


def visitor_journey(visitor, bases, article_path, poll_paths, option):
    """Read the home page and the article on both servers, then vote: the token from one server,
    the vote to the other."""
    first, second = bases[visitor % 2], bases[(visitor + 1) % 2]
    assert request(f"{first}/vi/", visitor)[0] == 200
    assert request(f"{second}{article_path}", visitor)[0] == 200
    assert request(f"{first}{article_path}", visitor)[0] == 200  # the same view again: not counted twice
    csrf_path, vote_path = poll_paths
    _status, headers, body = request(f"{first}{csrf_path}", visitor, headers={"Accept": "application/json"})
    cookies = SimpleCookie()
    for header in headers.get_all("Set-Cookie"):
        cookies.load(header)
    status, _headers, body = request(
        f"{second}{vote_path}",
        visitor,
        data={"option": option},
        headers={
            "Accept": "application/json",
            "X-CSRFToken": json.loads(body)["token"],
            "Origin": second.replace("http://", "https://"),
        },
        cookies="; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items()),
    )
    assert status == 200 and json.loads(body)["ok"] is True


def test_two_servers_count_every_visit_view_and_vote_exactly_once(
    shared_redis, tmp_path, site, home_vi, make_article, locales
):
    survey = make_survey(locales[0])
    add_sidebar_box(site, "poll", survey)
    article = make_article("Thông báo lịch tiếp công dân tháng 12")
    choices = [option.pk for option in survey.options.all()]
    votes = [choices[visitor % len(choices)] for visitor in range(VISITORS)]
    with translation.override("vi"):
        poll_paths = reverse("feedback:csrf"), reverse("feedback:vote", args=[survey.pk])
    with two_servers(tmp_path, shared_redis) as (bases, env):
        with ThreadPoolExecutor(max_workers=16) as pool:
            journeys = [
                pool.submit(visitor_journey, visitor, bases, article.url, poll_paths, votes[visitor])
                for visitor in range(VISITORS)
            ]
            for journey in journeys:
                journey.result()
        # What cron does every minute: move the Redis buffer into the database.
        subprocess.run([sys.executable, "manage.py", "flush_visits"], cwd=ROOT, env=env, check=True)

    assert visits_today(site) == VISITORS
    assert views(home_vi) == VISITORS
    assert views(article) == VISITORS
    assert sorted(SurveyResponse.objects.filter(survey=survey).values_list("option", flat=True)) == sorted(votes)

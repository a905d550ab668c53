"""Issue 9: a health check for load balancers, the cache backends, and the warmed-up workers."""

import multiprocessing
import os
import runpy
import socket
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
import redis
import time_machine
from django.db.utils import OperationalError
from django.template import engines
from django.urls import clear_url_caches, get_resolver
from wagtail.models import Site

from ops import cache as resilient_cache
from ops.cache import FileCache, ResilientRedisCache
from ops.warmup import warm_up
from tests.conftest import REDIS_URL


def test_health_check_reports_database_and_cache(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_health_check_answers_a_probe_by_the_servers_address_over_plain_http(client, site, settings):
    """A load balancer probes each server by its address, not by the site's name, and over
    HTTP: the site's pages refuse both (400, redirect to HTTPS), the health check answers."""
    settings.ALLOWED_HOSTS = ["haichau.example.vn"]
    settings.SECURE_SSL_REDIRECT = True
    for host in ("10.0.0.5:8000", "haichau.example.vn"):
        response = client.get("/healthz", HTTP_HOST=host)
        assert response.status_code == 200, host
        assert response.json()["status"] == "ok"
    assert client.get("/vi/", HTTP_HOST="10.0.0.5:8000").status_code == 400
    assert client.get("/vi/", HTTP_HOST="haichau.example.vn").status_code == 301


def test_overlapping_health_checks_all_find_the_cache_working(client, db):
    """Load balancers probe every server at once, and servers share one Redis: a probe that starts
    while another is between writing and reading back its value must not spoil it."""
    from django.core.cache import cache

    read = cache.get
    inner = []

    def read_after_another_probe(key, *args, **kwargs):
        if not inner:
            inner.append(None)
            inner[0] = client.get("/healthz")
        return read(key, *args, **kwargs)

    with mock.patch("ops.views.cache.get", side_effect=read_after_another_probe):
        response = client.get("/healthz")
    assert inner[0].json()["cache"] == "ok"
    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


def test_health_check_fails_when_the_database_does_not_answer(client, db):
    with mock.patch("ops.views._database_ok", side_effect=OperationalError("database is locked")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing: OperationalError"


def test_health_check_fails_when_the_database_holds_no_site(client, db):
    """An empty or unmigrated database (a wrong path, a volume not mounted) answers queries."""
    Site.objects.all().delete()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "failing"


def test_a_postgresql_server_that_does_not_answer_is_given_up_on(tmp_path):
    """libpq waits over two minutes for a server that accepts the connection but says nothing."""
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        code = (
            "import django; django.setup(); from django.db import connection, OperationalError\n"
            "try:\n    connection.ensure_connection()\nexcept OperationalError as error:\n    print('gave up:', error)"
        )
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "portal.settings.test",
            "PORTAL_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"postgres://portal@127.0.0.1:{port}/portal",
            "DB_CONNECT_TIMEOUT": "2",
        }
        run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "gave up:" in run.stdout and "timeout" in run.stdout.lower(), run.stdout


def test_health_check_fails_when_the_cache_does_not_answer(client, db):
    with mock.patch("ops.views.cache.set", side_effect=ConnectionError("redis down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["cache"] == "failing: ConnectionError"


# --- The cache degrades when Redis is down -----------------------------------------------------

DOWN = {
    "default": {
        "BACKEND": "ops.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


def test_an_unreachable_redis_behaves_like_an_empty_cache_that_cannot_store(settings):
    from django.core.cache import cache

    settings.CACHES = DOWN
    assert cache.get("k", "fallback") == "fallback"
    assert cache.set("k", 1) is False
    assert cache.add("k", 1) is False
    assert cache.touch("k") is False
    assert cache.get_many(["a", "b"]) == {}
    assert cache.get_or_set("k", lambda: "computed") == "computed"
    with pytest.raises(ValueError):
        cache.incr("k")


def test_after_a_failure_the_cache_leaves_redis_alone_for_a_moment(settings, monkeypatch):
    """A Redis that hangs costs each call its timeout: once is enough, for RETRY_AFTER seconds."""
    from django.core.cache import cache

    settings.CACHES = DOWN
    calls = []

    def hangs(self, *args, **kwargs):
        calls.append(args)
        raise redis.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(redis.Redis, "get", hangs)
    assert cache.get("a") is None and cache.get("b") is None
    assert len(calls) == 1
    monkeypatch.setattr(resilient_cache, "RETRY_AFTER", 0)
    resilient_cache.failed(DOWN["default"]["LOCATION"])  # now due again
    assert cache.get("c") is None
    assert len(calls) == 2


def test_pages_and_the_health_check_work_while_redis_is_down(client, site, settings):
    settings.CACHES = DOWN
    assert client.get("/vi/").status_code == 200
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "ok", "cache": "failing"}


def test_a_content_change_invalidates_the_cached_pages_though_redis_failed_a_moment_ago(
    db, redis_prefix, settings, caplog
):
    from ops.pagecache import GLOBAL_VERSION, content_changed, page_cache

    settings.CACHES = {"default": {"BACKEND": "ops.cache.ResilientRedisCache", "LOCATION": REDIS_URL}}
    settings.CACHES["default"]["KEY_PREFIX"] = redis_prefix[1]
    cache = page_cache()
    cache.set(GLOBAL_VERSION, "before", timeout=None)
    resilient_cache.failed(REDIS_URL)  # a timeout a moment ago: reads leave Redis alone meanwhile
    assert cache.get(GLOBAL_VERSION) is None
    content_changed()
    resilient_cache._unavailable_until.clear()
    assert cache.get(GLOBAL_VERSION) not in (None, "before")
    # When it cannot be done, the operators are told.
    settings.CACHES = DOWN
    content_changed()
    assert "could not be invalidated" in caplog.text


def test_servers_making_the_same_value_at_once_all_use_the_one_stored(redis_prefix, monkeypatch):
    """Two servers find no daily salt (say) at the same moment and each makes one: the one stored
    first must be the one both use, or each would count the same visitor under its own salt."""
    params = {"KEY_PREFIX": redis_prefix[1], "TIMEOUT": 60}
    this_server, other_server = ResilientRedisCache(REDIS_URL, params), ResilientRedisCache(REDIS_URL, params)
    looked = ResilientRedisCache.get

    def get_while_the_other_server_stores(self, key, default=None, version=None):
        monkeypatch.setattr(ResilientRedisCache, "get", looked)
        other_server.add(key, "the other server's")
        return default

    monkeypatch.setattr(ResilientRedisCache, "get", get_while_the_other_server_stores)
    assert this_server.get_or_set("salt", lambda: "this server's") == "the other server's"


def test_the_redis_cache_makes_one_client_for_all_its_commands(redis_prefix, monkeypatch):
    """Django's makes one for each command, and redis-py fills a table of callbacks for each."""
    _client, prefix = redis_prefix
    cache = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    made = []
    make = redis.Redis.__init__

    def counted(client, *args, **kwargs):
        made.append(client)
        make(client, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    cache.set("a", 1)
    assert cache.get("a") == 1 and cache.get_many(["a", "b"]) == {"a": 1}
    assert cache.add("b", 2) and cache.delete("a")
    assert len(made) == 1


# --- The file cache of one machine without Redis ----------------------------------------------


def file_cache(tmp_path, max_entries):
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries}})


@pytest.mark.parametrize("renameat2", [True, False], ids=["renameat2", "hard link"])
def test_file_cache_add_is_atomic_between_processes(tmp_path, monkeypatch, renameat2):
    """Another process adds the same key while this one is writing it: one of them only wins."""
    if not renameat2:
        monkeypatch.setattr(resilient_cache, "_renameat2", None)
    here, there = file_cache(tmp_path, 100), file_cache(tmp_path, 100)
    write_content = FileCache._write_content
    others = []

    def write_while_another_process_adds(self, file, timeout, value):
        if self is here and not others:
            others.append(there.add("visits:salt", "their salt", 60))
        write_content(self, file, timeout, value)

    monkeypatch.setattr(FileCache, "_write_content", write_while_another_process_adds)
    ours = here.add("visits:salt", "our salt", 60)
    assert others == [True] and ours is False
    assert here.get("visits:salt") == there.get("visits:salt") == "their salt"


def test_file_cache_add_replaces_an_expired_entry(tmp_path):
    cache = file_cache(tmp_path, 100)
    with time_machine.travel(0, tick=False):
        assert cache.add("marker", "old", 30)
        assert not cache.add("marker", "new", 30)
    with time_machine.travel(31, tick=False):
        assert cache.add("marker", "new", 30)
        assert cache.get("marker") == "new"


def test_file_cache_culls_expired_entries_before_live_ones(tmp_path):
    cache = file_cache(tmp_path, 20)
    with time_machine.travel(0, tick=False):
        for n in range(15):
            cache.set(f"expiring-{n}", n, 30)
        for n in range(10):
            cache.set(f"live-{n}", n, 3600)
    with time_machine.travel(60, tick=False):
        cache._next_cull = 0  # a minute has passed since this process last culled
        cache.set("one-more", 1, 3600)
        assert [cache.get(f"live-{n}") for n in range(10)] == list(range(10))
        assert len(cache._list_cache_files()) == 11


def _count_votes(location, start, times):
    cache = file_cache(location, 100)
    start.wait()
    for _ in range(times):
        cache.incr("votes")


def test_file_cache_incr_is_atomic_between_processes(tmp_path):
    """Gunicorn's workers counting the same rate limit at once lose no vote."""
    cache = file_cache(tmp_path, 100)
    cache.set("votes", 0, 60)
    context = multiprocessing.get_context("fork")
    start = context.Barrier(4)
    workers = [context.Process(target=_count_votes, args=(tmp_path, start, 250)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert [worker.exitcode for worker in workers] == [0] * 4
    assert cache.get("votes") == 1000


def test_file_cache_incr_keeps_the_entrys_expiry(tmp_path):
    cache = file_cache(tmp_path, 100)
    with time_machine.travel(0, tick=False):
        cache.set("votes", 0, 120)
        assert cache.incr("votes") == 1
    with time_machine.travel(119, tick=False):
        assert cache.get("votes") == 1
    with time_machine.travel(121, tick=False):
        assert cache.get("votes") is None
        with pytest.raises(ValueError):
            cache.incr("votes")


def test_warm_up_compiles_the_templates_and_indexes_the_urls_in_every_language(settings):
    loader = engines["django"].engine.template_loaders[0]
    loader.reset()
    clear_url_caches()
    warm_up()
    compiled = set(loader.get_template_cache)
    assert {"base.html", "news/news_article_page.html", "feedback/boxes/poll.html", "search/search.html"} <= compiled
    assert set(get_resolver()._reverse_dict) == {code for code, _name in settings.LANGUAGES}


def test_gunicorn_warms_up_and_freezes_the_master_before_it_forks_workers(monkeypatch):
    calls = []
    monkeypatch.setattr("ops.warmup.warm_up", lambda: calls.append("warm up"))
    monkeypatch.setattr("visits.flusher.start", lambda: calls.append("flusher") or None)
    monkeypatch.setattr("gc.freeze", lambda: calls.append("freeze"))
    config = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    config["when_ready"](mock.Mock())
    assert calls == ["warm up", "freeze", "flusher"]


def test_djangos_messages_are_logged_once_in_development(tmp_path):
    code = "import django, logging; django.setup(); logging.getLogger('django.utils.autoreload').info('Watching')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.dev", "PORTAL_VAR_DIR": str(tmp_path)}
    env.pop("LOG_LEVEL", None)
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("Watching") == 1, run.stderr


def test_make_run_links_the_admins_emails_to_the_address_it_serves():
    """Workflow e-mails name the admin by WAGTAILADMIN_BASE_URL: `make run PORT=…` must set it."""
    root = Path(__file__).resolve().parent.parent
    run = subprocess.run(
        ["make", "-n", "run", "HOST=127.0.0.1", "PORT=8123"], cwd=root, capture_output=True, text=True, timeout=60
    )
    served = [line for line in run.stdout.splitlines() if "runserver" in line]
    assert served and "WAGTAILADMIN_BASE_URL=http://127.0.0.1:8123 " in served[0], run.stdout

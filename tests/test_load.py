"""Issue 10: the portal under load loses and repeats nothing, and survives a Redis outage.

Many threads read pages (home, a category, an article) and vote on the sidebar's poll against a
gunicorn with the production settings (tests/servers.py), every request from a visitor (an
address) of its own: each page answered 200 is then exactly one visit and one view of that page,
and each vote answered "ok" one stored answer. Runs on SQLite and on PostgreSQL, whichever the
test database is. The figures of each run are printed (pytest -s, or in the report of a failure).
"""

import itertools
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError

import pytest
import redis
from django.urls import reverse
from django.utils import translation

from bench.run import free_port
from feedback.models import SurveyResponse
from home.demo import add_sidebar_box
from tests.conftest import REDIS_URL
from tests.servers import csrf_credentials, flush_visits, gunicorns, server_env, vote
from tests.servers import request as request_page
from tests.test_feedback import make_survey
from tests.visits_support import distinct_address, views
from visits.counting import local_today
from visits.models import DailyCount

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# One request in five is a vote, the others page views in turn.
MIX = ["home", "category", "article", "vote", "article"]
TRANSPORT_ERRORS = (OSError,)  # URLError, connection resets and timeouts are all OSErrors


class Load:
    """Visitors reading pages and voting from many threads; every answer is recorded as
    (what, status, started, finished), the status a string for transport errors."""

    def __init__(self, base, paths, vote_path, options):
        self.base, self.paths, self.vote_path, self.options = base, paths, vote_path, options
        self.answers = []
        self.votes = []  # the option of each vote answered "ok"
        self.addresses = itertools.count()
        self.seconds = 0

    def run(self, threads, seconds, meanwhile=None):
        """Load the server for `seconds` from `threads` threads; `meanwhile` runs in this thread
        (given the load's start time) while they work."""
        start = time.monotonic()
        workers = [threading.Thread(target=self._work, args=(n, start + seconds)) for n in range(threads)]
        for worker in workers:
            worker.start()
        if meanwhile:
            meanwhile(start)
        for worker in workers:
            worker.join()
        self.seconds = time.monotonic() - start

    def _work(self, n, deadline):
        for turn in itertools.count(n):
            if time.monotonic() >= deadline:
                return
            what = MIX[turn % len(MIX)]
            address = distinct_address(next(self.addresses))
            started = time.monotonic()
            try:
                if what == "vote":
                    # Each vote from a citizen of its own: their browser's address, voter id and
                    # CSRF token, fetched first as poll.js does.
                    credentials = csrf_credentials(f"{self.base}{self.paths['csrf']}", address)
                    option = self.options[turn % len(self.options)]
                    status, answer = vote(self.base, self.vote_path, address, option, credentials)
                    if status == 200 and answer["ok"]:
                        self.votes.append(option)
                else:
                    status = request_page(f"{self.base}{self.paths[what]}", address, headers={"Accept": "text/html"})[0]
            except HTTPError as error:
                status = error.code
            except TRANSPORT_ERRORS as error:
                status = f"{type(error).__name__}: {error}"
            self.answers.append((what, status, started, time.monotonic()))

    def ok(self, what):
        return sum(1 for name, status, _started, _finished in self.answers if name == what and status == 200)

    def report(self, title, *more):
        statuses = Counter((what, status) for what, status, _started, _finished in self.answers)
        latencies = sorted(finished - started for _what, _status, started, finished in self.answers)
        figures = [
            f"{len(self.answers)} requests in {self.seconds:.1f} s ({len(self.answers) / self.seconds:.0f}/s)",
            f"median {latencies[len(latencies) // 2] * 1000:.0f} ms, slowest {latencies[-1] * 1000:.0f} ms",
            *more,
            ", ".join(f"{what} {status}: {count}" for (what, status), count in sorted(statuses.items(), key=str)),
        ]
        print(f"\n{title}: " + "; ".join(figures))


@pytest.fixture
def portal(site, home_vi, news_category, make_article, locales):
    """The pages and the poll the visitors use: {name: page} and the survey."""
    survey = make_survey(locales[0])
    add_sidebar_box(site, "poll", survey)
    pages = {"home": home_vi, "category": news_category, "article": make_article("Lịch tiếp công dân tháng 12")}
    return pages, survey


def start_load(portal, base):
    pages, survey = portal
    with translation.override("vi"):
        paths = {"csrf": reverse("feedback:csrf"), **{name: page.url for name, page in pages.items()}}
        vote_path = reverse("feedback:vote", args=[survey.pk])
    return Load(base, paths, vote_path, [option.pk for option in survey.options.all()])


def assert_counted_exactly(load, portal, site):
    pages, survey = portal
    failures = Counter(status for _what, status, _started, _finished in load.answers if status != 200)
    assert not failures, failures
    assert len(load.answers) > 200, "too few requests to tell anything"
    page_views = {name: load.ok(name) for name in pages}
    assert DailyCount.objects.visit_figures(site.pk, local_today())["total"] == sum(page_views.values())
    assert {name: views(page) for name, page in pages.items()} == page_views
    stored = Counter(SurveyResponse.objects.filter(survey=survey).values_list("option", flat=True))
    assert stored == Counter(load.votes)
    assert len(load.votes) == load.ok("vote")


def test_fifty_threads_of_page_views_and_votes_lose_nothing(portal, site, tmp_path):
    """50 threads for 20 s, no Redis: counts spooled to files, file caches that the server's
    workers share."""
    env = server_env(tmp_path, REDIS_URL="", GUNICORN_WORKERS="3")
    with gunicorns(env, 1, tmp_path) as [base]:
        load = start_load(portal, base)
        load.run(threads=50, seconds=20)
    flush_visits(env, "--all")  # the server has stopped: its spool files too
    load.report("50 threads, 20 s")
    assert_counted_exactly(load, portal, site)


class PrivateRedis:
    """A redis-server of the test's own, which it may stop and start again. Every write is on
    disk (append-only file, fsync'd) before Redis answers it, as production's must be for the
    visit buffer (README: Redis)."""

    def __init__(self, folder):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.command = [
            "redis-server",
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(folder),
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
        ]  # fmt: skip
        self.log = (folder / "redis.log").open("a")
        self.process = None

    def start(self):
        self.process = subprocess.Popen(self.command, stdout=self.log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start: see {self.log.name}") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self):
        """Shut down as on `systemctl stop`: SIGTERM, Redis writes its file and exits."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def freeze(self):
        """Redis stops answering but keeps its connections, as a machine that hangs or a network
        that drops packets: commands sent meanwhile wait, and run when it resumes."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def private_redis(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("the Redis outage test starts a redis-server of its own: redis-server is not installed")
    folder = tmp_path / "redis"
    folder.mkdir()
    server = PrivateRedis(folder)
    server.start()
    yield server
    server.stop()
    server.log.close()


# How Redis goes away and comes back: shut down (SIGTERM: it writes its file) and started again
# from its files; or hung, its connections kept, so that what was sent to it meanwhile runs when
# it resumes, after the servers gave up waiting and counted in the database.
OUTAGES = {"stopped": ("stop", "start"), "frozen": ("freeze", "resume")}


@pytest.mark.parametrize("outage", OUTAGES)
def test_a_redis_outage_keeps_pages_served_and_counts_exact(portal, site, tmp_path, private_redis, outage):
    """20 threads for 15 s through the Redis buffer; Redis goes away after 5 s and comes back
    after 10 s."""
    go_away, come_back = (getattr(private_redis, name) for name in OUTAGES[outage])
    down = {}

    def interrupt_redis(start):
        time.sleep(max(0, start + 5 - time.monotonic()))
        go_away()
        down["from"] = time.monotonic()
        time.sleep(max(0, start + 10 - time.monotonic()))
        down["until"] = time.monotonic()
        come_back()

    env = server_env(tmp_path, REDIS_URL=private_redis.url, VISITS_BUFFER="redis", GUNICORN_WORKERS="3")
    with gunicorns(env, 1, tmp_path) as [base]:
        load = start_load(portal, base)
        load.run(threads=20, seconds=15, meanwhile=interrupt_redis)
    flush_visits(env)

    served_while_down = [
        what
        for what, status, started, finished in load.answers
        if status == 200 and down["from"] <= started and finished <= down["until"]
    ]
    load.report(
        f"20 threads, 15 s, Redis {outage} from 5 s to 10 s",
        f"{len(served_while_down) / (down['until'] - down['from']):.0f}/s answered 200 meanwhile",
    )
    assert {"home", "category", "article", "vote"} <= set(served_while_down)
    assert_counted_exactly(load, portal, site)


@pytest.mark.parametrize("shared_cache", ["files", "Redis"])
def test_readers_opening_a_page_not_cached_yet_all_at_once_wait_for_one_rendering(
    request, site, make_article, tmp_path, shared_cache
):
    """What a new announcement meets when everyone opens it as soon as it is out: 48 readers at
    once, on two servers (three workers each) sharing the page cache, files on one machine or
    Redis. One request renders the page, the others are given what it stored."""
    variables = {"REDIS_URL": "", "GUNICORN_WORKERS": "3"}
    if shared_cache == "Redis":
        variables.update(REDIS_URL=REDIS_URL, CACHE_KEY_PREFIX=request.getfixturevalue("redis_prefix")[1])
    article = make_article("Thông báo khẩn về lịch tiếp công dân")
    readers = 48
    ready = threading.Barrier(readers)

    def read(bases, reader):
        ready.wait()
        # The same Host from the load balancer, whichever server it chose (they listen on two ports).
        url, host = f"{bases[reader % 2]}{article.url}", {"Host": "127.0.0.1"}
        _status, headers, body = request_page(url, distinct_address(reader), headers=host)
        return headers["X-Page-Cache"], body

    with gunicorns(server_env(tmp_path, **variables), 2, tmp_path) as bases:
        with ThreadPoolExecutor(readers) as pool:
            answers = list(pool.map(lambda reader: read(bases, reader), range(readers)))
    how = Counter(header for header, _body in answers)
    print(f"\n{readers} readers at once, page cache in {shared_cache}: {dict(how)}")
    assert how["miss"] == 1 and set(how) <= {"miss", "waited", "hit"}, how
    assert len({body for _header, body in answers}) == 1

"""`make bench`: the portal under load, on this machine.

Builds a fresh site with the demo content (SQLite in a temporary folder; PostgreSQL and Redis when
DATABASE_URL and REDIS_URL are set: the database DATABASE_URL names is dropped and created anew),
serves it with gunicorn (gunicorn.conf.py, production settings, DEBUG off) on a free port of
127.0.0.1, and drives it from a second process: wrk when it is installed, bench/loadgen.py
otherwise, CONNECTIONS connections for DURATION seconds a row, every request from another visitor.
Prints one table (requests per second, median and 99th percentile latency, throughput against the
static file's, SQL queries per request, failures) and writes it to bench/results.md.

One row measures the cached article for SURGE_CONNECTIONS readers at once while another process
makes a content change every second, as editors publishing during a surge of readers do. Rows that
need the page cache off go to a second gunicorn server, started beside the first. The rows take
turns in four rounds, so that whatever else the machine is doing weighs on all of them alike;
every figure comes from the same run. What counting a visit costs is measured apart, in pairs of
one-second slices (COUNTING).

    python bench/run.py [--duration 10] [--connections 16] [--pairs 30] [--output bench/results.md] [--keep]
"""

import argparse
import contextlib
import itertools
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
SEARCH_PATH = "/vi/tim-kiem/"
ROUNDS = 4
SURGE_CONNECTIONS = 128
RUNS = itertools.count(1)
SEARCH_TERMS = "hội nghị"

# The server configurations, and the rows measured on each: (row, what is requested). During the
# "changing" row, SURGE_CONNECTIONS readers ask for the article while another process makes a
# content change every second, as publishing does: the page cache's grace (ops/pagecache.py) at work.
SERVERS = [
    (
        "page cache on (production)",
        {},
        [
            ("Static CSS file (whitenoise)", "static"),
            ("Home page, cache hit", "home"),
            ("Category page, cache hit", "category"),
            ("Article, cache hit", "article"),
            (f"Article, {SURGE_CONNECTIONS} readers at once, content changed every second", "article:changing"),
            ("Search page", "search"),
            ("Vote (POST)", "vote"),
        ],
    ),
    (
        "page cache off",
        {"PAGE_CACHE_SECONDS": "0"},
        [
            ("Home page, cache miss", "home"),
            ("Category page, cache miss", "category"),
            ("Article, cache miss", "article"),
        ],
    ),
]
# What counting a visit adds, on the page it weighs most on: (row, the server's place in SERVERS,
# what is requested). The same requests counted and not counted (with `Sec-Purpose: prefetch`,
# which visits.counting does not count) to the same server, in one-second slices that alternate
# (counted, not counted, not counted, counted…): whatever else the machine does meanwhile (the
# flusher applying earlier sightings, a worker restarting, another tenant of the host) weighs on
# both alike. Each pair gives the ratio of its two medians; the median of the ratios is what
# counting adds. Measured as two rows of the rounds instead, it moved by -40% to +31% from one run
# to the next. Counting costs a rendered page the same ~30 µs of processor time, 0.15% of the
# page's 20 ms: less than such pairs can show (their middle half spread from -33% to +89%).
COUNTING = [("Article, cache hit", 0, "article")]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def fresh_postgresql_database(url):
    import dj_database_url
    import psycopg
    from psycopg import sql

    config = dj_database_url.parse(url)
    with psycopg.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    ) as connection:
        name = sql.Identifier(config["NAME"])
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def prepare(workdir):
    """The environment of every process of the run, and a site built in it."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.bench",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PORTAL_VAR_DIR": str(workdir / "var"),
        "STATIC_ROOT": str(workdir / "static"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "TRUSTED_PROXY_COUNT": "1",
        "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(4)}",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    if env.get("DATABASE_URL"):
        fresh_postgresql_database(env["DATABASE_URL"])
    print("Building the demo site (migrate, translations, demo content, static files)…", flush=True)
    manage(env, "migrate", "--no-input")
    manage(env, "compiletranslations")
    manage(env, "load_demo")
    manage(env, "collectstatic", "--no-input")
    return env


def inspect(host):
    """Run in a subprocess with the run's environment: the URLs to request and the SQL queries
    each costs, measured with Django's test client. Prints JSON."""
    import django

    django.setup()
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.urls import reverse
    from django.utils import translation
    from wagtail.models import Locale

    from feedback.models import Survey
    from news.models import NewsArticlePage, NewsIndexPage

    vi = Locale.get_default()
    article = NewsArticlePage.objects.live().public().filter(locale=vi).newest_first().first()
    category = NewsIndexPage.objects.live().public().filter(locale=vi).in_menu().first()
    survey = next(survey for survey in Survey.objects.filter(locale=vi) if survey.is_open())
    with translation.override(vi.language_code):
        vote_path = reverse("feedback:vote", args=[survey.pk])
        csrf_path = reverse("feedback:csrf")
    paths = {
        "static": staticfiles_storage.url("css/portal.css"),
        "home": "/vi/",
        "category": category.url,
        "article": article.url,
        "search": f"{SEARCH_PATH}?q={quote(SEARCH_TERMS)}",
    }
    client = Client(HTTP_HOST=host, HTTP_USER_AGENT=BROWSER, HTTP_X_FORWARDED_PROTO="https")

    def queries(path, seconds):
        with override_settings(PAGE_CACHE_SECONDS=seconds):
            first = client.get(path)  # counts this visitor, makes renditions, fills caches
            with CaptureQueriesContext(connection) as captured:
                client.get(path)
        return first.status_code, len(captured)

    found = {"paths": paths, "misses": {}, "hits": {}}
    for name, path in list(paths.items()):
        status, found["misses"][name] = queries(path, 0)
        if status != 200:
            del paths[name]
            continue
        found["hits"][name] = queries(path, 300)[1] if name != "static" else 0
    if "search" not in paths:
        found["misses"].pop("search", None)
    option = survey.options.first()
    with CaptureQueriesContext(connection) as captured:
        client.post(
            vote_path, {"option": option.pk}, HTTP_ACCEPT="application/json", HTTP_X_FORWARDED_FOR="2001:db8::1"
        )
    found["misses"]["vote"] = len(captured)
    found["vote"] = {"path": vote_path, "csrf_path": csrf_path, "body": f"option={option.pk}"}
    print("JSON " + json.dumps(found))


def change_content_every_second():
    """Run in a subprocess with the run's environment: what publishing does to the page cache,
    every second, until stopped."""
    import django

    django.setup()
    from ops.pagecache import content_changed

    print("ready", flush=True)
    while True:
        time.sleep(1)
        content_changed()


@contextlib.contextmanager
def content_changing(env):
    changer = subprocess.Popen([PYTHON, __file__, "--change-content"], cwd=ROOT, env=env, stdout=subprocess.PIPE)
    try:
        changer.stdout.readline()  # Django is set up: the changes begin
        yield
    finally:
        changer.terminate()
        changer.wait()


def last_json(output):
    for line in reversed(output.splitlines()):
        if line.startswith("JSON "):
            return json.loads(line[5:])
    raise RuntimeError(f"no result in:\n{output}")


class Server:
    def __init__(self, env, port, log_path):
        self.env, self.port, self.log_path = env, port, log_path
        self.process = None

    def start(self):
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", "gunicorn.conf.py", "portal.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"gunicorn did not start; see {self.log_path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def csrf_credentials(base, path):
    """A CSRF token and its cookie, as poll.js gets them; not the voter id cookie the answer sets
    too, which would make every vote of the run one voter's (refused as a second vote)."""
    request = urllib.request.Request(
        base + path,
        headers={"User-Agent": BROWSER, "X-Forwarded-Proto": "https", "Accept": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        token = json.loads(answer.read())["token"]
        cookies = [header.split(";")[0] for header in answer.headers.get_all("Set-Cookie")]
    return token, "; ".join(cookie for cookie in cookies if "csrf" in cookie.partition("=")[0].lower())


def drive(url, headers, method, body, connections, duration):
    """One load generator run from another process; returns its figures. Its visitors' addresses
    differ from every other run's."""
    run = next(RUNS)
    if shutil.which("wrk"):
        command = [
            "wrk",
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout=60s",
            "--latency",
            "-s",
            str(ROOT / "bench" / "wrk.lua"),
            url,
        ]
        env = {
            **os.environ,
            "BENCH_RUN": str(run),
            "BENCH_METHOD": method,
            "BENCH_BODY": body,
            "BENCH_HEADERS": "\n".join(f"{name}: {value}" for name, value in headers.items()),
        }
    else:
        command = [PYTHON, str(ROOT / "bench" / "loadgen.py"), url, f"--connections={connections}"]
        command += [f"--duration={duration}", f"--method={method}", f"--body={body}", f"--run={run}"]
        command += [f"--header={name}: {value}" for name, value in headers.items()]
        env = os.environ
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return last_json(result.stdout)


def request_spec(server, found, name):
    """(url, headers, method, body) of a row's requests to `server`, or None when the site has no
    such page."""
    base, host = f"http://127.0.0.1:{server.port}", f"127.0.0.1:{server.port}"
    headers = {"Host": host, "User-Agent": BROWSER, "X-Forwarded-Proto": "https", "Accept": "text/html"}
    name, _colon, variant = name.partition(":")
    if variant == "not counted":
        headers["Sec-Purpose"] = "prefetch"
    if name == "vote":
        token, cookies = csrf_credentials(base, found["vote"]["csrf_path"])
        headers.update(
            {
                "Accept": "application/json",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookies,
                "X-CSRFToken": token,
                "Origin": f"https://{host}",
            }
        )
        return base + found["vote"]["path"], headers, "POST", found["vote"]["body"]
    if name in found["paths"]:
        return base + found["paths"][name], headers, "GET", ""
    return None


def measure(servers, found, args):
    """Every row, in ROUNDS rounds that take turns, so that whatever else the machine does weighs
    on all rows alike (every other round in the reverse order); requests per second over all
    rounds, the median of the rounds' medians and the highest of their 99th percentiles."""
    rows = []
    for server, (_name, _overrides, server_rows) in zip(servers, SERVERS, strict=True):
        for label, name in server_rows:
            spec = request_spec(server, found, name)
            if spec is not None:
                surge = name.endswith(":changing")
                connections = SURGE_CONNECTIONS if surge else args.connections
                drive(*spec, connections, max(1, args.duration // 5))  # warm-up
                rows.append((label, name, spec, server.env if surge else None, connections, []))
    for round_number in range(ROUNDS):
        print(f"Round {round_number + 1} of {ROUNDS}", flush=True)
        for _label, _name, spec, changer_env, connections, rounds in rows if round_number % 2 == 0 else reversed(rows):
            with content_changing(changer_env) if changer_env else contextlib.nullcontext():
                rounds.append(drive(*spec, connections, max(1, -(-args.duration // ROUNDS))))
    measured = []
    for label, name, _spec, changer_env, _connections, rounds in rows:
        queries = found["hits" if "cache hit" in label else "misses"].get(name.partition(":")[0])
        figures = {
            # Failed requests are often the fastest: they do not count as throughput.
            "rps": sum(r["requests"] - r["bad_status"] for r in rounds) / sum(r["seconds"] for r in rounds),
            "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
            "p99_ms": max(r["p99_ms"] for r in rounds),
            "failed": sum(r["bad_status"] + r["socket_errors"] for r in rounds),
            "queries": None if changer_env else queries,
        }
        measured.append((label, figures))
        print(f"  {label}: {figures['rps']:.0f} requests/s", flush=True)
    return measured


def measure_counting(servers, found, args):
    """COUNTING's rows: {row: figures}, each from args.pairs pairs of one-second slices."""
    measured = {}
    for label, server, name in COUNTING:
        specs = {
            counted: request_spec(servers[server], found, name + ("" if counted else ":not counted"))
            for counted in (True, False)
        }
        if specs[True] is None:
            continue
        slices = {True: [], False: []}
        for pair in range(args.pairs):
            for counted in (True, False) if pair % 2 == 0 else (False, True):
                slices[counted].append(drive(*specs[counted], args.connections, 1))
        ratios = [
            mine["p50_ms"] / max(other["p50_ms"], 0.001) - 1
            for mine, other in zip(slices[True], slices[False], strict=True)
        ]
        measured[label] = {
            "pairs": args.pairs,
            "counted_ms": statistics.median(figures["p50_ms"] for figures in slices[True]),
            "not_counted_ms": statistics.median(figures["p50_ms"] for figures in slices[False]),
            "added": statistics.median(ratios),
            "quartiles": statistics.quantiles(ratios, n=4)[::2] if len(ratios) > 1 else ratios * 2,
            "failed": sum(f["bad_status"] + f["socket_errors"] for f in slices[True] + slices[False]),
        }
        print(f"  Counting a visit, {label}: {measured[label]['added']:+.0%} to the median", flush=True)
    return measured


def row_by_label(rows, label):
    return next((figures for name, figures in rows if name == label), None)


def verdicts(rows, counting, failures):
    static = row_by_label(rows, "Static CSS file (whitenoise)")
    hit, miss = row_by_label(rows, "Article, cache hit"), row_by_label(rows, "Article, cache miss")
    checks = [
        ("Cached article ≥ 50% of the static file's requests/s", hit["rps"] / static["rps"] >= 0.5),
        (
            "Uncached article ≥ 10% of the static file's requests/s, p99 < 250 ms",
            miss["rps"] / static["rps"] >= 0.1 and miss["p99_ms"] < 250,
        ),
    ]
    for label, figures in counting.items():
        added = figures["added"]
        checks.append((f"Counting a visit adds ≤ 10% to the median ({label}: {added:+.1%})", added <= 0.10))
    checks.append(("No failed request, no “database is locked”", failures == 0))
    return checks


def report(rows, counting, failures, locked, errors, context):
    static_rps = row_by_label(rows, "Static CSS file (whitenoise)")["rps"]
    lines = [
        "| Request | Requests/s | p50 (ms) | p99 (ms) | vs static | SQL queries | Failed |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figures in rows:
        queries = "–" if figures["queries"] is None else figures["queries"]
        lines.append(
            f"| {label} | {figures['rps']:,.0f} | {figures['p50_ms']:.1f} | {figures['p99_ms']:.1f} "
            f"| {figures['rps'] / static_rps:.0%} | {queries} | {figures['failed']} |"
        )
    lines += [
        "",
        "| Counting a visit | Pairs of 1-s slices | p50 counted (ms) | p50 not counted (ms) | Added to the median "
        "| Middle half of the pairs |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, figures in counting.items():
        low, high = figures["quartiles"]
        lines.append(
            f"| {label} | {figures['pairs']} | {figures['counted_ms']:.2f} "
            f"| {figures['not_counted_ms']:.2f} | {figures['added']:+.1%} | {low:+.0%} to {high:+.0%} |"
        )
    lines += [
        "",
        f"Failed requests (non-2xx/3xx or socket errors): {failures}; “database is locked” in the server log: "
        f"{locked}; server errors logged: {errors}.",
        "",
        *(f"- {'✔' if ok else '✘'} {check}" for check, ok in verdicts(rows, counting, failures + locked + errors)),
        "",
        context,
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per row (default 10)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--pairs", type=int, default=30, help="pairs of slices that measure counting (default 30)")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    parser.add_argument("--inspect", metavar="HOST", help=argparse.SUPPRESS)
    parser.add_argument("--change-content", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.pairs < 1:
        parser.error("--pairs must be 1 or more")
    if args.inspect or args.change_content:
        sys.path.insert(0, str(ROOT))
        if args.inspect:
            inspect(args.inspect)
        else:
            change_content_every_second()
        return

    load_before = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    ports = [free_port() for _server in SERVERS]
    env = prepare(workdir)
    host = f"127.0.0.1:{ports[0]}"
    inspected = subprocess.run(
        [PYTHON, __file__, "--inspect", host], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = last_json(inspected.stdout)
    if "search" not in found["paths"]:
        print(f"No search page at {SEARCH_PATH}: its row is left out.")

    servers = [
        Server({**env, **overrides, "GUNICORN_BIND": f"127.0.0.1:{port}"}, port, workdir / f"gunicorn-{n}.log")
        for n, ((_name, overrides, _rows), port) in enumerate(zip(SERVERS, ports, strict=True))
    ]
    try:
        for server, (name, _overrides, _rows) in zip(servers, SERVERS, strict=True):
            print(f"Starting gunicorn: {name}", flush=True)
            server.start()
        rows = measure(servers, found, args)
        counting = measure_counting(servers, found, args)
    finally:
        for server in servers:
            server.stop()
        logs = "".join(server.log_path.read_text() for server in servers if server.log_path.exists())
        if args.keep:
            print(f"Kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    failures = sum(figures["failed"] for _label, figures in rows) + sum(f["failed"] for f in counting.values())
    locked, errors = logs.count("database is locked"), logs.count("Internal Server Error")

    database = urlsplit(env["DATABASE_URL"]).scheme if env.get("DATABASE_URL") else "SQLite"
    cache = "Redis cache and counter buffer" if env.get("REDIS_URL") else "file cache, sightings spooled to files"
    workers = env.get("GUNICORN_WORKERS", str(os.cpu_count() * 2 + 1))
    context = (
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {platform.node()} ({os.cpu_count()} cores, load average "
        f"{load_before[0]:.1f} before the run): {database}, {cache}, gunicorn {workers} workers × "
        f"{env.get('GUNICORN_THREADS', '4')} threads, {'wrk' if shutil.which('wrk') else 'bench/loadgen.py'} with "
        f"{args.connections} connections ({SURGE_CONNECTIONS} for the surge), {args.duration} s a row in {ROUNDS} "
        f"rounds after a warm-up (counting: {args.pairs} pairs of 1-s slices), every request from another visitor "
        "(so every page view is counted; each "
        f"server's flusher process applies the sightings every {env.get('VISITS_FLUSHER_SECONDS', '20')} s at a "
        "lower CPU priority). SQL queries: per request (a view's sighting waits in the buffer: no query)."
    )
    table = report(rows, counting, failures, locked, errors, context)
    print("\n" + table)
    args.output.write_text("# Benchmark results (`make bench`)\n\n" + table + "\n")
    print(f"\nWritten to {args.output.relative_to(ROOT) if args.output.is_relative_to(ROOT) else args.output}")


if __name__ == "__main__":
    main()

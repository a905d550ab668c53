"""Helpers shared by the visit statistics tests (test_visits.py, test_visits_buffer.py)."""

import threading
import uuid

from django.db import connection
from django.test import Client
from django.utils import timezone

from visits import buffer, sightings
from visits.counting import local_today
from visits.models import DailyCount

# A real desktop browser.
BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"


def visit(client, path="/vi/", ip="203.0.113.10", user_agent=BROWSER, **extra):
    """A page request from one visitor (an address and a browser)."""
    return client.get(path, REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent, **extra)


def visits_today(site, day=None):
    return DailyCount.objects.visit_figures(site.pk, day or local_today())["today"]


def views(page):
    return DailyCount.objects.page_views(page.translation_key)


def distinct_address(n):
    return f"198.18.{n // 250}.{n % 250 + 1}"


def concurrently(jobs, threads=20):
    """Run the callables in `jobs` on `threads` threads that start together; re-raise the first
    error. Each thread closes its own database connection at the end."""
    barrier = threading.Barrier(threads)
    errors = []

    def work(share):
        try:
            barrier.wait()
            for job in share:
                job()
        except BaseException as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(jobs[n::threads],)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]


def distinct_visitors_view(path, count):
    """`count` jobs, each one visitor (own address, own client) viewing `path`."""

    def job(n):
        def run():
            response = visit(Client(), path, ip=distinct_address(n))
            assert response.status_code == 200

        return run

    return [job(n) for n in range(count)]


def add_visits(site, count, page_key="the-page-key"):
    """`count` new visitors seen on a page today (so `count` visits and views), through the
    buffer when it is on."""
    for _ in range(count):
        seen = sightings.Seen(timezone.now(), site.pk, local_today(), uuid.uuid4().hex, page_key)
        if buffer.enabled():
            buffer.add(seen)
        else:
            sightings.apply([seen])


def fail_on_the_second_counter(monkeypatch):
    """Make the database fail on the second counter a flush writes; returns the calls made."""
    increment = DailyCount.objects.increment
    calls = []

    def failing(*args):
        calls.append(args)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        increment(*args)

    monkeypatch.setattr(DailyCount.objects, "increment", failing)
    return calls

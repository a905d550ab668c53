"""Issue 5: the optional Redis buffer of the visit counters loses and repeats nothing.

Runs against the Redis of CI_REDIS_URL (redis://127.0.0.1:6379/3 by default); skipped with the
reason when that Redis cannot be reached. Each test uses keys of its own, removed afterwards.
"""

import io
import logging
import pickle
import uuid
from datetime import timedelta

import pytest
import redis
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import Site

from home.models import HomePage
from tests.conftest import REDIS_URL
from tests.visits_support import (
    BROWSER,
    add_visits,
    concurrently,
    distinct_address,
    distinct_visitors_view,
    fail_on_the_second_counter,
    views,
    visit,
    visits_today,
)
from visits import buffer, sightings
from visits.counting import local_today
from visits.models import AppliedBatch, DailyCount


@pytest.fixture
def redis_client(settings, redis_prefix):
    client, prefix = redis_prefix
    settings.VISITS_BUFFER = "redis"
    settings.REDIS_URL = REDIS_URL
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    return client


def pending(client):
    """The number of sightings waiting in Redis."""
    return client.llen(buffer._key("pending"))


def test_counts_wait_in_redis_until_a_flush_moves_them_exactly(redis_client, site, home_vi):
    add_visits(site, 37, str(home_vi.translation_key))
    assert not DailyCount.objects.exists()
    assert pending(redis_client) == 37

    assert buffer.flush() == 1
    assert visits_today(site) == 37 and views(home_vi) == 37
    assert pending(redis_client) == 0
    assert buffer.flush() == 0  # nothing left: a second flush adds nothing
    assert visits_today(site) == 37 and views(home_vi) == 37


def test_sightings_arriving_during_a_flush_are_kept_for_the_next(redis_client, site, monkeypatch):
    add_visits(site, 10)
    increment = DailyCount.objects.increment

    def increment_while_visitors_arrive(site_id, day, kind, *args):
        if kind == DailyCount.Kind.VISIT:
            add_visits(site, 3)  # requests counting while the batch is being written
        increment(site_id, day, kind, *args)

    monkeypatch.setattr(DailyCount.objects, "increment", increment_while_visitors_arrive)
    buffer.flush()
    monkeypatch.undo()
    assert visits_today(site) == 10
    assert pending(redis_client) == 3
    buffer.flush()
    assert visits_today(site) == 13


def test_a_flush_failing_in_the_database_is_applied_exactly_once_later(redis_client, site, home_vi, monkeypatch):
    add_visits(site, 8, str(home_vi.translation_key))
    calls = fail_on_the_second_counter(monkeypatch)
    with pytest.raises(RuntimeError):
        buffer.flush()
    monkeypatch.undo()
    assert len(calls) == 2  # the first counter was written, then rolled back
    assert not DailyCount.objects.exists() and not AppliedBatch.objects.exists()

    add_visits(site, 2, str(home_vi.translation_key))  # meanwhile, more visitors
    buffer.flush()
    buffer.flush()
    assert visits_today(site) == 10
    assert views(home_vi) == 10


def test_a_flush_interrupted_after_its_commit_does_not_count_twice(redis_client, site, monkeypatch):
    add_visits(site, 6)

    def redis_gone(self, *args, **kwargs):
        raise redis.ConnectionError("Redis went away")

    monkeypatch.setattr(redis.client.Pipeline, "execute", redis_gone)
    with pytest.raises(redis.ConnectionError):
        buffer.flush()
    monkeypatch.undo()
    assert visits_today(site) == 6  # committed, but the batch is still in Redis

    assert buffer.flush() == 1
    assert visits_today(site) == 6
    assert not list(redis_client.scan_iter(match=buffer._key("batch:*")))


def test_batches_left_by_failed_flushes_are_applied_in_the_order_they_were_claimed(redis_client, site, monkeypatch):
    first = timezone.now() - timedelta(hours=1)

    def seen(minutes):
        return sightings.Seen(first + timedelta(minutes=minutes), site.pk, local_today(), "a-visitor", "the-page-key")

    def database_gone(*args):
        raise RuntimeError("the database went away")

    sightings.apply([seen(0)])
    # The random part of the later batch's name sorts first.
    names = iter([uuid.UUID(int=2**128 - 1), uuid.UUID(int=0)])
    monkeypatch.setattr(uuid, "uuid4", lambda: next(names))
    monkeypatch.setattr(buffer, "_apply", database_gone)
    for minutes in (29, 31):  # each in a batch of its own
        buffer.add(seen(minutes))
        with pytest.raises(RuntimeError):
            buffer.flush()
    monkeypatch.undo()
    assert buffer.flush() == 2
    # Each page within 30 minutes of the one before: one visit. Applied before the sighting of
    # minute 29, the one of minute 31 would find the visitor unseen for 31 minutes.
    assert visits_today(site) == 1


def test_counts_of_a_site_deleted_before_the_flush_do_not_block_the_others(redis_client, site, locales):
    other_home = site.root_page.get_parent().add_child(
        instance=HomePage(title="Phường", slug="phuong", locale=locales[0])
    )
    other = Site.objects.create(hostname="phuong.example.vn", port=80, root_page=other_home)
    add_visits(other, 2)
    add_visits(site, 3)
    other_pk = other.pk
    other.delete()
    assert buffer.flush() == 1
    assert visits_today(site) == 3
    # No row points at the deleted site (PostgreSQL would refuse the whole batch at commit).
    assert not DailyCount.objects.filter(site_id=other_pk).exists()
    assert pending(redis_client) == 0


def test_only_one_process_flushes_at_a_time(redis_client, site):
    add_visits(site, 3)
    other = redis_client.lock(buffer._key("flush-lock"), timeout=60)
    assert other.acquire(blocking=False)
    out = io.StringIO()
    call_command("flush_visits", stdout=out)
    assert "Another process is flushing" in out.getvalue()
    assert not DailyCount.objects.exists()
    other.release()
    call_command("flush_visits", stdout=io.StringIO())
    assert visits_today(site) == 3


def test_requests_flush_when_a_minute_passed_without_a_flush(redis_client, client, site):
    visit(client, ip="203.0.113.1")  # no flush for a minute (ever): this request flushes
    assert visits_today(site) == 1
    visit(client, ip="203.0.113.2")
    visit(client, ip="203.0.113.3")
    assert visits_today(site) == 1  # within the minute: buffered
    assert pending(redis_client) == 2
    redis_client.delete(buffer._key("recent-flush"))  # the minute has passed
    with time_machine.travel(timedelta(seconds=buffer.FLUSH_INTERVAL)):
        visit(client, ip="203.0.113.4")
    assert visits_today(site) == 4
    assert pending(redis_client) == 0


def test_within_the_minute_after_a_flush_a_counted_request_sends_redis_one_command(
    redis_client, client, site, monkeypatch
):
    visit(client, ip="203.0.113.1")  # this request flushes
    sent = []
    execute_command = redis.Redis.execute_command

    def watched(self, *args, **options):
        sent.append(args[0])
        return execute_command(self, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", watched)
    monkeypatch.setattr(redis.client.Pipeline, "execute", lambda *args, **kwargs: sent.append("PIPELINE"))
    for n in range(3):
        visit(client, ip=f"203.0.113.{n + 2}")
    assert sent == ["RPUSH"] * 3
    monkeypatch.undo()
    assert pending(redis_client) == 3


def test_counts_go_to_the_database_while_redis_is_unreachable(client, site, settings, caplog):
    settings.VISITS_BUFFER = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    assert visit(client).status_code == 200
    assert visits_today(site) == 1
    # Counted: the request's flush, impossible without Redis, is no error of counting's.
    assert [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR] == []


def answer_lost(monkeypatch, meanwhile=lambda: None):
    """Redis keeps the next sighting but its answer never arrives (Redis stopped, or hung past
    the timeout and ran the command on resuming); `meanwhile` runs before the request gives up."""
    rpush = redis.Redis.rpush

    def lost(self, *args):
        rpush(self, *args)
        monkeypatch.setattr(redis.Redis, "rpush", rpush)
        meanwhile()
        raise redis.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(redis.Redis, "rpush", lost)


def test_a_sighting_whose_answer_was_lost_is_counted_once(redis_client, site, monkeypatch):
    add_visits(site, 2)
    answer_lost(monkeypatch)
    add_visits(site, 1)  # in Redis, and in the database as the fallback
    assert visits_today(site) == 1 and pending(redis_client) == 3

    buffer.flush()
    assert visits_today(site) == 3
    buffer.flush()
    assert visits_today(site) == 3


def test_a_lost_answer_counted_once_even_when_its_batch_was_flushed_first(redis_client, site, monkeypatch):
    answer_lost(monkeypatch, meanwhile=buffer.flush)  # another server flushes before the fallback
    add_visits(site, 1)
    assert visits_today(site) == 1
    buffer.flush()
    assert visits_today(site) == 1


def test_a_sighting_redis_never_received_is_counted_in_the_database(redis_client, site, monkeypatch, caplog):
    def refused(*args):
        raise redis.ConnectionError("Connection refused")

    add_visits(site, 2)
    monkeypatch.setattr(redis.Redis, "rpush", refused)
    add_visits(site, 1)
    monkeypatch.undo()
    assert visits_today(site) == 1
    assert "Redis did not answer" in caplog.text
    buffer.flush()
    assert visits_today(site) == 3


def test_after_a_failure_sightings_go_to_the_database_without_trying_redis(redis_client, site, monkeypatch):
    calls = []

    def hangs(*args):
        calls.append(args)
        raise redis.TimeoutError("Timeout reading from socket")

    monkeypatch.setattr(redis.Redis, "rpush", hangs)
    add_visits(site, 3)
    assert len(calls) == 1
    assert visits_today(site) == 3


def test_nothing_of_the_visitor_reaches_redis(redis_client, client, site):
    address, user_agent = "198.51.100.78", BROWSER + " PrivacyProbe/1.0"
    visit(client, ip=address, user_agent=user_agent)
    visit(client, ip="203.0.113.9")  # buffered
    keys = list(redis_client.scan_iter(match=buffer._key("*")))
    assert keys
    for key in keys:
        kind = redis_client.type(key).decode()
        if kind == "list":
            content = repr(redis_client.lrange(key, 0, -1))
        elif kind == "set":
            content = repr(redis_client.smembers(key))
        else:
            content = repr(redis_client.get(key))
        for text in (key.decode(), content):
            assert address not in text and "PrivacyProbe" not in text
    from django.core.cache.backends.locmem import _caches

    for store in _caches.values():
        for key, value in store.items():
            assert address not in key and "PrivacyProbe" not in repr(pickle.loads(value))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_visitors_at_once_through_the_buffer_make_exactly_200_visits(redis_client, site, home_vi):
    concurrently(distinct_visitors_view("/vi/", 200))
    call_command("flush_visits", stdout=io.StringIO())
    assert visits_today(site) == 200
    assert views(home_vi) == 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flushes_racing_with_visitors_lose_and_repeat_nothing(redis_client, site, home_vi):
    def flush():
        call_command("flush_visits", stdout=io.StringIO())

    jobs = []
    for n in range(100):
        jobs.append(lambda n=n: visit(Client(), "/vi/", ip=distinct_address(n)))
        if n % 10 == 0:
            jobs.append(flush)
    concurrently(jobs, threads=10)
    flush()
    assert visits_today(site) == 100
    assert views(home_vi) == 100

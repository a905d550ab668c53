"""Issue 9: the courier (visits/courier.py) carries a server process's sightings to the buffer in
one write a moment, and hands all of them over before the process exits."""

import logging
import os
import time

import pytest
from django.utils import timezone

from tests.servers import flush_visits, gunicorns, request, server_env
from tests.visits_support import distinct_address, views, visit, visits_today
from visits import buffer, courier
from visits.counting import local_today
from visits.sightings import Seen


@pytest.fixture
def couriers(settings, tmp_path, monkeypatch):
    """A courier of the test's own, to the spool buffer, and the batches it writes there."""
    settings.VISITS_BUFFER = "spool"
    settings.VISITS_SPOOL_DIR = tmp_path / "spool"
    settings.VISITS_HAND_OVER_SECONDS = 0.5
    monkeypatch.setattr(courier, "_courier", None)
    batches = []
    add = buffer.add

    def add_and_note(*seen):
        add(*seen)
        batches.append(len(seen))

    monkeypatch.setattr(buffer, "add", add_and_note)
    # The test's thread flushes; the courier's would need the test's database transaction.
    monkeypatch.setattr(buffer, "flush_when_due", lambda: None)
    yield batches
    courier._exit()


def wait_for(condition, seconds=10):
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def test_the_sightings_of_a_moment_are_written_to_the_buffer_in_one_go(couriers, client, site, home_vi):
    for n in range(5):
        assert visit(client, home_vi.url, ip=distinct_address(n)).status_code == 200
    # Five requests take the test client less than the courier's half second, unless the machine
    # is very busy: then two writes.
    assert wait_for(lambda: sum(couriers) == 5)
    assert len(couriers) < 5
    buffer.flush(everything=True)
    assert visits_today(site) == 5 and views(home_vi) == 5


def test_one_round_of_the_courier_writes_everything_waiting_in_one_write(couriers, monkeypatch, site, home_vi):
    courier_of_its_own = courier.Courier()
    for n in range(7):
        courier_of_its_own.waiting.append(
            Seen(timezone.now(), site.pk, local_today(), f"visitor-{n}", str(home_vi.translation_key))
        )
    flushes = []
    monkeypatch.setattr(buffer, "flush_when_due", lambda: flushes.append(True))
    courier_of_its_own.carry()
    assert couriers == [7] and not courier_of_its_own.waiting
    assert flushes == [True]


def test_exiting_hands_everything_over_at_once(couriers, client, settings, monkeypatch, site, home_vi):
    settings.VISITS_HAND_OVER_SECONDS = 600
    flushes = []
    monkeypatch.setattr(buffer, "flush_when_due", lambda: flushes.append(True))
    for n in range(3):
        visit(client, home_vi.url, ip=distinct_address(n))
    thread = courier._courier.thread
    assert couriers == []
    courier._exit()
    assert couriers == [3] and not thread.is_alive()
    assert not flushes  # a flush could outlast the process's last moments: the next one's
    buffer.flush(everything=True)
    assert visits_today(site) == 3


def test_the_courier_goes_on_after_a_failure_and_says_what_it_lost(
    couriers, client, monkeypatch, site, home_vi, caplog
):
    add = buffer.add

    def fail_once(*seen):
        monkeypatch.setattr(buffer, "add", add)
        raise RuntimeError("the database is gone too")

    monkeypatch.setattr(buffer, "add", fail_once)
    with caplog.at_level(logging.ERROR, logger="visits.courier"):
        visit(client, home_vi.url, ip=distinct_address(1))
        assert wait_for(lambda: "1 sightings of visitors lost" in caplog.text)
    visit(client, home_vi.url, ip=distinct_address(2))
    assert wait_for(lambda: couriers == [1])
    buffer.flush(everything=True)
    assert visits_today(site) == 1


def test_a_forked_process_leaves_the_parents_sightings_to_the_parent(couriers, client, settings, site, home_vi):
    settings.VISITS_HAND_OVER_SECONDS = 600
    visit(client, home_vi.url, ip=distinct_address(1))
    pid = os.fork()
    if pid == 0:
        os._exit(0 if courier._courier is None else 1)
    assert os.waitpid(pid, 0)[1] == 0
    assert len(courier._courier.waiting) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_stopped_server_hands_over_its_last_sightings(site, home_vi, tmp_path):
    """A gunicorn worker stopped before its courier's moment has passed writes what it holds."""
    env = server_env(tmp_path, REDIS_URL="", VISITS_HAND_OVER_SECONDS="600", VISITS_FLUSHER_SECONDS="0")
    with gunicorns(env, 1, tmp_path) as [base]:
        for n in range(6):
            assert request(base + "/vi/", distinct_address(n))[0] == 200
    flush_visits(env, "--all")
    assert visits_today(site) == 6 and views(home_vi) == 6

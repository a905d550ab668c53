"""Issue 5 and 9: the spool buffer of the visit counters (VISITS_BUFFER = "spool", the default on
one machine without Redis) loses and repeats nothing."""

import fcntl
import io
import logging
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

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
from visits import buffer
from visits.counting import local_today
from visits.models import AppliedBatch, DailyCount, Sighting
from visits.sightings import Seen

LATER = timedelta(seconds=buffer.GRACE + buffer.BUCKET)


@pytest.fixture
def spool(settings, tmp_path):
    settings.VISITS_BUFFER = "spool"
    settings.VISITS_SPOOL_DIR = tmp_path / "spool"
    return settings.VISITS_SPOOL_DIR


def spooled(directory):
    """The sightings waiting in the spool files."""
    return sum(len(path.read_text().splitlines()) for path in directory.glob("*.spool"))


def test_counts_wait_in_spool_files_until_no_process_can_still_write_them(spool, site, home_vi):
    start = datetime.now().astimezone()
    with time_machine.travel(start, tick=False):
        add_visits(site, 37, str(home_vi.translation_key))
        assert spooled(spool) == 37 and not DailyCount.objects.exists()
        assert buffer.flush() == 0  # the file may still be written to: left for later
    with time_machine.travel(start + LATER, tick=False):
        assert buffer.flush() == 1
        assert visits_today(site) == 37 and views(home_vi) == 37
        assert spooled(spool) == 0
        assert buffer.flush() == 0  # nothing left: a second flush adds nothing
    assert visits_today(site) == 37 and views(home_vi) == 37


def test_flush_visits_all_takes_the_files_being_written_once_the_servers_stopped(spool, site):
    # Within one spool file's ten seconds, which a slow run could otherwise cross (two files).
    with time_machine.travel(datetime.now().astimezone(), tick=False):
        add_visits(site, 4)
    out = io.StringIO()
    call_command("flush_visits", "--all", stdout=out)
    assert "Flushed 1 batch(es)" in out.getvalue()
    assert visits_today(site) == 4
    add_visits(site, 2)  # a process still holding the taken file writes to a new one
    call_command("flush_visits", "--all", stdout=io.StringIO())
    assert visits_today(site) == 6


def test_a_flush_failing_in_the_database_is_applied_exactly_once_later(spool, site, home_vi, monkeypatch):
    add_visits(site, 8, str(home_vi.translation_key))
    calls = fail_on_the_second_counter(monkeypatch)
    with pytest.raises(RuntimeError):
        buffer.flush(everything=True)
    monkeypatch.undo()
    assert len(calls) == 2  # the first counter was written, then rolled back
    assert not DailyCount.objects.exists() and not AppliedBatch.objects.exists() and not Sighting.objects.exists()
    assert spooled(spool) == 8

    buffer.flush(everything=True)
    buffer.flush(everything=True)
    assert visits_today(site) == 8 and views(home_vi) == 8


def test_a_flush_interrupted_after_its_commit_does_not_count_twice(spool, site, monkeypatch):
    add_visits(site, 6)

    def disk_gone(self, *args, **kwargs):
        raise OSError("the disk went away")

    monkeypatch.setattr(Path, "unlink", disk_gone)
    with pytest.raises(OSError):
        buffer.flush(everything=True)
    monkeypatch.undo()
    assert visits_today(site) == 6  # committed, but the file is still there
    assert spooled(spool) == 6

    assert buffer.flush(everything=True) == 1
    assert visits_today(site) == 6
    assert spooled(spool) == 0


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_rest_counted(spool, site, caplog):
    add_visits(site, 3)
    (path,) = spool.glob("*.spool")
    whole = Seen(timezone.now(), site.pk, local_today(), "a-new-visitor", "the-page-key").line() + "\n"
    with path.open("a") as file:
        file.write(whole[:-4])  # killed here, in the page's key: what is left still reads as a line
    with caplog.at_level(logging.WARNING, logger="visits.buffer"):
        buffer.flush(everything=True)
    assert visits_today(site) == 3
    assert "incomplete line" in caplog.text


def test_only_one_process_flushes_at_a_time(spool, site):
    add_visits(site, 3)
    with open(spool / "flush.lock", "a") as other:
        fcntl.flock(other, fcntl.LOCK_EX)  # another process is flushing
        out = io.StringIO()
        call_command("flush_visits", "--all", stdout=out)
        assert "Another process is flushing" in out.getvalue()
        assert not DailyCount.objects.exists()
    call_command("flush_visits", "--all", stdout=io.StringIO())
    assert visits_today(site) == 3


def test_requests_flush_what_no_process_writes_any_more_once_a_minute(spool, client, site):
    start = datetime.now().astimezone()
    with time_machine.travel(start, tick=False):
        visit(client, ip="203.0.113.1")  # no flush ever: this one flushes, but its file is fresh
        visit(client, ip="203.0.113.2")
        assert visits_today(site) == 0 and spooled(spool) == 2
    with time_machine.travel(start + LATER, tick=False):
        visit(client, ip="203.0.113.3")  # a minute after the last flush
        assert visits_today(site) == 2
        visit(client, ip="203.0.113.4")  # within the minute: no flush
        assert visits_today(site) == 2 and spooled(spool) == 2


def test_a_request_flushes_two_spool_files_at_most_and_the_next_request_the_rest(spool, client, site):
    start = datetime.now().astimezone()
    for bucket in range(3):  # three files, ten seconds apart
        with time_machine.travel(start + timedelta(seconds=bucket * buffer.BUCKET), tick=False):
            add_visits(site, 1)
    assert len(list(spool.glob("*.spool"))) == 3
    with time_machine.travel(start + LATER + timedelta(seconds=2 * buffer.BUCKET), tick=False):
        visit(client, ip="203.0.113.1")
        assert visits_today(site) == 2
        visit(client, ip="203.0.113.2")  # the flush is due again at once
        assert visits_today(site) == 3
        visit(client, ip="203.0.113.3")  # nothing was left: not due for a minute
        assert visits_today(site) == 3


def test_within_the_minute_after_a_flush_requests_do_not_look_at_the_flush_time(spool, client, site, monkeypatch):
    visit(client, ip="203.0.113.1")  # no flush ever: this one flushes
    looked = []
    stat = Path.stat

    def watched_stat(path, *args, **kwargs):
        if path.name == "flushed":
            looked.append(path)
        return stat(path, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", watched_stat)
    for n in range(5):
        visit(client, ip=f"203.0.113.{n + 2}")
    assert looked == [] and spooled(spool) == 6


def test_while_another_process_flushes_requests_ask_again_a_minute_later(spool, client, site, monkeypatch):
    spool.mkdir(parents=True)
    tries = []
    flush = buffer.flush
    monkeypatch.setattr(buffer, "flush", lambda **options: tries.append(options) or flush(**options))
    with open(spool / "flush.lock", "a") as other:
        fcntl.flock(other, fcntl.LOCK_EX)  # the flusher, at work for long
        for n in range(3):
            visit(client, ip=f"203.0.113.{n + 1}")
        assert len(tries) == 1
    with time_machine.travel(timedelta(seconds=buffer.FLUSH_INTERVAL)):
        visit(client, ip="203.0.113.9")
    assert len(tries) == 2


def test_a_process_keeps_three_spool_files_open_at_most(spool, site):
    def open_spool_files():
        folder = str(spool.resolve())
        return [fd for fd in Path("/proc/self/fd").iterdir() if str(fd.resolve()).startswith(folder)]

    start = datetime.now().astimezone()
    for bucket in range(6):  # a minute: a new file every ten seconds
        with time_machine.travel(start + timedelta(seconds=bucket * (buffer.BUCKET + 1)), tick=False):
            add_visits(site, 1)
            assert len(open_spool_files()) <= 3  # the one it writes, and two it may still be writing
    call_command("flush_visits", "--all", stdout=io.StringIO())
    assert visits_today(site) == 6


def test_counts_go_to_the_database_when_the_spool_cannot_be_written(spool, client, site):
    spool.parent.mkdir(exist_ok=True)
    spool.write_text("a file where the folder should be")
    assert visit(client).status_code == 200
    assert visits_today(site) == 1


def test_nothing_of_the_visitor_reaches_the_spool(spool, client, site):
    address, user_agent = "198.51.100.78", BROWSER + " PrivacyProbe/1.0"
    visit(client, ip=address, user_agent=user_agent)
    content = "".join(path.read_text() for path in spool.iterdir() if path.is_file())
    assert content and address not in content and "PrivacyProbe" not in content


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_200_visitors_at_once_through_the_spool_make_exactly_200_visits(spool, site, home_vi):
    concurrently(distinct_visitors_view("/vi/", 200))
    call_command("flush_visits", "--all", stdout=io.StringIO())
    assert visits_today(site) == 200
    assert views(home_vi) == 200


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_flushes_racing_with_visitors_over_minutes_lose_and_repeat_nothing(spool, site, home_vi):
    """Visitors and flushes at once while the clock moves on by a bucket at each flush."""
    clock = time_machine.travel(datetime.now().astimezone(), tick=True)
    traveller = clock.start()

    def flush():
        traveller.shift(timedelta(seconds=buffer.BUCKET))
        call_command("flush_visits", stdout=io.StringIO())

    jobs = []
    for n in range(100):
        jobs.append(lambda n=n: visit(Client(), "/vi/", ip=distinct_address(n)))
        if n % 10 == 0:
            jobs.append(flush)
    try:
        concurrently(jobs, threads=10)
    finally:
        clock.stop()
    call_command("flush_visits", "--all", stdout=io.StringIO())
    assert visits_today(site) == 100
    assert views(home_vi) == 100

"""Issue 9: under gunicorn, a process that the master forks flushes the visit counters, at a lower
CPU priority than the workers (visits/flusher.py), and stops with the server."""

import time
from pathlib import Path

import pytest

from tests.conftest import REDIS_URL
from tests.servers import gunicorns, request, server_env
from tests.visits_support import distinct_address, views, visits_today
from visits.flusher import NICENESS

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def processes_of(port):
    """{pid: (parent pid, niceness)} of the gunicorn processes serving `port`."""
    found = {}
    for folder in Path("/proc").iterdir():
        try:
            if f"GUNICORN_BIND=127.0.0.1:{port}".encode() not in (folder / "environ").read_bytes().split(b"\0"):
                continue
            fields = (folder / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, ValueError):
            continue  # not a process, or gone, or not ours to read
        found[int(folder.name)] = (int(fields[1]), int(fields[16]))
    return found


def test_gunicorn_flushes_the_visit_counts_in_a_process_of_its_own_at_a_lower_priority(
    site, home_vi, tmp_path, redis_prefix
):
    client, prefix = redis_prefix
    # The requests find a flush made a moment ago, all along: only the flusher flushes.
    client.set(f"{{{prefix}:visits}}:recent-flush", 1, ex=600)
    env = server_env(
        tmp_path, REDIS_URL=REDIS_URL, VISITS_BUFFER="redis", CACHE_KEY_PREFIX=prefix, VISITS_FLUSHER_SECONDS="1"
    )
    with gunicorns(env, 1, tmp_path) as [base]:
        port = int(base.rsplit(":", 1)[1])
        # The first worker answers before the master has forked the others: wait for them.
        deadline = time.monotonic() + 20
        while True:
            processes = processes_of(port)
            (master,) = [pid for pid, (parent, _nice) in processes.items() if parent not in processes]
            children = {pid: nice for pid, (parent, nice) in processes.items() if parent == master}
            if len(children) >= 3 or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert sorted(children.values()) == [0, 0, NICENESS]  # two workers and the flusher

        for n in range(6):
            assert request(base + "/vi/", distinct_address(n))[0] == 200
        deadline = time.monotonic() + 20
        while visits_today(site) < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert visits_today(site) == 6 and views(home_vi) == 6
    assert processes_of(port) == {}  # the flusher stopped with the server

"""The courier: a thread of each server process that carries its visitors' sightings to the buffer.

A counted request only leaves its sighting here (`hand_over`). The courier waits
VISITS_HAND_OVER_SECONDS after the first one, then writes all those left meanwhile to the buffer
at once (buffer.add: one RPUSH, or one write to the spool file) and flushes when a flush is due.
Under `make bench`'s load, each request writing its own sighting added 25% (Redis) and 6% (spool)
to the median time of a page served from the cache: it waited for Redis's answer, then for
Python's lock, which the worker's other threads held meanwhile. Through the courier: 5%.

A process that exits normally (a gunicorn worker stopped, or restarted after its requests) hands
everything over first (atexit); one killed outright loses its last moments' sightings, at most
VISITS_HAND_OVER_SECONDS of them. A forked process starts a courier of its own.
"""

import atexit
import collections
import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections

from . import buffer

logger = logging.getLogger(__name__)

# How long exiting waits for the last hand-over (Redis unreachable: its socket timeout).
EXIT_TIMEOUT = 10


class Courier:
    def __init__(self):
        self.waiting = collections.deque()
        self.arrived = threading.Event()
        self.exiting = threading.Event()
        self.thread = threading.Thread(target=self.run, name="visits-courier", daemon=True)

    def run(self):
        while not (self.exiting.is_set() and not self.waiting):
            self.arrived.wait()
            self.exiting.wait(settings.VISITS_HAND_OVER_SECONDS)
            self.arrived.clear()
            self.carry()

    def carry(self):
        seen = [self.waiting.popleft() for _n in range(len(self.waiting))]
        # As around a request: a connection the database closed meanwhile is not used again.
        close_old_connections()
        try:
            if seen:
                buffer.add(*seen)
            buffer.flush_when_due()
        except Exception:
            # The buffer applies what it cannot take in the database; this is when that failed too.
            logger.exception("Lost %d sightings of visitors", len(seen))
        finally:
            close_old_connections()


_courier = None
_starting = threading.Lock()


def hand_over(seen):
    """Leave a sighting for the courier (started with the process's first)."""
    courier = _courier or _start()
    courier.waiting.append(seen)
    if not courier.arrived.is_set():
        courier.arrived.set()


def _start():
    global _courier
    with _starting:
        if _courier is None:
            courier = Courier()
            courier.thread.start()
            _courier = courier
    return _courier


@atexit.register
def _exit():
    """Hand everything over now and wait for it (or EXIT_TIMEOUT)."""
    if _courier is not None:
        _courier.exiting.set()
        _courier.arrived.set()
        _courier.thread.join(EXIT_TIMEOUT)


def _forked():
    # The parent's courier and what waits for it stay the parent's; its lock may have been held.
    global _courier, _starting
    _courier, _starting = None, threading.Lock()


os.register_at_fork(after_in_child=_forked)

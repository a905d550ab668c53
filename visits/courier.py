"""The courier: a thread of each server process that carries its visitors' sightings to the buffer.

A counted request only leaves its sighting here (`hand_over`). The courier waits
VISITS_HAND_OVER_SECONDS after the first one, then writes all those left meanwhile to the buffer
at once (buffer.add: one RPUSH, or one write to the spool file) and flushes when a flush is due.
Under `make bench`'s load, each request writing its own sighting added 21–25% (Redis) and 6–13%
(spool) to the median time of a page served from the cache: it waited for Redis's answer, then for
Python's lock, which the worker's other threads held meanwhile. Through the courier: 4–7% and 1–7%.

A process that exits normally (a gunicorn worker stopped, or restarted after its requests) hands
everything over first (atexit); one killed outright loses its last moments' sightings: a tenth of
a second's, or more while the courier waits for a slow Redis or flushes (when the flusher has not
for a minute). A forked process starts a courier of its own. With the database fallback, the
courier holds a database connection of its own: a worker's threads, and one.
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
        """Write down what waits, and flush when a flush is due (not while exiting: a flush may
        take longer than the process has left)."""
        seen = [self.waiting.popleft() for _n in range(len(self.waiting))]
        try:
            # As around a request: a connection the database closed meanwhile is not used again.
            close_old_connections()
            if seen:
                buffer.add(*seen)
                seen = []
            if not self.exiting.is_set():
                buffer.flush_when_due()
            close_old_connections()
        except Exception:
            # buffer.add applies in the database what the buffer cannot take; this is when that
            # failed too. The courier goes on with the next sightings.
            logger.exception("The courier failed: %d sightings of visitors lost", len(seen))


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

"""The flusher: a process of its own, forked by gunicorn's master (gunicorn.conf.py), that applies
the buffered sightings every VISITS_FLUSHER_SECONDS at a lower CPU priority than the workers.

Counting then costs a page only the writing down of its sighting. On a busy machine the flusher
waits for the idle moments, and the counts lag behind and catch up, rather than the pages waiting
for the flush. The workers' couriers (courier.py) still flush when a minute has passed without a
flush (buffer.py): under another server, or when this process is gone.
"""

import logging
import os
import signal
import time

from django.conf import settings
from django.db import connections

from . import buffer

logger = logging.getLogger(__name__)

NICENESS = 10
# gunicorn's master handles these by waking its own loop; in the flusher they do what they do by
# default, and SIGTERM or SIGINT stops it once its flush is done.
MASTER_SIGNALS = ("SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGTTIN", "SIGTTOU", "SIGWINCH", "SIGCHLD")


def start():
    """Fork the flusher; its process id, or None when there is no buffer or it is turned off."""
    if not (settings.VISITS_FLUSHER_SECONDS and buffer.enabled()):
        return None
    # Neither the flusher nor the workers forked later may share the master's connections.
    connections.close_all()
    pid = os.fork()
    if pid:
        return pid
    status = 0
    try:
        _run(os.getppid())
    except BaseException:
        logger.exception("The visit counts' flusher stopped")
        status = 1
    finally:
        os._exit(status)


def _run(master):
    stopping = []
    for name in MASTER_SIGNALS:
        signal.signal(getattr(signal, name), signal.SIG_DFL)
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *args: stopping.append(True))
    os.nice(NICENESS)
    next_flush = time.monotonic()
    while not stopping and os.getppid() == master:
        if time.monotonic() >= next_flush:
            try:
                buffer.flush()
            except Exception:
                logger.exception("Could not flush the visit counts")
            finally:
                connections.close_all()
            next_flush = time.monotonic() + settings.VISITS_FLUSHER_SECONDS
        time.sleep(1)


def stop(pid, timeout=30):
    """Have the flusher stop once its flush is done, and wait for it (at most `timeout` seconds)."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
            time.sleep(0.1)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass  # gone already (gunicorn's master reaps the children it does not know too)

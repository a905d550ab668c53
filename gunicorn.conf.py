"""gunicorn settings for the portal; every value can be overridden from the environment."""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads serve concurrent readers cheaply: page rendering waits on the database and the cache
# more than it computes; processes use every core despite Python's global lock.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that slow leaks cannot grow without bound: rarely, and each at a
# moment of its own. Workers started together serve alike, and a jitter of a tenth let them all
# restart within a second or two of each other: under a surge of readers (5,000 requests each at
# 3,000 requests/s) the server then stalled every few seconds (`make bench`).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "10000"))
# Load the application once, before forking: faster start, shared memory.
preload_app = True
# The workers' heartbeat files in memory rather than on a disk that may stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# An empty GUNICORN_ACCESS_LOG turns the access log off (the proxy in front keeps one).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# Headers longer than this are refused with 400 before they reach Django.
limit_request_field_size = 8190
limit_request_line = 4094
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The control socket (gunicornc) only where asked for: its default path is one per user, which
# several instances on one machine would share.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket


def when_ready(server):
    # Before the first worker is forked; the workers inherit what it loads (ops/warmup.py).
    from ops.warmup import warm_up

    warm_up()
    # What the master holds now lives as long as the workers: out of the garbage collector's
    # sight, the workers' full collections no longer go through the ~185,000 objects of Django and
    # Wagtail (a pause of ~0.1 s every few thousand requests), nor mark the memory pages they share
    # with the master as changed (reference counts still do, less often).
    gc.freeze()
    # The visit counts are flushed by a process of their own, at a lower CPU priority than the
    # workers (visits/flusher.py). The application is loaded already (preload_app).
    from visits import flusher

    server.visits_flusher = flusher.start()


def on_exit(server):
    if getattr(server, "visits_flusher", None):
        from visits import flusher

        flusher.stop(server.visits_flusher)

"""A small HTTP/1.1 load generator, for machines without wrk: `connections` keep-alive
connections send one request after another for `duration` seconds; every request comes from
another visitor (its own X-Forwarded-For address, made of --run and a counter), and one in
RECONNECT_EVERY closes its connection, like bench/wrk.lua. Prints the same JSON line.

    python bench/loadgen.py http://127.0.0.1:8000/vi/ --connections 16 --duration 10 \
        [--method POST] [--header "Name: value"]... [--body "a=1"]
"""

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit

RECONNECT_EVERY = 25


class Stats:
    def __init__(self):
        self.latencies = []
        self.bad_status = 0
        self.socket_errors = 0


def build_request(method, target, host, headers, body, run, visitor):
    lines = [f"{method} {target} HTTP/1.1", f"X-Forwarded-For: 2001:db8:{run:x}::{visitor:x}"]
    # A second Host header makes the request invalid (400).
    if not any(name.lower() == "host" for name, _value in headers):
        lines.append(f"Host: {host}")
    lines += [f"{name}: {value}" for name, value in headers]
    payload = body.encode()
    if payload or method == "POST":
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


async def read_response(reader):
    """Read one response; return (status, keep_alive)."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed")
    version, status = status_line.split()[:2]
    status = int(status)
    length, chunked, keep_alive = 0, False, version == b"HTTP/1.1"
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection":
            keep_alive = value == "keep-alive" or (keep_alive and value != "close")
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, keep_alive


async def connection(url, args, stats, counter, deadline):
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    headers = [tuple(part.strip() for part in header.split(":", 1)) for header in args.header]
    reader = writer = None
    while time.monotonic() < deadline:
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
            counter[0] += 1
            closing = [("Connection", "close")] if counter[0] % RECONNECT_EVERY == 0 else []
            request = build_request(
                args.method, target, parts.netloc, headers + closing, args.body, args.run, counter[0]
            )
            started = time.perf_counter()
            writer.write(request)
            status, keep_alive = await read_response(reader)
            stats.latencies.append(time.perf_counter() - started)
            if not 200 <= status < 400:
                stats.bad_status += 1
            if closing or not keep_alive:
                writer.close()
                writer = None
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            stats.socket_errors += 1
            if writer is not None:
                writer.close()
            writer = None
    if writer is not None:
        writer.close()


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


async def run(args):
    stats, counter = Stats(), [0]
    started = time.monotonic()
    deadline = started + args.duration
    await asyncio.gather(*(connection(args.url, args, stats, counter, deadline) for _ in range(args.connections)))
    seconds = time.monotonic() - started
    return {
        "requests": len(stats.latencies),
        "seconds": round(seconds, 3),
        "p50_ms": round(percentile(stats.latencies, 0.50) * 1000, 3),
        "p99_ms": round(percentile(stats.latencies, 0.99) * 1000, 3),
        "bad_status": stats.bad_status,
        "socket_errors": stats.socket_errors,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--body", default="")
    parser.add_argument("--run", type=int, default=0, help="makes the addresses differ from another run's")
    print("JSON " + json.dumps(asyncio.run(run(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()

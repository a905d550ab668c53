"""bench/loadgen.py, the load generator `make bench` uses where wrk is missing, sends requests a
server accepts: with the headers it is given (a Host among them) and each from another visitor."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings

from bench.loadgen import RECONNECT_EVERY
from bench.run import csrf_credentials, last_json


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []
    closing = []

    def do_GET(self):
        self.seen.append((self.headers.get_all("Host"), self.headers["X-Forwarded-For"], self.headers["Accept"]))
        self.closing.append(self.headers["Connection"] == "close")
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def test_loadgen_sends_each_request_once_with_the_given_headers_from_a_new_visitor():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    try:
        result = subprocess.run(
            [
                sys.executable,
                str(settings.BASE_DIR / "bench" / "loadgen.py"),
                f"http://127.0.0.1:{port}/vi/",
                "--connections=2",
                "--duration=1",
                f"--header=Host: 127.0.0.1:{port}",
                "--header=Accept: text/html",
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.shutdown()
        server.server_close()
    figures = last_json(result.stdout)
    assert figures["requests"] > 0 and figures["bad_status"] == 0 and figures["socket_errors"] == 0
    assert len(Recorder.seen) == figures["requests"]
    assert {(tuple(hosts), accept) for hosts, _visitor, accept in Recorder.seen} == {
        ((f"127.0.0.1:{port}",), "text/html")
    }
    assert len({visitor for _hosts, visitor, _accept in Recorder.seen}) == len(Recorder.seen)
    # One request in RECONNECT_EVERY closes its connection, which the next opens again.
    assert sum(Recorder.closing) == len(Recorder.seen) // RECONNECT_EVERY > 0


class TokenServer(BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"token": "t0ken"}'
        self.send_response(200)
        self.send_header("Set-Cookie", "csrftoken=abc; Path=/; SameSite=Lax")
        self.send_header("Set-Cookie", "feedback_voter=v1:sig; Path=/; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_benchmarks_votes_carry_the_csrf_cookie_and_no_voter_id():
    """With the voter id poll.js's token request sets, every vote of the run would be one voter's,
    and refused as a second vote."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), TokenServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert csrf_credentials(f"http://127.0.0.1:{server.server_address[1]}", "/vi/binh-chon/csrf/") == (
            "t0ken",
            "csrftoken=abc",
        )
    finally:
        server.shutdown()
        server.server_close()

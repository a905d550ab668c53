"""bench/loadgen.py, the load generator `make bench` uses where wrk is missing, sends requests a
server accepts: with the headers it is given (a Host among them) and each from another visitor."""

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings

from bench.loadgen import RECONNECT_EVERY
from bench.run import last_json


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

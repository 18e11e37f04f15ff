"""A real webhook receiver for tests: an HTTP server on 127.0.0.1, in a thread of its own.

It checks each request's signature the way docs/webhooks.md tells receivers to, records
what came, and answers with the status codes a test queues (200 when none is queued).
"""

import hashlib
import hmac
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300


def verify(*, secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    """Check a Tandem-Signature header as a receiver should (the snippet in the docs)."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return hmac.compare_digest(expected.hexdigest(), fields.get("v1", ""))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)
        return event


class Receiver:
    """Record signed deliveries; answer with queued status codes, after an optional delay."""

    def __init__(self) -> None:
        self.secret = ""
        self.requests: list[Received] = []
        self.answers: deque[int] = deque()
        self.delay = 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append(
                    Received(
                        path=self.path,
                        headers=dict(self.headers.items()),
                        body=body,
                        verified=verify(
                            secret=receiver.secret,
                            header=self.headers.get("Tandem-Signature", ""),
                            body=body,
                        ),
                    )
                )
                if receiver.delay:
                    time.sleep(receiver.delay)
                status = receiver.answers.popleft() if receiver.answers else 200
                answer = json.dumps({"received": True, "status": status}).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up waiting

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/tandem"

    def start(self) -> "Receiver":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [r.event for r in self.requests if kind is None or r.event["type"] == kind]

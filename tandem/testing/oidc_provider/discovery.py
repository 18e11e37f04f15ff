"""A localhost server that answers discovery requests as the test tells it to."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class DiscoveryServer:
    """What the server answers: a status and a body, or no answer at all when `hang` is set."""

    base_url: str
    status: int = 200
    body: Any = None
    hang: threading.Event | None = None
    requests: list[str] = field(default_factory=list)

    def document(self, issuer: str) -> dict[str, Any]:
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize/",
            "token_endpoint": f"{issuer}/token/",
            "userinfo_endpoint": f"{issuer}/userinfo/",
            "jwks_uri": f"{issuer}/jwks.json",
        }


@contextmanager
def discovery_server() -> Iterator[DiscoveryServer]:
    """Serve until the block ends; the test sets what the next answers say."""
    state: dict[str, DiscoveryServer] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server = state["server"]
            server.requests.append(self.path)
            if server.hang is not None:
                server.hang.wait(30)
                return
            body = server.body
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(server.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    server = DiscoveryServer(base_url=f"http://127.0.0.1:{httpd.server_address[1]}")
    state["server"] = server
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        if server.hang is not None:
            server.hang.set()
        httpd.shutdown()
        httpd.server_close()

"""The server calls an organization's provider at public addresses only, and follows no redirect."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import requests

from tandem.accounts.social import OrganizationSignOnAdapter


class _Provider(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "http://10.0.0.1/token")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def local_provider() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_sign_in_calls_refuse_a_local_address_unless_development_allows_it(
    local_provider: str, settings: Any
) -> None:
    session = OrganizationSignOnAdapter().get_requests_session()
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = False
    with pytest.raises(requests.ConnectionError):
        session.get(f"{local_provider}/.well-known/openid-configuration")
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = True
    assert session.get(f"{local_provider}/.well-known/openid-configuration").json() == {}


def test_sign_in_calls_follow_no_redirect(local_provider: str, settings: Any) -> None:
    settings.SIGN_ON_ALLOW_LOOPBACK_HTTP = True
    session = OrganizationSignOnAdapter().get_requests_session()
    with pytest.raises(requests.TooManyRedirects):
        session.get(f"{local_provider}/moved")

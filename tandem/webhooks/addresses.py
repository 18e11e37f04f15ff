"""Where Tandem may send an organization's events: public HTTPS addresses only.

An endpoint is an address an admin typed, which Tandem's server then calls; were any
address allowed, an admin could have the server probe the network it runs in. The address
is checked when it is saved and again before every delivery (a name can resolve elsewhere
later), and the connection itself refuses a peer that is not public (DNS rebinding).
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lifts all of this, for tests and local development.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings

from tandem.accounts.public_http import public_session, refused_address
from tandem.core.errors import DomainError


class AddressRefused(DomainError):
    """The address is not one Tandem may send to; trying again will not change that."""


def host_addresses(host: str, port: int) -> set[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """Return every address a host name resolves to."""
    found = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return {ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in found}


def url_check(url: str) -> None:
    """Refuse an endpoint address that is not HTTPS, or not on the public internet."""
    private_allowed = settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise AddressRefused("Enter a valid URL.", field="url") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise AddressRefused("Enter a full URL that starts with https://.", field="url")
    if parts.scheme != "https" and not private_allowed:
        raise AddressRefused("The URL must start with https://.", field="url")
    if parts.username or parts.password:
        raise AddressRefused("The URL must not contain a name or password.", field="url")
    if private_allowed:
        return
    try:
        addresses = host_addresses(parts.hostname, port)
    except (OSError, UnicodeError, ValueError):
        # Not final: a name that does not resolve now may resolve later.
        raise DomainError(f"Tandem could not find {parts.hostname}.", field="url") from None
    if not addresses or any(refused_address(a, allow_loopback=False) for a in addresses):
        raise AddressRefused(
            "The URL must be an address on the public internet, not one on a private or "
            "local network.",
            field="url",
        )


def delivery_session() -> requests.Session:
    """Return a session that follows no redirect and, unless allowed, calls public peers only."""
    if settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES:
        session = requests.Session()
        session.max_redirects = 0
        return session
    return public_session(refuse_loopback=True)


def url_shown(url: str) -> str:
    """Return the address without its query string, which may hold the receiver's own token."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"

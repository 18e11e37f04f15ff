"""Calls Tandem's server makes to addresses an organization admin typed: public ones only.

An organization's sign-on has the server fetch its provider's discovery document, keys and
tokens. Were any address allowed, an admin could have the server probe the network it runs
in; so a connection is refused unless its peer is on the public internet (loopback too
where development allows it), checked on the socket itself, and redirects are not followed.
"""

import ipaddress
import socket
from typing import Any, cast

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError


def refused_address(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_loopback: bool | None = None
) -> bool:
    """Tell whether Tandem's server must not call this address on an admin's word.

    Loopback is allowed where ``allow_loopback`` says so, by default where sign-on's
    development setting does.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        if allow_loopback is None:
            allow_loopback = settings.SIGN_ON_ALLOW_LOOPBACK_HTTP
        return not allow_loopback
    return (
        address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or not address.is_global
    )


class _PublicPeer:
    """Refuse a connection whose peer is not public, checked on the socket itself.

    The name was checked before the request, but it is resolved again to connect and a
    name can answer differently the second time (DNS rebinding): the peer is what counts.
    """

    allow_loopback: bool | None = None

    def _new_conn(self) -> socket.socket:
        sock: socket.socket = super()._new_conn()  # type: ignore[misc]
        peer = str(sock.getpeername()[0]).split("%", 1)[0]
        if refused_address(ipaddress.ip_address(peer), allow_loopback=self.allow_loopback):
            sock.close()
            raise NewConnectionError(
                cast(HTTPConnection, self), "The address is not on the public internet."
            )
        return sock


class _PublicHTTPConnection(_PublicPeer, HTTPConnection):
    pass


class _PublicHTTPSConnection(_PublicPeer, HTTPSConnection):
    pass


class _StrictHTTPConnection(_PublicHTTPConnection):
    allow_loopback = False


class _StrictHTTPSConnection(_PublicHTTPSConnection):
    allow_loopback = False


class _PublicHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _PublicHTTPConnection


class _PublicHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _PublicHTTPSConnection


class _StrictHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _StrictHTTPConnection


class _StrictHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _StrictHTTPSConnection


class _PublicAdapter(HTTPAdapter):
    """Connect only to public addresses (loopback too where development allows it)."""

    def __init__(self, *, strict: bool = False) -> None:
        self.strict = strict
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _StrictHTTPConnectionPool if self.strict else _PublicHTTPConnectionPool,
            "https": _StrictHTTPSConnectionPool if self.strict else _PublicHTTPSConnectionPool,
        }


def public_session(*, refuse_loopback: bool = False) -> requests.Session:
    """Return a session that connects only to public addresses and follows no redirect.

    Loopback is allowed where sign-on's development setting allows it, unless
    ``refuse_loopback`` says otherwise (webhooks have their own setting).
    """
    session = requests.Session()
    session.mount("http://", _PublicAdapter(strict=refuse_loopback))
    session.mount("https://", _PublicAdapter(strict=refuse_loopback))
    # A redirect could lead to an address the checks refuse: it is an error instead.
    session.max_redirects = 0
    return session

"""Project-wide test setup: no network, fast hashing, shared personas."""

import socket

import pytest
from django.core.cache import cache

pytest_plugins = [
    "tandem.testing.fixtures",
    "tandem.testing.browser",
    "tandem.testing.circles",
    "tandem.testing.coaching",
]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Refuse connections anywhere but the local database and the browser-test server."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else address
        if (
            isinstance(host, str)
            and host not in {"127.0.0.1", "localhost", "::1"}
            and not host.startswith("/")
        ):
            raise RuntimeError(f"Tests must not use the network (tried {address!r}).")
        return real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _fresh_cache(settings: object) -> None:
    """Give each test an empty cache, so that rate-limit counters never carry over."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}  # type: ignore[attr-defined]
    cache.clear()
    # Nor mentors' profiles kept in memory: ids come back after a rollback on SQLite.
    from tandem.matching.recommend import mentor_profiles

    mentor_profiles.clear()


@pytest.fixture(autouse=True)
def _second_factor_optional(settings: object) -> None:
    # Most tests sign admins in with force_login and are about something else; the tests
    # of the second-factor rule (tandem/accounts/tests/test_mfa.py) turn it back on.
    settings.MFA_REQUIRED_FOR_ADMINS = False  # type: ignore[attr-defined]

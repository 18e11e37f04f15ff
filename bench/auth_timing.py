"""Time sign-up, password reset and sign-in for taken and unknown addresses.

Run from the repository root:

    .venv/bin/python -m bench.auth_timing            # about a minute
    .venv/bin/python -m bench.auth_timing --repeat 41

Each request goes through Django's test client with the production password hasher, in a
throwaway database, rate limits off (they would stop the repeats). A ratio near 1.0 means
the time of the answer does not tell whether an account exists; the old hand-written
flows measured 7 vs 241 ms (sign-up) and 156 vs 4 ms (reset).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable


def _median_ms(fn: Callable[[int], object], repeat: int) -> float:
    times = []
    for n in range(repeat):
        start = time.perf_counter()
        fn(n)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        override_settings,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    from tandem.accounts.models import Organization
    from tandem.accounts.services import user_create

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False, serialized_aliases=[])
    quiet = override_settings(
        DEBUG=False,
        ACCOUNT_RATE_LIMITS=False,
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    )
    quiet.enable()
    try:
        Organization.objects.create(name="Bench", slug="bench", email_domains=["bench.test"])
        taken = "taken@bench.test"
        user_create(email=taken, full_name="Taken Person", password="a long bench password")

        def sign_up(email_of: Callable[[int], str]) -> Callable[[int], object]:
            return lambda n: Client().post(
                "/accounts/signup/",
                {"full_name": "Bench Person", "email": email_of(n), "password1": "bench pass 42"},
            )

        def reset(email_of: Callable[[int], str]) -> Callable[[int], object]:
            return lambda n: Client().post("/accounts/password/reset/", {"email": email_of(n)})

        def sign_in(email_of: Callable[[int], str]) -> Callable[[int], object]:
            return lambda n: Client().post(
                "/accounts/login/", {"login": email_of(n), "password": "wrong password"}
            )

        rows = [
            ("sign-up", sign_up(lambda n: taken), sign_up(lambda n: f"new{n}@bench.test")),
            ("password reset", reset(lambda n: taken), reset(lambda n: f"nobody{n}@bench.test")),
            ("wrong password", sign_in(lambda n: taken), sign_in(lambda n: f"no{n}@bench.test")),
        ]
        print(f"Median of {args.repeat} requests on {connection.vendor}, production hasher")
        print(f"{'flow':<16} {'taken (ms)':>11} {'unknown (ms)':>13} {'ratio':>7}")
        for label, for_taken, for_unknown in rows:
            for_taken(-1), for_unknown(-1)  # warm up imports and templates
            known_ms = _median_ms(for_taken, args.repeat)
            unknown_ms = _median_ms(for_unknown, args.repeat)
            ratio = known_ms / unknown_ms
            print(f"{label:<16} {known_ms:>11.1f} {unknown_ms:>13.1f} {ratio:>7.2f}")
    finally:
        quiet.disable()
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

"""The program manage page and the admin home, timed in-process on a loaded database.

Signs in the demo admin (``admin@harbourview.gov``, or ``--email``) with a session made
here, as ``bench.load`` does (the second factor is asked at sign-in, which a made session
skips), then asks each page ``--repeat`` times with Django's test client, one request at a
time, after one warm request. Prints each page's status, queries, median and p95 time; with
``--explain`` also the database's plan (EXPLAIN ANALYZE) of every query of the last request
that took at least ``--slow`` milliseconds.

The manage page is that of the program the admin runs with the most active people.

Usage, on PostgreSQL with the 100k demo loaded::

    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python manage.py demo_data --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python -m bench.admin_pages [--repeat 10] [--explain]

The session it creates is deleted at the end; nothing else is written.
"""

import argparse
import statistics
import time

from bench.load import _setup_django


def _session_for(user_id: int) -> str:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tandem.accounts.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key or ""


def _explain(sql: str, slow_ms: float, took_ms: float) -> None:
    from django.db import connection

    if took_ms < slow_ms or not sql.lstrip().upper().startswith("SELECT"):
        return
    print(f"\n-- {took_ms:.1f} ms: {sql[:300]}{'…' if len(sql) > 300 else ''}")
    with connection.cursor() as cursor:
        prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN "
        cursor.execute(prefix + sql)
        for row in cursor.fetchall():
            print("   ", " | ".join(str(cell) for cell in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--email", default="admin@harbourview.gov")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--slow", type=float, default=5.0, help="ms; with --explain")
    args = parser.parse_args()
    _setup_django()

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from tandem.accounts.models import User
    from tandem.policy.access import programs_administered_by
    from tandem.programs.models import Enrollment

    call_command("collectstatic", interactive=False, verbosity=0)
    admin = User.objects.get(email=args.email)
    program = (
        programs_administered_by(admin)
        .annotate(n=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE)))
        .order_by("-n", "pk")
        .first()
    )
    if program is None:
        raise SystemExit(f"{args.email} runs no program: load the demo first.")
    pages = [
        ("admin home", reverse("home")),
        (f"program manage ({program.n} people)", reverse("programs:manage", args=[program.pk])),
    ]
    key = _session_for(admin.pk)
    try:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        client.get("/")  # the session's first request saves it; time warm ones
        print(f"{'page':<36} {'status':>6} {'queries':>7} {'median ms':>9} {'p95 ms':>7}")
        for name, url in pages:
            client.get(url)
            times = []
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
            p95 = sorted(times)[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            print(
                f"{name:<36} {response.status_code:>6} {len(queries):>7} "
                f"{statistics.median(times):>9.1f} {p95:>7.1f}"
            )
            if args.explain:
                for query in queries.captured_queries:
                    _explain(query["sql"], args.slow, float(query["time"]) * 1000)
                print()
    finally:
        Session.objects.filter(session_key=key).delete()


if __name__ == "__main__":
    main()

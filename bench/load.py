"""Every page a participant or an admin uses, under concurrent clients, on a loaded database.

Prepares signed-in sessions for people of each kind (mentees and mentors with a
relationship, a program admin of the largest round program with its insights pages, an
organization admin with the organization's health, site staff for the Django admin),
counts each page's database queries in-process, then serves Tandem with gunicorn as a
deployment would (DEBUG off) and sends ``--clients`` locust users at it for ``--seconds``.
Each user walks its own person's pages in a shuffled loop, reading each for about
``--think`` seconds (0: not at all, which measures the server saturated).
Prints one row per page: queries and the time it takes alone (in-process, one request at a
time), then under load: requests, errors, p50, p95, max and bytes, and whether p95 is
within the budget (150 ms).

Usage, on PostgreSQL with the 100k demo loaded::

    createdb load100k
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python manage.py migrate
    DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python manage.py demo_data --people 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python -m bench.load [--clients 16] [--seconds 60] [--workers 5] [--instances 2]

The sessions it creates are deleted at the end; nothing else is written.
"""

import argparse
import csv
import itertools
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 150
SERVER_ENV = {
    "DEBUG": "false",
    "SECURE_SSL_REDIRECT": "false",
    "SECURE_COOKIES": "false",
    "SECURE_HSTS_SECONDS": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}


@dataclass
class Walker:
    kind: str
    user_id: int
    pages: list[tuple[str, str]] = field(default_factory=list)  # (name, url)
    session: str = ""


def _setup_django() -> None:
    os.environ.update(SERVER_ENV)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _largest_round_program() -> Any:
    """The rounds program with the most people ready to match, with a round run for it.

    If it has no round with pairs yet, one is created and run here, in this process
    (minutes at 100k people), and kept for the next run.
    """
    from django.db.models import Count, Q

    from tandem.matching import services
    from tandem.matching.models import MatchingRound
    from tandem.programs.models import Program

    ready = Q(enrollments__profile_completed_at__isnull=False)
    program = (
        Program.objects.exclude(matching_mode=Program.MatchingMode.CHOICE)
        .annotate(n=Count("enrollments", filter=ready))
        .order_by("-n", "pk")
        .first()
    )
    if program is None:
        raise SystemExit("No program that matches in rounds: load the demo first.")
    if not MatchingRound.objects.filter(program=program, pairs__isnull=False).exists():
        print(f"Running a round for {program.name} (once; it is kept)…", flush=True)
        matching_round = services.round_create(
            program=program,
            by=program.admins.order_by("pk")[0],
            name="Load bench",
            solver="optimal",
            participation_first=True,
            weights=services.DEFAULT_WEIGHTS,
            rules={"not_same_department": True, "max_utc_gap_hours": 6},
        )
        from django.db import transaction

        with transaction.atomic():
            services.round_start(matching_round=matching_round)
        matching_round.refresh_from_db()
        print(f"Round {matching_round.status}: {matching_round.pairs.count()} pairs.", flush=True)
    return program


def _participant_pages(relationship: Any, user: Any) -> list[tuple[str, str]]:
    from django.urls import reverse

    program = relationship.program
    pages = [
        ("home", reverse("home")),
        ("program", reverse("programs:detail", args=[program.pk])),
        ("relationships", reverse("relationships:list")),
        ("relationship", reverse("relationships:detail", args=[relationship.pk])),
        ("agreement", reverse("relationships:agreement", args=[relationship.pk])),
        ("journal", reverse("relationships:journal")),
        ("notifications", reverse("notifications:list")),
        ("calendar settings", reverse("relationships:calendar")),
    ]
    if (
        program.matching_mode != program.MatchingMode.ROUNDS
        and relationship.mentee.user_id == user.pk
    ):
        pages.append(("mentor directory", reverse("relationships:directory", args=[program.pk])))
    return pages


def _walkers(per_kind: int) -> list[Walker]:
    from django.db.models import Count
    from django.urls import reverse

    from tandem.accounts.models import Membership, User
    from tandem.matching.models import MatchingRound
    from tandem.programs.models import Enrollment
    from tandem.relationships.models import Relationship

    program = _largest_round_program()
    walkers: list[Walker] = []
    # People in a relationship, in any program of the organization, spread over the list.
    active = (
        Relationship.objects.filter(
            program__organization=program.organization, status=Relationship.Status.ACTIVE
        )
        .select_related("program", "mentee", "mentor")
        .order_by("pk")
    )
    step = max(1, active.count() // max(1, per_kind))
    for relationship in list(active[::step][:per_kind]):
        for kind, enrollment in (("mentee", relationship.mentee), ("mentor", relationship.mentor)):
            user = User.objects.get(pk=enrollment.user_id)
            walkers.append(Walker(kind, user.pk, _participant_pages(relationship, user)))
    # People enrolled in the round program who have no relationship yet: most of them.
    waiting = (
        Enrollment.objects.filter(
            program=program,
            status=Enrollment.Status.ACTIVE,
            profile_completed_at__isnull=False,
        )
        .exclude(user__enrollments__relationships_as_mentee__isnull=False)
        .exclude(user__enrollments__relationships_as_mentor__isnull=False)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    step = max(1, waiting.count() // max(1, per_kind))
    for user_id in list(waiting[::step][:per_kind]):
        pages = [
            ("home", reverse("home")),
            ("program", reverse("programs:detail", args=[program.pk])),
            ("relationships", reverse("relationships:list")),
            ("journal", reverse("relationships:journal")),
            ("notifications", reverse("notifications:list")),
        ]
        walkers.append(Walker("enrolled", user_id, pages))

    admin = program.admins.order_by("pk").first()
    largest_round = (
        MatchingRound.objects.filter(program=program)
        .annotate(n=Count("pairs"))
        .order_by("-n", "-pk")
        .first()
    )
    if admin is not None:
        pages = [
            ("admin home", reverse("home")),
            ("program manage", reverse("programs:manage", args=[program.pk])),
            ("program relationships", reverse("relationships:program", args=[program.pk])),
            ("rounds", reverse("matching:rounds", args=[program.pk])),
            ("program health", reverse("insights:program_health", args=[program.pk])),
            ("fairness", reverse("insights:fairness", args=[program.pk])),
            ("impact", reverse("insights:impact", args=[program.pk])),
            ("stalled", reverse("insights:stalled", args=[program.pk])),
        ]
        if largest_round is not None:
            review = reverse("matching:round", args=[largest_round.pk])
            pages += [
                ("round review", review),
                ("round review, page 100", f"{review}?page=100"),
                ("round review, by name", f"{review}?sort=mentee"),
            ]
        walkers += [Walker("program admin", admin.pk, pages) for _ in range(per_kind)]

    org_admin = (
        Membership.objects.filter(
            organization=program.organization,
            role=Membership.Role.ADMIN,
            status=Membership.Status.ACTIVE,
        )
        .order_by("pk")
        .first()
    )
    if org_admin is not None:
        organization_id = program.organization_id
        members = reverse("people:members", args=[organization_id])
        pages = [
            ("organization home", reverse("people:home", args=[organization_id])),
            ("members", members),
            ("members, search", f"{members}?q=olsen"),
            ("departments", reverse("people:departments", args=[organization_id])),
            ("audit trail", reverse("people:audit", args=[organization_id])),
            (
                "organization health",
                reverse("insights:organization_health", args=[organization_id]),
            ),
        ]
        walkers += [Walker("organization admin", org_admin.user_id, pages) for _ in range(per_kind)]

    walkers += _persona_walkers(per_kind)
    staff = User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    if staff is not None:
        pages = [
            ("django admin: enrollments", "/admin/programs/enrollment/"),
            ("django admin: relationships", "/admin/relationships/relationship/"),
        ]
        walkers.append(Walker("staff", staff.pk, pages))
    # Take turns by kind, so that any number of clients brings every kind of person.
    by_kind: dict[str, list[Walker]] = {}
    for walker in walkers:
        by_kind.setdefault(walker.kind, []).append(walker)
    turns = itertools.zip_longest(*by_kind.values())
    return [walker for turn in turns for walker in turn if walker is not None]


def _persona_walkers(per_kind: int) -> list[Walker]:
    """The demo's own people on what the largest program does not reach.

    Circles, coaching and the question board live in smaller programs of the demo; the
    demo's mentee is in a circle and a coaching client, its mentor helps on the board, its
    admin sponsors the mentee's engagement and runs the circles and coaching programs.
    """
    from django.urls import reverse

    from tandem.accounts.models import User
    from tandem.circles.models import CircleMembership, CircleSession
    from tandem.coaching.models import Engagement
    from tandem.demo.agency import AGENCY_DOMAIN
    from tandem.relationships.models import Meeting

    people = {
        key: User.objects.filter(email=f"{key}@{AGENCY_DOMAIN}").first()
        for key in ("mentee", "mentor", "admin")
    }
    walkers: list[Walker] = []
    mentee = people["mentee"]
    if mentee is not None:
        pages = [("board, mine", reverse("board:mine"))]
        place = (
            CircleMembership.objects.filter(enrollment__user=mentee)
            .select_related("circle")
            .order_by("-pk")
            .first()
        )
        if place is not None:
            circle = place.circle
            pages.append(("circle", reverse("circles:detail", args=[circle.pk])))
            held = CircleSession.objects.filter(circle=circle).order_by("-starts_at").first()
            if held is not None:
                pages.append(("circle session", reverse("circles:session", args=[held.pk])))
            pages.append(("circle check-ins", reverse("circles:checkins", args=[circle.pk])))
            pages.append(("board, program", reverse("board:program", args=[circle.program_id])))
        engagement = (
            Engagement.objects.filter(relationship__mentee__user=mentee).order_by("pk").first()
        )
        if engagement is not None:
            pages.append(
                ("coaching engagement", reverse("coaching:engagement", args=[engagement.pk]))
            )
            session = (
                Meeting.objects.filter(
                    relationship_id=engagement.relationship_id, status=Meeting.Status.HELD
                )
                .order_by("-starts_at")
                .first()
            )
            if session is not None:
                pages.append(
                    (
                        "coaching session",
                        reverse("coaching:session", args=[engagement.pk, session.pk]),
                    )
                )
            coach = engagement.relationship.mentor.user_id
            walkers += [
                Walker("coach", coach, [("hours log", reverse("coaching:hours_log"))])
                for _ in range(per_kind)
            ]
        walkers += [Walker("demo mentee", mentee.pk, pages) for _ in range(per_kind)]
    admin = people["admin"]
    if admin is not None:
        pages = [("sponsored", reverse("coaching:sponsored"))]
        sponsored = Engagement.objects.filter(sponsor=admin).order_by("pk").first()
        if sponsored is not None:
            program = sponsored.relationship.program_id
            pages += [
                ("sponsor view", reverse("coaching:sponsor_view", args=[sponsored.pk])),
                ("coaching engagements", reverse("coaching:admin_engagements", args=[program])),
            ]
        circles = (
            CircleMembership.objects.filter(enrollment__user=mentee)
            .values_list("circle__program_id", flat=True)
            .first()
        )
        if circles is not None:
            pages.append(("circles manage", reverse("circles:admin_program", args=[circles])))
        walkers += [Walker("demo admin", admin.pk, pages) for _ in range(per_kind)]
    return walkers


def _sign_in(walkers: list[Walker]) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from tandem.accounts.models import User

    for walker in walkers:
        user = User.objects.get(pk=walker.user_id)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        walker.session = session.session_key or ""


def _alone(walkers: list[Walker]) -> dict[str, tuple[int, int, float]]:
    """Each page's (queries, status, median ms of three) asked in-process, one at a time."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    seen: dict[str, tuple[int, int, float]] = {}
    for walker in walkers:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = walker.session
        client.get("/")  # the session's first request saves it; count a warm one
        for name, url in walker.pages:
            if name in seen:
                continue
            times = []
            for _ in range(3):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
            seen[name] = (len(queries), response.status_code, statistics.median(times))
    return seen


def _serve(port: int, workers: int) -> subprocess.Popen[bytes]:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"Port {port} is taken: stop what listens there or pass --port.")
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "tandem.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
            # Load the app before forking, so no worker spends the first requests importing.
            "--preload",
        ],
        cwd=ROOT,
        env={**os.environ, **SERVER_ENV},
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10)
            return server
        except OSError:  # refused, reset or timed out while the workers start
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit(f"gunicorn did not answer on port {port} within a minute.")


def _warm(port: int, walkers: list[Walker], rounds: int) -> None:
    """Ask for each page a few times, so every worker has its caches before timing.

    ``rounds`` clients ask at once: one after another, the same idle worker would answer
    them all, and the others would meet their first directory or first scoring (numba's
    kernels loaded, mentors' profiles read) during the timed run.
    """
    pages: dict[str, tuple[str, str]] = {}
    for walker in walkers:
        for name, url in walker.pages:
            pages.setdefault(name, (walker.session, url))

    def walk(_: int) -> None:
        for session, url in pages.values():
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{url}", headers={"Cookie": f"sessionid={session}"}
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                response.read()

    with ThreadPoolExecutor(max_workers=rounds) as pool:
        list(pool.map(walk, range(rounds * 2)))


def _load(plan: Path, ports: list[int], clients: int, seconds: int, out: Path) -> Path:
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(clients),
            "--spawn-rate",
            str(clients),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{ports[0]}",
            "--csv",
            str(out / "load"),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "LOAD_PLAN": str(plan),
            "LOAD_HOSTS": " ".join(f"http://127.0.0.1:{port}" for port in ports),
        },
        check=False,
    )
    return out / "load_stats.csv"


def _report(
    stats_csv: Path, alone: dict[str, tuple[int, int, float]], walkers: list[Walker]
) -> None:
    kinds: dict[str, str] = {}
    for walker in walkers:
        for name, _ in walker.pages:
            kinds.setdefault(name, walker.kind)
    with stats_csv.open(encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["Name"] != "Aggregated"]
    rows.sort(key=lambda row: list(kinds).index(row["Name"]) if row["Name"] in kinds else 99)
    header = (
        f"{'who':<19} {'page':<28} {'queries':>7} {'alone ms':>8} {'requests':>8} {'errors':>6} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'KiB':>6}  budget"
    )
    print(header)
    print("-" * len(header))
    over = 0
    for row in rows:
        name = row["Name"]
        p95 = float(row["95%"])
        within = p95 <= BUDGET_MS and int(row["Failure Count"]) == 0
        over += not within
        print(
            f"{kinds.get(name, '?'):<19} {name:<28} {alone[name][0]:>7} {alone[name][2]:>8.0f} "
            f"{int(row['Request Count']):>8} {int(row['Failure Count']):>6} "
            f"{float(row['Median Response Time']):>7.0f} {p95:>7.0f} "
            f"{float(row['Max Response Time']):>7.0f} "
            f"{float(row['Average Content Size']) / 1024:>6.1f}  {'ok' if within else 'OVER'}"
        )
    print(f"\n{len(rows) - over} of {len(rows)} pages within {BUDGET_MS} ms p95 with no errors.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--per-kind", type=int, default=4, help="people of each kind")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--think",
        type=float,
        default=1.0,
        help="seconds a person spends on a page before the next (mean; 0: none, saturate)",
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=1,
        help="gunicorn instances on consecutive ports, the clients spread over them",
    )
    parser.add_argument(
        "--alone", action="store_true", help="only time each page in-process, with no load"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to the database holding the demo (see the docstring).")

    _setup_django()
    from django.contrib.sessions.models import Session
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)
    walkers = _walkers(args.per_kind)
    _sign_in(walkers)
    try:
        alone = _alone(walkers)
        broken = {name: status for name, (_, status, _) in alone.items() if status != 200}
        if broken:
            raise SystemExit(f"Pages that do not answer 200 before the load: {broken}")
        if args.alone:
            for name, (queries, _, ms) in alone.items():
                print(f"{name:<28} {queries:>4} queries {ms:>8.1f} ms")
            return
        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder)
            plan = out / "plan.json"
            plan.write_text(
                json.dumps(
                    {
                        "cookie_name": "sessionid",
                        "think": args.think,
                        "sign_in_path": "/accounts/login/",
                        "walkers": [
                            {
                                "kind": w.kind,
                                "session": w.session,
                                "pages": [{"name": n, "url": u} for n, u in w.pages],
                            }
                            for w in walkers
                        ],
                    }
                )
            )
            ports = [args.port + i for i in range(args.instances)]
            servers = []
            try:
                for port in ports:
                    servers.append(_serve(port, args.workers))
                    _warm(port, walkers, rounds=args.workers)
                stats = _load(plan, ports, args.clients, args.seconds, out)
            finally:
                for server in servers:
                    os.killpg(server.pid, signal.SIGTERM)
                    server.wait(timeout=30)
            print(
                f"\n{args.clients} clients for {args.seconds} s against {args.instances} "
                f"gunicorn instance(s) of {args.workers} workers; {len(walkers)} people, "
                f"{args.think:g} s on each page.\n"
            )
            _report(stats, alone, walkers)
    finally:
        Session.objects.filter(session_key__in=[w.session for w in walkers]).delete()


if __name__ == "__main__":
    main()

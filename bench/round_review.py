"""The round review page at the size of a national employer, against the page it replaces.

Builds one program of M mentees and N mentors (plus a reporting tree, 40 departments and a
round that pairs each of the first M minus 2 % mentees with a mentor) with plain-row bulk
inserts, then asks for the review page through the Django test client, signed in as the
program admin, as a browser would:

- the first page, a deep page (the last but one), a page sorted by name and by department,
  a filtered page, the "not matched" list, the pairs table as htmx swaps it in, and a search
  for another mentor for one mentee;
- ``before``: the page as it was until now (every pair in one table, each with a dropdown
  of 500 mentors), on a round of ``--before-pairs`` pairs only, since at full size it takes
  minutes; its time and size are also shown scaled to the full round, labelled as such.

Usage: ``python -m bench.round_review [--mentees 15000] [--mentors 12816] [--repeat 20]``.
Runs on a throwaway SQLite file by default; set ``DATABASE_URL`` to a PostgreSQL database
to run it there (its tables are created and then dropped with the test-database machinery).
"""

import argparse
import os
import random
import secrets
import statistics
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from bench import names

TARGET_MS = 300.0
STATIC_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"
SEARCH = "ann"
# The names of bench.members_list, with "Anna" second, for the mentor search's query.
FIRST = [names.FIRST[0], "Anna", *names.FIRST[1:]]
LAST = list(names.LAST)
REASONS = (
    "Both work on budgeting and forecasting",
    "She has led the kind of team he is about to lead",
    "Two hours apart, both prefer video calls",
    "Shares Portuguese and Spanish",
)


@dataclass(frozen=True)
class Built:
    admin_id: int
    round_id: int
    small_round_id: int
    department_id: int
    pair_id: int
    pairs: int


def _people(
    org_id: int, program_id: int, count: int, role: str, rng: random.Random, **more: Any
) -> list[tuple[int, int]]:
    """Insert people with a membership and an enrollment; return (enrollment, membership) ids."""
    from django.utils import timezone

    from tandem.accounts.models import Membership, User
    from tandem.core.bulk import rows_insert
    from tandem.programs.models import Enrollment

    now = timezone.now()
    users = rows_insert(
        User,
        [
            {
                "email": f"{role}{i}@bench.test",
                "full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                "password": "!",
                "date_joined": now,
            }
            for i in range(count)
        ],
        key="email",
    )
    departments = more.pop("departments")
    managers = more.pop("managers", [])
    memberships = rows_insert(
        Membership,
        [
            {
                "user_id": user_id,
                "organization_id": org_id,
                "department_id": rng.choice(departments),
                "manager_id": rng.choice(managers) if managers and rng.random() < 0.5 else None,
                "created_at": now,
                "updated_at": now,
            }
            for user_id in users.values()
        ],
        key="user_id",
    )
    enrollments = rows_insert(
        Enrollment,
        [
            {
                "program_id": program_id,
                "user_id": user_id,
                "membership_id": memberships[user_id],
                "profile_completed_at": now,
                "created_at": now,
                "updated_at": now,
                **(
                    {"is_mentor": True, "capacity": rng.randint(1, 3), "accepting_now": True}
                    if role == "mentor"
                    else {"is_mentee": True}
                ),
            }
            for user_id in users.values()
        ],
        key="user_id",
    )
    return [(enrollments[u], memberships[u]) for u in users.values()]


def _pairs(
    round_id: int, mentees: list[int], mentors: list[int], focus_id: int, rng: random.Random
) -> int:
    from tandem.core.bulk import rows_insert
    from tandem.matching.models import RoundPair

    rows = [
        {
            "round_id": round_id,
            "mentee_id": mentee,
            "mentor_id": mentors[i % len(mentors)],
            "focus_id": focus_id,
            "peer_focus_id": None,
            "score": round(rng.betavariate(5, 2), 4),
            "components": {"focus": 0.4, "lexical": 0.12, "time_zone": 0.1},
            "reasons": rng.sample(REASONS, 2),
            "locked": rng.random() < 0.01,
        }
        for i, mentee in enumerate(mentees)
    ]
    rows_insert(RoundPair, rows)
    return len(rows)


def _report(pairs: int, mentees: int, unmatched: list[int]) -> dict[str, Any]:
    return {
        "mentees": mentees,
        "mentees_matched": pairs,
        "matched_share": pairs / mentees,
        "pairs": pairs,
        "locked_pairs": pairs // 100,
        "mean_score": 0.71,
        "utilization": 0.58,
        "places_offered": pairs * 2,
        "blocking_pairs": 0,
        "score_histogram": [0, 0, 3, 40, 310, 1250, 2900, 4300, 4200, pairs - 13003],
        "mentor_load": {"0": 3000, "1": 6000, "2": 3000, "3": 816},
        "fairness": [],
        "unmatched": [
            {
                "mentee": e,
                "wanted": 1,
                "matched": 0,
                "code": "no_candidate",
                "reasons": ["No mentor with room offers this focus in a shared language"],
            }
            for e in unmatched
        ],
    }


def _build(mentees: int, mentors: int, before_pairs: int, rng: random.Random) -> Built:
    from allauth.mfa.models import Authenticator
    from django.db import connection

    from tandem.accounts.models import Department, Membership, Organization, User
    from tandem.matching.models import MatchingRound
    from tandem.programs.models import Program, Topic

    org = Organization.objects.create(name="Bench", slug="bench")
    admin = User.objects.create(email="admin@bench.test", full_name="Bench Admin")
    Membership.objects.create(user=admin, organization=org, role=Membership.Role.ADMIN)
    # As in production, the admin has set up a second factor (its secret is never used here).
    Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "-"})
    departments = [
        d.pk
        for d in Department.objects.bulk_create(
            [Department(organization=org, name=f"Department {i:02d}") for i in range(40)]
        )
    ]
    topic = Topic.objects.create(
        organization=org, name="Budgeting", slug="budgeting", category="Finance"
    )
    program = Program.objects.create(
        organization=org,
        name="National mentoring",
        status=Program.Status.ACTIVE,
        matching_mode=Program.MatchingMode.ROUNDS,
    )
    program.admins.add(admin)
    givers = _people(org.pk, program.pk, mentors, "mentor", rng, departments=departments)
    seekers = _people(
        org.pk,
        program.pk,
        mentees,
        "mentee",
        rng,
        departments=departments,
        managers=[m for _, m in givers],
    )
    mentor_ids = [e for e, _ in givers]
    mentee_ids = [e for e, _ in seekers]
    cut = mentees - mentees // 50
    rounds = []
    for name, size in (("Spring", cut), ("Small", before_pairs)):
        matching_round = MatchingRound.objects.create(
            program=program, name=name, created_by=admin, status=MatchingRound.Status.READY
        )
        count = _pairs(matching_round.pk, mentee_ids[:size], mentor_ids, topic.pk, rng)
        matching_round.report = _report(count, mentees, mentee_ids[size : size + mentees // 50])
        matching_round.save()
        rounds.append(matching_round)
    with connection.cursor() as cursor:
        # Give the planner statistics, as a database in use has them after autovacuum.
        cursor.execute("ANALYZE")
    return Built(
        admin_id=admin.pk,
        round_id=rounds[0].pk,
        small_round_id=rounds[1].pk,
        department_id=departments[7],
        pair_id=rounds[0].pairs.order_by("pk").values_list("pk", flat=True)[cut // 2],
        pairs=cut,
    )


def _before_page(client: Any, round_id: int) -> Any:
    """The review page as it was: every pair, each with a dropdown of up to 500 mentors."""
    import subprocess

    from django.template import engines
    from django.test import RequestFactory

    from tandem.accounts.models import User
    from tandem.matching.models import MatchingRound
    from tandem.programs.models import Enrollment

    source = subprocess.run(
        ["git", "show", "e657897^:tandem/matching/templates/matching/round.html"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    template = engines["django"].from_string(source)
    request = RequestFactory().get(f"/rounds/{round_id}/")
    request.user = User.objects.get(email="admin@bench.test")
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]

    def render() -> bytes:
        matching_round = MatchingRound.objects.select_related("program__organization").get(
            pk=round_id
        )
        program = matching_round.program
        pairs = matching_round.pairs.select_related(
            "mentee__user",
            "mentor__user",
            "focus",
            "peer_focus",
            "mentee__membership__department",
            "mentor__membership__department",
        ).order_by("-score", "pk")
        report = matching_round.report
        unmatched = report.get("unmatched", [])
        names = dict(
            Enrollment.objects.filter(pk__in=[u["mentee"] for u in unmatched]).values_list(
                "pk", "user__full_name"
            )
        )
        mentors = list(
            Enrollment.objects.filter(
                program=program,
                status=Enrollment.Status.ACTIVE,
                accepting_now=True,
                profile_completed_at__isnull=False,
                is_mentor=True,
            )
            .select_related("user")
            .order_by("user__full_name")[:500]
        )
        context = {
            "r": matching_round,
            "pairs": pairs,
            "sort": "score",
            "report": report,
            "unmatched": [{**u, "name": names.get(u["mentee"], "?")} for u in unmatched],
            "mentors": mentors,
            "histogram": list(enumerate(report.get("score_histogram", []))),
            "histogram_max": max(report.get("score_histogram", [1]) or [1]),
        }
        return template.render(context, request).encode()

    return render


def _measure(fn: Any, repeat: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        size = len(fn())
    # Count now: the next request through the client empties the connection's query log.
    count = len(queries)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, size, count


def _row(label: str, times: list[float], size: int, queries: int, note: str = "") -> None:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    verdict = "ok" if p95 <= TARGET_MS else "OVER"
    print(
        f"{label:<34} {statistics.median(ordered):>8.1f} {p95:>8.1f} {ordered[-1]:>8.1f} "
        f"{size / 1000:>10.1f} {queries:>5}  {verdict:<4} {note}"
    )


def _run(built: Built, repeat: int, before_pairs: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tandem.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=built.admin_id))
    url = reverse("matching:round", args=[built.round_id])
    last = -(-built.pairs // 50)
    search = reverse("matching:pair_mentors", args=[built.round_id, built.pair_id])
    htmx = {"HX-Request": "true", "HX-Target": "review"}
    cases: list[tuple[str, str, dict[str, str]]] = [
        ("first page", url, {}),
        (f"deep page ({last - 1} of {last})", f"{url}?page={last - 1}", {}),
        ("sorted by mentee, page 150", f"{url}?sort=mentee&page=150", {}),
        ("sorted by department, page 200", f"{url}?sort=department&page=200", {}),
        ("department + low fit", f"{url}?department={built.department_id}&flag=low", {}),
        ("same department, lowest first", f"{url}?flag=same_department&sort=score_low", {}),
        ("not matched, page 2", f"{url}?show=unmatched&page=2", {}),
        ("table only (htmx), page 120", f"{url}?page=120", htmx),
        (
            f"mentor search q={SEARCH!r}",
            f"{search}?q={SEARCH}",
            {"HX-Request": "true", "HX-Target": f"swap-results-{built.pair_id}"},
        ),
    ]
    client.get(url, secure=True)  # the first request touches the session
    print(
        f"{built.pairs:,} pairs on {connection.vendor}; {repeat} requests each, "
        f"target p95 {TARGET_MS:.0f} ms"
    )
    print(f"{'request':<34} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'kB':>10} {'qrs':>5}")
    for label, path, headers in cases:

        def get(path: str = path, headers: dict[str, str] = headers) -> bytes:
            response = client.get(path, secure=True, headers=headers)
            assert response.status_code == 200, (
                path,
                response.status_code,
                response.get("Location"),
            )
            return response.content

        _row(label, *_measure(get, repeat))
    before = _before_page(client, built.small_round_id)
    times, size, queries = _measure(before, 3)
    _row(f"before: whole page, {before_pairs:,} pairs", times, size, queries, "measured")
    scale = built.pairs / before_pairs
    _row(
        f"before: scaled to {built.pairs:,} pairs",
        [t * scale for t in times],
        int(size * scale),
        queries,
        f"extrapolated x{scale:.1f}, not measured",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=15_000)
    parser.add_argument("--mentors", type=int, default=12_816)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--before-pairs", type=int, default=1_000)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("TASK_BACKEND", "dummy")
    # Time the page as production serves it (DEBUG off: cached templates, no debug tools).
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import (
        override_settings,
        setup_databases,
        setup_test_environment,
        teardown_databases,
    )

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        built = _build(args.mentees, args.mentors, args.before_pairs, random.Random(5))
        print(f"built in {time.perf_counter() - start:.1f} s")
        # Static files are not collected here; name them without the production manifest.
        storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_STORAGE}}
        with override_settings(STORAGES=storages):
            _run(built, args.repeat, args.before_pairs)
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

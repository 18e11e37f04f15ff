"""Reporting lines at 100k people: the recursive walk in SQL against loading everyone.

Builds an organization of N people in a random hierarchy (about seven levels) on a fresh
database, then answers "who is in this person's reporting line?" for people at the top,
in the middle and at the bottom, two ways:

- ``load all``: what every directory view did before: read every membership of the
  organization, then walk managers and reports in Python;
- ``tandem``: ``tandem.policy.eligibility.reporting_line``, one recursive CTE that walks up
  and down from the person only.

Usage: ``python -m bench.reporting_lines [--people 100000]``. Runs on a throwaway SQLite
file by default; set ``DATABASE_URL`` to a PostgreSQL database to run it there (its tables
are created and then dropped with the test-database machinery).
"""

import argparse
import os
import random
import statistics
import tempfile
import time


def _load_all(membership_id: int, organization_id: int) -> set[int]:
    from tandem.accounts.models import Membership

    managers = dict(
        Membership.objects.filter(organization_id=organization_id).values_list("id", "manager_id")
    )
    above: set[int] = set()
    current = managers.get(membership_id)
    while current is not None and current not in above:
        above.add(current)
        current = managers.get(current)
    reports: dict[int, list[int]] = {}
    for member, manager in managers.items():
        if manager is not None:
            reports.setdefault(manager, []).append(member)
    below: set[int] = set()
    stack = list(reports.get(membership_id, []))
    while stack:
        member = stack.pop()
        if member not in below:
            below.add(member)
            stack.extend(reports.get(member, []))
    return above | below


def _build(people: int, rng: random.Random) -> tuple[int, dict[str, int]]:
    from tandem.accounts.models import Membership, Organization, User

    org = Organization.objects.create(name="Bench", slug="bench")
    User.objects.bulk_create(
        [User(email=f"p{i}@bench.test", full_name=f"Person {i}") for i in range(people)],
        batch_size=5000,
    )
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        [Membership(user_id=u, organization=org) for u in users], batch_size=5000
    )
    ids = list(Membership.objects.order_by("pk").values_list("pk", flat=True))
    # Each person reports to someone earlier: a random tree with a span of about seven.
    managers = {ids[i]: ids[rng.randrange((i - 1) // 7, i)] for i in range(1, len(ids))}
    rows = Membership.objects.in_bulk(list(managers))
    for pk, manager in managers.items():
        rows[pk].manager_id = manager
    Membership.objects.bulk_update(list(rows.values()), ["manager"], batch_size=5000)
    depth = {ids[0]: 0}
    for i in range(1, len(ids)):
        depth[ids[i]] = depth[managers[ids[i]]] + 1
    # Give the planner statistics, as a database in use has them after autovacuum.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    deepest = max(depth, key=lambda pk: depth[pk])
    middle = next(pk for pk in ids if depth[pk] == max(1, depth[deepest] // 2))
    return org.pk, {"top of the tree": ids[0], "middle manager": middle, "deepest": deepest}


def _time(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from tandem.policy.eligibility import reporting_line

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        org_id, people = _build(args.people, random.Random(0))
        from tandem.accounts.models import Membership

        print(f"{args.people:,} people on {connection.vendor}; median of {args.repeat} runs")
        print(
            f"{'whose line':<18} {'size':>7} {'load all (ms)':>14} {'tandem (ms)':>12} {'ratio':>7}"
        )
        for label, pk in people.items():
            membership = Membership.objects.get(pk=pk)
            user_of = dict(Membership.objects.values_list("pk", "user_id"))
            line = reporting_line(membership.user_id)
            assert line == {user_of[m] for m in _load_all(pk, org_id)}
            old = _time(lambda pk=pk: _load_all(pk, org_id), args.repeat)
            new = _time(lambda u=membership.user_id: reporting_line(u), args.repeat)
            size = len(line)
            print(
                f"{label:<18} {size:>7,} {old * 1000:>14.1f} {new * 1000:>12.1f} {old / new:>6.1f}x"
            )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

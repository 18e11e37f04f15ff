"""The members list at 100k people: search, paging and the export, before and after.

Builds an organization of N people (plus a second organization of N/10, so the tables hold
other people too) on a fresh database, then times, in the same process:

- ``before``: what the list did until now: ``icontains`` on the name, the address and the
  title (ILIKE on PostgreSQL, a scan on both databases), pages by OFFSET with an exact
  COUNT(*), and the export built inside the web request;
- ``tandem``: ``tandem.people.selectors.members``: the lower-cased search that the trigram
  indexes serve on PostgreSQL, pages found by seeking to the neighbouring row's sort key,
  a count that stops at 10,000, and the export asked for in the request and written by
  ``build_member_export`` in the background.

Each search and page is timed as the page reads it: its rows and its count.

Usage: ``python -m bench.members_list [--people 100000] [--repeat 5]``. Runs on a
throwaway SQLite file by default; set ``DATABASE_URL`` to a PostgreSQL database to run it
there (its tables are created and then dropped with the test-database machinery).
"""

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench.names import FIRST, LAST

TITLES = (
    "Bus operator",
    "Dispatcher",
    "Mechanic",
    "Planner",
    "Data engineer",
    "Nurse",
    "Accountant",
    "Customer agent",
    "Team lead",
    "",
)
SEARCHES = ("olsen", "marek horvat", "ivan", "p4217@", "dispatch", "zzqx")
PAGE = 50


def _build(people: int, rng: random.Random) -> tuple[int, int]:
    from django.db import connection

    from tandem.accounts.models import Department, Membership, Organization, User
    from tandem.programs.models import Enrollment, Program

    org = Organization.objects.create(name="Bench", slug="bench")
    other = Organization.objects.create(name="Other", slug="other")
    admin = User.objects.create(email="admin@bench.test", full_name="Bench Admin")
    Membership.objects.create(user=admin, organization=org, role=Membership.Role.ADMIN)
    departments = Department.objects.bulk_create(
        [Department(organization=org, name=f"Department {i:02d}") for i in range(40)]
    )
    total = people + people // 10
    User.objects.bulk_create(
        [
            User(
                email=f"p{i}@bench.test",
                full_name=f"{rng.choice(FIRST)} {rng.choice(FIRST)[0]}. {rng.choice(LAST)}",
                password="!",
            )
            for i in range(total)
        ],
        batch_size=5000,
    )
    users = list(User.objects.exclude(pk=admin.pk).order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(
                user_id=u,
                organization=org if i < people else other,
                title=rng.choice(TITLES),
                department=rng.choice(departments) if i < people and rng.random() < 0.9 else None,
                status=Membership.Status.ALUMNI if rng.random() < 0.05 else "active",
            )
            for i, u in enumerate(users)
        ],
        batch_size=5000,
    )
    program = Program.objects.create(organization=org, name="New-hire mentoring")
    enrolled = rng.sample(users[:people], people // 10)
    Enrollment.objects.bulk_create(
        [
            Enrollment(program=program, user_id=u, is_mentor=i % 3 == 0, is_mentee=i % 3 != 0)
            for i, u in enumerate(enrolled)
        ],
        batch_size=5000,
    )
    # Give the planner statistics, as a database in use has them after autovacuum.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return org.pk, admin.pk


def _before_search(org_id: int, q: str) -> Any:
    from django.db.models import Q, Value
    from django.db.models.functions import Concat

    from tandem.accounts.models import Membership
    from tandem.people.selectors.members import members_page_rows

    members = Membership.objects.filter(organization_id=org_id)
    for word in q.split():
        members = members.filter(
            Q(user__full_name__icontains=word)
            | Q(user__email__icontains=word)
            | Q(title__icontains=word)
        )
    members = members.order_by(Concat("user__full_name", Value("")), "pk")
    return members.count(), list(members_page_rows(members)[:PAGE])


def _before_page(org_id: int, where: str) -> Any:
    from django.core.paginator import Paginator

    from tandem.accounts.models import Membership
    from tandem.people.selectors.members import members_page_rows

    members = Membership.objects.filter(organization_id=org_id).order_by("user__full_name", "pk")
    paginator = Paginator(members_page_rows(members), PAGE)
    number = {"first": 1, "middle": paginator.num_pages // 2, "last": paginator.num_pages}[where]
    return list(paginator.page(number).object_list)


def _tandem(org_id: int, q: str = "", **cursor: Any) -> Any:
    from tandem.accounts.models import Organization
    from tandem.people.selectors.members import MemberFilters, members_page

    filters = MemberFilters(q=q)
    return members_page(organization=Organization(pk=org_id), filters=filters, size=PAGE, **cursor)


def _before_export(org_id: int, file_format: str) -> int:
    """The export as the view wrote it inside the request until now."""
    import tablib

    from tandem.accounts.models import Organization
    from tandem.people.selectors import members as selectors

    members = selectors.members_filtered(
        organization=Organization(pk=org_id), filters=selectors.MemberFilters()
    )
    dataset = tablib.Dataset(headers=selectors.EXPORT_HEADERS, title="Members")
    for row in selectors.members_export_rows(members):
        dataset.append(row)
    return len(dataset.export(file_format))


def _tandem_export(org_id: int, admin_id: int, file_format: str) -> tuple[float, float, int]:
    """Ask for the export as the view does (the request), then build it as the task does."""
    from django.core.files.storage import default_storage

    from tandem.accounts.models import Organization, User
    from tandem.people.models import MemberExport
    from tandem.people.selectors.members import MemberFilters
    from tandem.people.services import member_exports

    start = time.perf_counter()
    export = member_exports.member_export_request(
        organization=Organization.objects.get(pk=org_id),
        by=User.objects.get(pk=admin_id),
        file_format=file_format,
        filters=MemberFilters(),
    )
    asked = time.perf_counter() - start
    start = time.perf_counter()
    member_exports.member_export_build(export_id=export.pk)
    built = time.perf_counter() - start
    export.refresh_from_db()
    assert export.status == MemberExport.Status.READY, export.error
    size = default_storage.size(export.file_name)
    default_storage.delete(export.file_name)
    return asked, built, size


def _time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _row(label: str, old: float, new: float, note: str = "") -> None:
    print(f"{label:<30} {old * 1000:>12.1f} {new * 1000:>12.1f} {old / new:>8.1f}x  {note}")


def _run(org_id: int, admin_id: int, people: int, repeat: int, export: bool) -> None:
    from django.db import connection

    from tandem.accounts.models import Membership

    print(f"{people:,} people on {connection.vendor}; median of {repeat} runs")
    print(f"{'what':<30} {'before (ms)':>12} {'tandem (ms)':>12} {'ratio':>9}")
    for q in SEARCHES:
        count, _ = _before_search(org_id, q)
        page = _tandem(org_id, q)
        assert page.count == min(count, 10_000), (q, page.count, count)
        old = _time(lambda q=q: _before_search(org_id, q), repeat)
        new = _time(lambda q=q: _tandem(org_id, q), repeat)
        _row(f"search {q!r}", old, new, f"{count:,} found")
    ordered = Membership.objects.filter(organization_id=org_id).order_by("user__full_name", "pk")
    pages = -(-ordered.count() // PAGE)
    # The row just before the middle page, as the "Next" link of the page before names it.
    middle_cursor = ordered.values_list("pk", flat=True)[(pages // 2 - 1) * PAGE - 1]
    cursors: dict[str, dict[str, Any]] = {
        "first": {},
        "middle": {"after": middle_cursor},
        "last": {"last": True},
    }
    for where, cursor in cursors.items():
        old_rows = [m.pk for m in _before_page(org_id, where)]
        new_rows = [m.pk for m in _tandem(org_id, **cursor)]
        assert new_rows[-len(old_rows) :] == old_rows, where
        old = _time(lambda w=where: _before_page(org_id, w), repeat)
        new = _time(lambda c=cursor: _tandem(org_id, **c), repeat)
        _row(f"{where} page", old, new)
    if not export:
        return
    for file_format in ("csv", "xlsx"):
        old = _time(lambda f=file_format: _before_export(org_id, f), 1)
        asked, built, size = _tandem_export(org_id, admin_id, file_format)
        _row(f"export {file_format}: the request", old, asked, "before: all of it in the request")
        _row(f"export {file_format}: the task", old, built, f"{size / 1e6:.1f} MB file")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-export", action="store_true", help="Skip the (slow) exports.")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp())
    os.environ.setdefault("TASK_BACKEND", "dummy")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        org_id, admin_id = _build(args.people, random.Random(3))
        _run(org_id, admin_id, args.people, args.repeat, not args.no_export)
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

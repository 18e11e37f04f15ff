"""The people import at 5,000 and 100,000 rows, against a row-by-row import of the same file.

Generates realistic people files (departments, a reporting tree about seven wide, titles,
time zones, offices; rows shuffled so a manager often comes after their reports) and times,
on a fresh organization of the configured database:

- ``read``: tablib parses the file (CSV; XLSX too at 5,000 rows);
- ``preview``: ``import_plan``, what the preview page computes;
- ``apply``: ``import_apply``, everything written (with the audit trail);
- ``re-import``: the same file again: preview and apply, which change nothing;
- ``next month``: 5 % move to another manager, 5 % change title, 2 % left (marked alumni),
  2 % new hires: preview and apply.

The baseline is what django-import-export does with a resource per row: for each row
``get_or_create`` the user and department and ``Membership.objects.update_or_create``, then a
second pass that sets each manager with the per-row loop check
(``accounts.services.membership_check_manager``). It runs on the 5,000-row file only.

Usage: ``python -m bench.people_import [--sizes 5000,100000] [--no-baseline]``. Runs on a
throwaway SQLite file by default; set ``DATABASE_URL`` to a PostgreSQL database to run it
there (its tables are created and then dropped with the test-database machinery).
"""

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TITLES = ["Analyst", "Engineer", "Coordinator", "Officer", "Specialist", "Adviser", "Clerk"]
ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "America/Chicago", "Asia/Tokyo"]
OFFICES = ["Head office", "North depot", "Harbour", "Remote", "City centre"]
HEADER = ["email", "full_name", "department", "title", "manager_email", "time_zone", "location"]


def people(n: int, rng: random.Random, domain: str) -> list[list[str]]:
    """Return n rows: a tree about seven wide, a department per top manager's branch."""
    rows: list[list[str]] = []
    departments = [f"Department {d}" for d in range(max(5, n // 250))]
    for i in range(n):
        manager = rng.randrange((i - 1) // 7, i) if i else None
        if manager is None or manager == 0:
            department = departments[i % len(departments)]
        else:
            department = rows[manager][2]
        rows.append(
            [
                f"person{i}@{domain}",
                f"Person {i} Example",
                department,
                "Director" if i == 0 else rng.choice(TITLES),
                rows[manager][0] if manager is not None else "",
                rng.choice(ZONES),
                rng.choice(OFFICES),
            ]
        )
    rng.shuffle(rows)
    return rows


def next_month(rows: list[list[str]], rng: random.Random, domain: str) -> list[list[str]]:
    """Move 5 % to another manager, retitle 5 %, let 2 % leave and hire 2 %."""
    n = len(rows)
    emails = {row[0] for row in rows}
    leaving = {row[0] for row in rng.sample(rows, n // 50) if row[4]}
    # Nobody reports to a leaver: their reports move to the leaver's own manager.
    manager_of = {row[0]: row[4] for row in rows}
    changed = []
    for row in rows:
        if row[0] in leaving:
            continue
        row = row[:]
        boss = row[4]
        while boss in leaving:
            boss = manager_of[boss]
        row[4] = boss
        changed.append(row)
    by_email = {row[0]: row for row in changed}
    ordered = sorted(by_email)  # managers are picked among people earlier in the hierarchy
    depth: dict[str, int] = {}

    def level(email: str) -> int:
        if email not in depth:
            boss = by_email[email][4]
            depth[email] = 0 if not boss else level(boss) + 1
        return depth[email]

    for email in ordered:
        level(email)
    for row in rng.sample(changed, n // 20):
        if row[4]:
            peers = [e for e in rng.sample(ordered, 20) if depth[e] < depth[row[0]]]
            if peers:
                row[4] = peers[0]
    for row in rng.sample(changed, n // 20):
        row[3] = rng.choice(TITLES) + " II"
    top = next(row[0] for row in changed if not row[4])
    for i in range(n // 50):
        email = f"hire{i}@{domain}"
        assert email not in emails
        changed.append([email, f"Hire {i}", changed[0][2], "Trainee", top, "UTC", "Harbour"])
    return changed


def write(rows: list[list[str]], folder: Path, name: str, kind: str) -> Path:
    import tablib

    path = folder / f"{name}.{kind}"
    data = tablib.Dataset(*rows, headers=HEADER).export(kind)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def record(results: list[tuple[str, ...]], *row: str) -> None:
    results.append(row)
    size, label, what, seconds, *plan = row
    print(f"{size:>8}  {label:<22} {what:<12} {seconds:>16}  {''.join(plan)}", flush=True)


@dataclass(frozen=True)
class Timing:
    """Wall seconds and this process's CPU seconds.

    On a machine others keep busy, the CPU seconds are what the step costs on an idle core
    (for SQLite, everything; for PostgreSQL, without the server's own work).
    """

    wall: float
    cpu: float

    def __str__(self) -> str:
        return f"{self.wall:.2f} ({self.cpu:.2f})"


def timed(fn: Callable[[], Any]) -> tuple[Timing, Any]:
    start, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return Timing(time.perf_counter() - start, time.process_time() - cpu), result


def organization(slug: str) -> tuple[Any, Any]:
    from tandem.accounts.models import Membership, Organization, User

    org = Organization.objects.create(name=slug.title(), slug=slug)
    admin = User.objects.create_user(f"admin@{slug}.test", full_name="Bench Admin")
    Membership.objects.create(user=admin, organization=org, role=Membership.Role.ADMIN)
    return org, admin


def tandem(size: int, folder: Path, rng: random.Random, results: list[tuple[str, ...]]) -> Timing:
    """Run every step on a fresh organization; return the first apply's seconds."""
    from tandem.people.services.import_files import import_file_read
    from tandem.people.services.imports import import_apply, import_plan

    slug = f"org{size}"
    org, admin = organization(slug)
    rows = people(size, rng, f"{slug}.test")
    rows.append([admin.email, "", rows[0][2], "Admin", "", "UTC", "Head office"])
    files = {"first": write(rows, folder, f"{slug}-first", "csv")}
    files["next"] = write(next_month(rows, rng, f"{slug}.test"), folder, f"{slug}-next", "csv")

    def step(label: str, path: Path, leavers: bool = False) -> Timing:
        seconds, table = timed(lambda: import_file_read(name=path.name, content=path.read_bytes()))
        record(results, f"{size:,}", label, "read (CSV)", str(seconds))
        options = {"mark_leavers": leavers, "allow_new_departments": True}
        seconds, plan = timed(
            lambda: import_plan(organization=org, table=table, by=admin, **options)
        )
        assert not plan.errors, plan.errors[:3]
        summary = (
            f"{len(plan.new_people):,} new, {len(plan.changes):,} changed, "
            f"{plan.unchanged:,} alone, {len(plan.leavers):,} leaving"
        )
        record(results, f"{size:,}", label, "preview", str(seconds), summary)
        seconds, _ = timed(
            lambda: import_apply(
                organization=org, table=table, by=admin, file_name=path.name, **options
            )
        )
        record(results, f"{size:,}", label, "apply", str(seconds))
        return seconds

    first = step("fresh organization", files["first"])
    step("re-import, same file", files["first"], leavers=True)
    step("next month's file", files["next"], leavers=True)
    if size <= 5000:
        xlsx = write(rows, folder, f"{slug}-first", "xlsx")
        from tandem.people.services.import_files import import_file_read as read

        seconds, _ = timed(lambda: read(name=xlsx.name, content=xlsx.read_bytes()))
        record(results, f"{size:,}", "fresh organization", "read (XLSX)", str(seconds))
    return first


def row_by_row(size: int, rng: random.Random) -> Timing:
    """Import the file as django-import-export does: one row, several queries, at a time."""
    from django.db import transaction

    from tandem.accounts.models import Department, Membership, User
    from tandem.accounts.services import membership_check_manager

    org, _ = organization("rowbyrow")
    rows = people(size, rng, "rowbyrow.test")

    def run() -> None:
        with transaction.atomic():
            for email, name, department, title, _, zone, office in rows:
                user, _ = User.objects.get_or_create(email=email, defaults={"full_name": name})
                dept, _ = Department.objects.get_or_create(organization=org, name=department)
                Membership.objects.update_or_create(
                    user=user,
                    organization=org,
                    defaults={
                        "department": dept,
                        "title": title,
                        "time_zone": zone,
                        "location": office,
                    },
                )
            for email, *_, manager_email, _, _ in rows:
                if not manager_email:
                    continue
                member = Membership.objects.get(organization=org, user__email=email)
                manager = Membership.objects.get(organization=org, user__email=manager_email)
                membership_check_manager(membership=member, manager=manager)
                member.manager = manager
                member.save(update_fields=["manager", "updated_at"])

    seconds, _ = timed(run)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,100000")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment(debug=False)
    config = setup_databases(verbosity=0, interactive=False)
    results: list[tuple[str, ...]] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            print(f"People import on {connection.vendor}")
            print(f"{'rows':>8}  {'file':<22} {'step':<12} {'s (CPU s)':>16}  plan", flush=True)
            applies: dict[int, Timing] = {}
            for size in (int(s) for s in args.sizes.split(",")):
                applies[size] = tandem(size, Path(folder), random.Random(size), results)
            if not args.no_baseline and 5000 in applies:
                baseline = row_by_row(5000, random.Random(1))
                ours = applies[5000]
                print(f"\n{'5,000 rows, fresh':<28} {'s (CPU s)':>16}  ratio (wall, CPU)")
                print(f"{'row by row (import-export)':<28} {baseline!s:>16}")
                print(
                    f"{'tandem apply':<28} {ours!s:>16}  "
                    f"{baseline.wall / ours.wall:.1f}x, {baseline.cpu / ours.cpu:.1f}x",
                    flush=True,
                )
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

"""The insights pages of one program at 100k participants: stalled, fairness, impact, health.

Builds one program of N participants (three mentees to each mentor, 40 departments, a
reporting tree, a tenth consenting to one self-described attribute), half the mentees
matched over two years with meetings held, plus pending proposals and requests, on a
fresh database; then times what each page asks of the database and Python, in the same
process: the stalled list's first page and its count, the four counts of the admin's
home, the fairness table (which counts every period and source to decide what to hide),
the admins' mentor impact and one mentor's own page; then the tasks that compute and store
the program's insights and its organization's health, and the health (program and
organization), fairness, impact and stalled pages and the health charts' files as an admin
gets them over HTTP (middleware, template and all), read from those stored snapshots.

Usage: ``python -m bench.insights_pages [--people 100000] [--repeat 3]``. Runs on a
throwaway SQLite file by default; set ``DATABASE_URL`` to a PostgreSQL database to run it
there (its tables are created and then dropped with the test-database machinery).
"""

import argparse
import datetime
import gc
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

DEPARTMENTS = 40
ATTRIBUTES = ("woman", "first_generation", "career_changer", "parent_carer")


def _created_at_as_given(*models: Any) -> None:
    # The builder writes history: the rows keep the creation dates it gives them.
    for model in models:
        model._meta.get_field("created_at").auto_now_add = False


def _build(people: int, rng: random.Random) -> tuple[int, int, int]:
    from django.db import connection
    from django.utils import timezone

    from tandem.accounts.models import Department, Membership, Organization, User
    from tandem.programs.models import Enrollment, Program, Topic
    from tandem.relationships.models import (
        Meeting,
        MentorshipRequest,
        Proposal,
        Relationship,
    )
    from tandem.relationships.services import relationships_last_met_refresh

    _created_at_as_given(Enrollment, Relationship, Proposal, MentorshipRequest)
    now = timezone.now()

    def ago(days: float) -> datetime.datetime:
        return now - datetime.timedelta(days=days)

    org = Organization.objects.create(name="Bench", slug="bench")
    admin = User.objects.create(email="admin@bench.test", full_name="Bench Admin")
    Membership.objects.create(user=admin, organization=org, role=Membership.Role.ADMIN)
    departments = Department.objects.bulk_create(
        [Department(organization=org, name=f"Department {i:02d}") for i in range(DEPARTMENTS)]
    )
    topic = Topic.objects.create(organization=org, name="Leadership", slug="leadership")
    User.objects.bulk_create(
        [
            User(email=f"p{i}@bench.test", full_name=f"Person {i}", password="!")
            for i in range(people)
        ],
        batch_size=5000,
    )
    users = list(User.objects.exclude(pk=admin.pk).order_by("pk").values_list("pk", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(user_id=u, organization=org, department=rng.choice(departments))
            for u in users
        ],
        batch_size=5000,
    )
    memberships = list(
        Membership.objects.filter(organization=org).exclude(user=admin).order_by("pk")
    )
    # A reporting tree: each of the first tenth manages nine others.
    for i, membership in enumerate(memberships[people // 10 :]):
        membership.manager_id = memberships[i // 9].pk
    Membership.objects.bulk_update(memberships[people // 10 :], ["manager"], batch_size=5000)
    program = Program.objects.create(organization=org, name="Bench mentoring", status="active")
    program.admins.add(admin)
    Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                user_id=m.user_id,
                membership=m,
                is_mentor=i % 4 == 0,
                is_mentee=i % 4 != 0,
                capacity=3 if i % 4 == 0 else 0,
                identity_attributes=[rng.choice(ATTRIBUTES)] if rng.random() < 0.2 else [],
                identity_use="match" if rng.random() < 0.5 else "private",
                created_at=ago(rng.uniform(0, 730)),
            )
            for i, m in enumerate(memberships)
        ],
        batch_size=5000,
    )
    enrollments = list(
        Enrollment.objects.filter(program=program).values_list("pk", "is_mentor", "created_at")
    )
    mentors = [pk for pk, is_mentor, _ in enrollments if is_mentor]
    mentees = [(pk, at) for pk, is_mentor, at in enrollments if not is_mentor]
    rng.shuffle(mentees)
    matched = mentees[: len(mentees) // 2]
    statuses = ["active"] * 8 + ["agreeing", "closed"]
    pairs = []
    for n, (mentee, joined) in enumerate(matched):
        made = joined + datetime.timedelta(days=rng.uniform(1, 60))
        made = min(made, ago(1))
        status = rng.choice(statuses)
        pairs.append(
            Relationship(
                program=program,
                mentor_id=mentors[n % len(mentors)],
                mentee_id=mentee,
                focus=topic,
                origin=rng.choice(["proposal", "request"]),
                status=status,
                started_at=None if status == "agreeing" else made,
                created_at=made,
            )
        )
    Relationship.objects.bulk_create(pairs, batch_size=5000)
    meetings = []
    for pk, started in Relationship.objects.filter(
        program=program, started_at__isnull=False
    ).values_list("pk", "started_at"):
        for _ in range(2):
            span = max(1.0, (now - started).total_seconds() / 86400)
            meetings.append(
                Meeting(
                    relationship_id=pk,
                    starts_at=now - datetime.timedelta(days=rng.uniform(0, span)),
                    duration_minutes=rng.choice([30, 45, 60]),
                    status="held",
                )
            )
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    relationships_last_met_refresh(
        relationship_ids=Relationship.objects.filter(program=program).values_list("pk", flat=True)
    )
    waiting = mentees[len(mentees) // 2 :]
    Proposal.objects.bulk_create(
        [
            Proposal(
                program=program,
                mentor_id=mentors[n % len(mentors)],
                mentee_id=mentee,
                focus=topic,
                expires_at=now + datetime.timedelta(days=5),
                created_at=ago(rng.uniform(0, 20)),
            )
            for n, (mentee, _) in enumerate(waiting[:2000])
        ],
        batch_size=5000,
    )
    MentorshipRequest.objects.bulk_create(
        [
            MentorshipRequest(
                program=program,
                mentor_id=mentors[(n + 7) % len(mentors)],
                mentee_id=mentee,
                focus=topic,
                message="Hello",
                expires_at=now + datetime.timedelta(days=rng.uniform(0.5, 14)),
                created_at=ago(rng.uniform(0, 10)),
            )
            for n, (mentee, _) in enumerate(waiting[2000:4000])
        ],
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    busiest = (
        Relationship.objects.filter(program=program).values_list("mentor__user_id", flat=True)
    )[0]
    return program.pk, admin.pk, busiest


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _run(program_id: int, admin_id: int, mentor_id: int, people: int, repeat: int) -> None:
    from django.db import connection

    from tandem.accounts.models import User
    from tandem.insights.fairness.selectors import fairness_table
    from tandem.insights.impact.selectors import legacy_for_mentor, program_impact
    from tandem.insights.snapshots.services import (
        organization_snapshot_compute,
        snapshot_compute,
    )
    from tandem.insights.stalled.selectors import (
        DEFAULT_DAYS,
        Thresholds,
        default_weeks,
        stalled_counts,
        stalled_page,
    )
    from tandem.policy.access import programs_administered_by
    from tandem.programs.models import Program

    program = Program.objects.get(pk=program_id)
    admin = User.objects.get(pk=admin_id)
    mentor = User.objects.get(pk=mentor_id)
    thresholds = Thresholds(weeks=default_weeks(program), days=DEFAULT_DAYS)
    print(f"{people:,} participants on {connection.vendor}; median of {repeat} runs")
    print(f"{'what':<44} {'ms':>9}  result")
    cases: list[tuple[str, Callable[[], Any], Callable[[Any], str]]] = [
        (
            "stalled: first page and its count",
            lambda: stalled_page(
                program=program, thresholds=thresholds, kind="", sort="waiting", page=1
            ),
            lambda r: f"{r[0].paginator.count:,} items, {len(r[1])} shown",
        ),
        (
            "stalled: counts for the admin's home",
            lambda: stalled_counts(programs=programs_administered_by(admin)),
            lambda r: f"{sum(r.values()):,} items",
        ),
        (
            "fairness: table of all periods and sources",
            lambda: fairness_table(program=program),
            lambda r: f"{sum(row.shown for row in r.rows)} of {len(r.rows)} rows shown",
        ),
        (
            "impact: every mentor, sorted by hours",
            lambda: program_impact(program=program),
            lambda r: f"{r.mentors:,} mentors, {r.total.hours_given:,.0f} h",
        ),
        (
            "impact: one mentor's own page",
            lambda: legacy_for_mentor(user=mentor),
            lambda r: f"{r.total.people_helped} people helped",
        ),
    ]
    cases += [
        (
            "refresh task: compute and store every table",
            lambda: snapshot_compute(program=program),
            lambda r: (
                f"{r.mentor_rows.count():,} mentor rows, {len(r.fairness)} views, "
                f"{len(r.health)} health periods"
            ),
        ),
        (
            "refresh task: the organization's health",
            lambda: organization_snapshot_compute(organization=program.organization),
            lambda r: f"{len(r.health)} periods",
        ),
        *_page_cases(program, admin, repeat),
    ]
    for label, fn, describe in cases:
        if label.startswith("page"):
            # Pages are served by web processes, not the worker that just ran the refresh:
            # collect what the refresh left behind rather than bill it to the first page.
            gc.collect()
        seconds, result = _time(fn, repeat)
        print(f"{label:<44} {seconds * 1000:>9.0f}  {describe(result)}")


def _page_cases(
    program: Any, admin: Any, repeat: int
) -> list[tuple[str, Callable[[], Any], Callable[[Any], str]]]:
    """Whole pages as the admin gets them, read from the stored snapshot."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    # Signed in without the second step a real admin takes; the pages are the same.
    settings.MFA_REQUIRED_FOR_ADMINS = False
    client = Client()
    client.force_login(admin)

    def get(name: str, query: str = "", args: tuple[Any, ...] = ()) -> Callable[[], Any]:
        url = reverse(name, args=args or (program.pk,)) + query
        return lambda: client.get(url)

    organization = (program.organization_id,)

    def status(response: Any) -> str:
        return f"HTTP {response.status_code}, {len(response.content):,} bytes"

    return [
        ("page: health, the last 12 months", get("insights:program_health"), status),
        (
            "page: health, the last 24 months",
            get("insights:program_health", "?months=24"),
            status,
        ),
        (
            "download: time to match as CSV",
            get("insights:program_health_chart", args=(program.pk, "time-to-match", "csv")),
            status,
        ),
        (
            "download: meetings as an SVG image",
            get("insights:program_health_chart", args=(program.pk, "meetings", "svg")),
            status,
        ),
        (
            "page: organization health, 12 months",
            get("insights:organization_health", args=organization),
            status,
        ),
        (
            "download: organization's programs as Excel",
            get("insights:organization_health_chart", args=(*organization, "programs", "xlsx")),
            status,
        ),
        ("page: fairness, from the snapshot", get("insights:fairness"), status),
        (
            "page: fairness, last 6 months, rounds",
            get("insights:fairness", "?period=6&source=rounds"),
            status,
        ),
        ("page: impact, first page by hours", get("insights:impact"), status),
        ("page: impact, page 200 by name", get("insights:impact", "?sort=name&page=200"), status),
        (
            "export: impact as CSV (every mentor)",
            get("insights:impact_export", args=(program.pk, "csv")),
            status,
        ),
        ("page: stalled, first page", get("insights:stalled"), status),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("TASK_BACKEND", "dummy")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        start = time.perf_counter()
        program_id, admin_id, mentor_id = _build(args.people, random.Random(5))
        print(f"built in {time.perf_counter() - start:.0f} s")
        _run(program_id, admin_id, mentor_id, args.people, args.repeat)
    finally:
        teardown_databases(config, verbosity=0)


if __name__ == "__main__":
    main()

"""Compute a program's insights and store them; ask for a new computation; forget a person.

The fairness table counts nine views in Python to decide what to hide, the impact table
groups six counts over every mentor, and the health charts count each period's history:
seconds at 100,000 participants. So the pages read what the last computation stored, and a
task recomputes it nightly or on request. Only what the live pages would show is stored: a
hidden figure is stored as missing. An organization's health page combines its programs
into figures (medians, hidden cells) that no sum of the programs' gives, so it has a
snapshot of its own, computed the same way.
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import Organization, User
from tandem.insights.fairness.selectors import Row, fairness_tables
from tandem.insights.health import PERIODS, Chart, health_charts, program_table, scope_for
from tandem.insights.impact.formats import help_figures
from tandem.insights.impact.interviews import program_interview_figures
from tandem.insights.impact.selectors import FIGURE_FIELDS, program_impact
from tandem.insights.models import MentorFigures, OrganizationSnapshot, Snapshot
from tandem.programs.models import Enrollment, Program

S = TypeVar("S", Snapshot, OrganizationSnapshot)

# Older than this, the scheduler's nightly pass computes the snapshot again.
REFRESH_AFTER = datetime.timedelta(hours=23)
# A program this small is computed on the spot the first time its page is opened.
SMALL_PROGRAM = 2000
# A request not done after this long belongs to a lost task: the scheduler asks again.
REQUEST_LOST_AFTER = datetime.timedelta(hours=1)
# The stored tables of a program's snapshot, each read by one page.
TABLES = ("fairness", "impact", "health")
ROW_FIELDS = (
    "dimension",
    "group",
    "shown",
    "people",
    "matched",
    "match_rate",
    "median_days",
    "other_department_share",
    "other_level_share",
    "flags",
)


def stored_row(row: Row) -> dict[str, Any]:
    """Return what a fairness row shows: a hidden figure is None, never its count."""
    return {name: getattr(row, name) for name in ROW_FIELDS}


def stored_chart(chart: Chart) -> dict[str, Any]:
    """Return a chart as the page shows it: its hidden cells are already None."""
    return asdict(chart)


def _health(
    programs: Sequence[Program], now: datetime.datetime, *, table: bool = False
) -> dict[str, Any]:
    """Return every period's health charts, and with ``table`` the one row a program.

    Months are counted in UTC, whoever asks: the nightly task and an admin's first visit
    from another zone must store the same months.
    """
    stored: dict[str, Any] = {}
    with timezone.override(datetime.UTC):
        for months in PERIODS:
            scope = scope_for(programs, months=months, now=now)
            view: dict[str, Any] = {"charts": [stored_chart(c) for c in health_charts(scope)]}
            if table:
                view["table"] = stored_chart(program_table(scope, programs))
            stored[str(months)] = view
    return stored


def _fairness(program: Program, now: datetime.datetime) -> dict[str, Any]:
    return {
        f"{window}:{source}": {
            "total": stored_row(table.total),
            "rows": [stored_row(row) for row in table.rows],
            "cohorts": [stored_row(row) for row in table.cohorts],
        }
        for (window, source), table in fairness_tables(program=program, now=now).items()
    }


@transaction.atomic
def snapshot_compute(*, program: Program) -> Snapshot:
    """Compute the program's fairness, impact and health figures now and store them whole."""
    now = timezone.now()
    fairness = _fairness(program, now)
    health = _health([program], now)
    impact = program_impact(program=program)
    snapshot, _ = Snapshot.objects.select_for_update().get_or_create(program=program)
    snapshot.mentor_rows.all().delete()
    MentorFigures.objects.bulk_create(
        [
            MentorFigures(
                snapshot=snapshot,
                enrollment_id=row.enrollment_id,
                name=row.name,
                name_key=row.name.lower(),
                **{name: getattr(row.figures, name) for name in FIGURE_FIELDS},
            )
            for row in impact.rows
        ],
        batch_size=2000,
    )
    snapshot.fairness = fairness
    snapshot.impact = {
        "total": asdict(impact.total),
        "people_distribution": [asdict(b) for b in impact.people_distribution],
        "hours_distribution": [asdict(b) for b in impact.hours_distribution],
        "median_hours": impact.median_hours,
        "interviews": asdict(program_interview_figures(program=program, now=now)),
    }
    snapshot.mentors = impact.mentors
    snapshot.health = health
    snapshot.figures = asdict(help_figures(programs=[program], now=now))
    _answered(snapshot, now)
    snapshot.save()
    return snapshot


def snapshot_refresh(*, program_id: int, requested_at: datetime.datetime | None = None) -> str:
    """Compute a program's snapshot unless one newer than the request exists: safe twice."""
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        return "no such program"
    done = Snapshot.objects.filter(program=program).values_list("computed_at", flat=True).first()
    if done is not None and requested_at is not None and done >= requested_at:
        return "already computed"
    snapshot_compute(program=program)
    return "computed"


def _request(model: type[S], enqueue: Callable[[str], object], **owner: Any) -> S:
    now = timezone.now()
    with transaction.atomic():
        snapshot, _ = model.objects.select_for_update().get_or_create(**owner)
        if snapshot.requested_at is not None and now - snapshot.requested_at < REQUEST_LOST_AFTER:
            # Already asked for and not yet done: one computation answers both.
            return snapshot
        snapshot.requested_at = now
        snapshot.save(update_fields=["requested_at"])
    requested = now.isoformat()
    transaction.on_commit(lambda: enqueue(requested))
    return snapshot


def _answered(snapshot: Snapshot | OrganizationSnapshot, now: datetime.datetime) -> None:
    snapshot.computed_at = now
    # A request made while this ran is answered by it only if made before it started.
    if snapshot.requested_at is not None and snapshot.requested_at <= now:
        snapshot.requested_at = None


def snapshot_request(*, program: Program) -> Snapshot:
    """Ask for the program's insights to be computed again, in the background."""
    from tandem.insights.snapshots.tasks import refresh_program_insights

    return _request(
        Snapshot,
        lambda requested: refresh_program_insights.enqueue(program.pk, requested),
        program=program,
    )


def snapshot_for_page(*, program: Program, reads: str) -> Snapshot:
    """Return the program's snapshot; the first time, compute a small one or ask for a big one.

    ``reads`` names the stored table the page shows; the others are left unread. A
    snapshot stored before that table existed counts as never computed for that page.
    """
    snapshot = Snapshot.objects.filter(program=program).defer(*_unread(reads)).first()
    if snapshot is not None and snapshot.computed_at is not None and getattr(snapshot, reads):
        return snapshot
    if Enrollment.objects.filter(program=program).count() <= SMALL_PROGRAM:
        return snapshot_compute(program=program)
    return snapshot_request(program=program)


def _unread(reads: str) -> list[str]:
    if reads not in TABLES:
        raise ValueError(f"No stored table {reads!r}.")
    return [table for table in TABLES if table != reads]


def snapshots_refresh_due(*, now: datetime.datetime | None = None) -> int:
    """Ask for every live program's insights that are a day old, or were never computed,
    and for the health of every organization running a live program."""
    now = now or timezone.now()
    fresh = Snapshot.objects.filter(computed_at__gt=now - REFRESH_AFTER).values("program")
    waiting = Snapshot.objects.filter(requested_at__gt=now - REQUEST_LOST_AFTER).values("program")
    due = (
        Program.objects.filter(status=Program.Status.ACTIVE)
        .exclude(pk__in=fresh)
        .exclude(pk__in=waiting)
    )
    count = 0
    for program in due:
        snapshot_request(program=program)
        count += 1
    organizations = OrganizationSnapshot.objects.filter(
        Q(computed_at__gt=now - REFRESH_AFTER) | Q(requested_at__gt=now - REQUEST_LOST_AFTER)
    ).values("organization")
    for organization in (
        Organization.objects.filter(programs__status=Program.Status.ACTIVE)
        .exclude(pk__in=organizations)
        .distinct()
    ):
        organization_snapshot_request(organization=organization)
        count += 1
    return count


def snapshots_forget_person(*, person: User, programs: Any = None) -> int:
    """Remove a person's own row from the stored impact tables (their name and figures)."""
    enrollments = Enrollment.objects.filter(user=person)
    if programs is not None:
        enrollments = enrollments.filter(program__in=programs)
    deleted, _ = MentorFigures.objects.filter(enrollment__in=enrollments).delete()
    return deleted


# An organization's health, all its programs together.


@transaction.atomic
def organization_snapshot_compute(*, organization: Organization) -> OrganizationSnapshot:
    """Compute the health charts of all the organization's programs together and store them."""
    now = timezone.now()
    programs = list(organization.programs.order_by("name"))
    health = _health(programs, now, table=True)
    snapshot, _ = OrganizationSnapshot.objects.select_for_update().get_or_create(
        organization=organization
    )
    snapshot.health = health
    snapshot.figures = asdict(help_figures(programs=programs, now=now))
    _answered(snapshot, now)
    snapshot.save()
    return snapshot


def organization_snapshot_refresh(
    *, organization_id: int, requested_at: datetime.datetime | None = None
) -> str:
    """Compute an organization's health unless a computation since the request did."""
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None:
        return "no such organization"
    done = (
        OrganizationSnapshot.objects.filter(organization=organization)
        .values_list("computed_at", flat=True)
        .first()
    )
    if done is not None and requested_at is not None and done >= requested_at:
        return "already computed"
    organization_snapshot_compute(organization=organization)
    return "computed"


def organization_snapshot_request(*, organization: Organization) -> OrganizationSnapshot:
    """Ask for the organization's health charts to be computed again, in the background."""
    from tandem.insights.snapshots.tasks import refresh_organization_health

    return _request(
        OrganizationSnapshot,
        lambda requested: refresh_organization_health.enqueue(organization.pk, requested),
        organization=organization,
    )


def organization_snapshot_for_page(*, organization: Organization) -> OrganizationSnapshot:
    """Return the organization's health snapshot; the first time, compute it when its programs
    are small together, or ask for it."""
    snapshot = OrganizationSnapshot.objects.filter(organization=organization).first()
    if snapshot is not None and snapshot.computed_at is not None:
        return snapshot
    enrolled = Enrollment.objects.filter(program__organization=organization).count()
    if enrolled <= SMALL_PROGRAM:
        return organization_snapshot_compute(organization=organization)
    return organization_snapshot_request(organization=organization)

"""Compute a program's insights and store them; ask for a new computation; forget a person.

The fairness table counts nine views in Python to decide what to hide, and the impact
table groups six counts over every mentor: seconds at 100,000 participants. So the pages
read what the last computation stored, and a task recomputes it nightly or on request.
Only what the live tables would show is stored: a hidden figure is stored as missing.
"""

import datetime
from dataclasses import asdict
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.insights.fairness.selectors import Row, fairness_tables
from tandem.insights.impact.selectors import FIGURE_FIELDS, program_impact
from tandem.insights.models import MentorFigures, Snapshot
from tandem.programs.models import Enrollment, Program

# Older than this, the scheduler's nightly pass computes the snapshot again.
REFRESH_AFTER = datetime.timedelta(hours=23)
# A program this small is computed on the spot the first time its page is opened.
SMALL_PROGRAM = 2000
# A request not done after this long belongs to a lost task: the scheduler asks again.
REQUEST_LOST_AFTER = datetime.timedelta(hours=1)
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
    """Compute the program's fairness and impact tables now and store them whole."""
    now = timezone.now()
    fairness = _fairness(program, now)
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
    }
    snapshot.mentors = impact.mentors
    snapshot.computed_at = now
    # A request made while this ran is answered by it only if made before it started.
    if snapshot.requested_at is not None and snapshot.requested_at <= now:
        snapshot.requested_at = None
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


def snapshot_request(*, program: Program) -> Snapshot:
    """Ask for the program's insights to be computed again, in the background."""
    from tandem.insights.snapshots.tasks import refresh_program_insights

    now = timezone.now()
    with transaction.atomic():
        snapshot, _ = Snapshot.objects.select_for_update().get_or_create(program=program)
        if snapshot.requested_at is not None and now - snapshot.requested_at < REQUEST_LOST_AFTER:
            # Already asked for and not yet done: one computation answers both.
            return snapshot
        snapshot.requested_at = now
        snapshot.save(update_fields=["requested_at"])
    requested = now.isoformat()
    transaction.on_commit(lambda: refresh_program_insights.enqueue(program.pk, requested))
    return snapshot


def snapshot_for_page(*, program: Program, skip: str = "") -> Snapshot:
    """Return the program's snapshot; the first time, compute a small one or ask for a big one.

    ``skip`` names a stored table the page does not show, left unread.
    """
    stored = Snapshot.objects.filter(program=program)
    snapshot = (stored.defer(skip) if skip else stored).first()
    if snapshot is not None and snapshot.computed_at is not None:
        return snapshot
    if Enrollment.objects.filter(program=program).count() <= SMALL_PROGRAM:
        return snapshot_compute(program=program)
    return snapshot_request(program=program)


def snapshots_refresh_due(*, now: datetime.datetime | None = None) -> int:
    """Ask for every live program whose insights are a day old, or were never computed."""
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
    return count


def snapshots_forget_person(*, person: User, programs: Any = None) -> int:
    """Remove a person's own row from the stored impact tables (their name and figures)."""
    enrollments = Enrollment.objects.filter(user=person)
    if programs is not None:
        enrollments = enrollments.filter(program__in=programs)
    deleted, _ = MentorFigures.objects.filter(enrollment__in=enrollments).delete()
    return deleted

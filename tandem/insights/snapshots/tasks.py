"""Compute programs' insights in the background; thin, and safe to run twice."""

import datetime

from django_tasks import task

from tandem.insights.snapshots.services import (
    organization_snapshot_refresh,
    snapshot_refresh,
    snapshots_refresh_due,
)


@task()
def refresh_program_insights(program_id: int, requested_at: str | None = None) -> str:
    """Compute one program's insights, unless a computation since the request did."""
    when = datetime.datetime.fromisoformat(requested_at) if requested_at else None
    return snapshot_refresh(program_id=program_id, requested_at=when)


@task()
def refresh_due_insights() -> int:
    """Ask for the insights of every live program, and its organization's health, a day old."""
    return snapshots_refresh_due()


@task()
def refresh_organization_health(organization_id: int, requested_at: str | None = None) -> str:
    """Compute an organization's health charts, unless a computation since the request did."""
    when = datetime.datetime.fromisoformat(requested_at) if requested_at else None
    return organization_snapshot_refresh(organization_id=organization_id, requested_at=when)

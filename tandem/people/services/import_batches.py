"""An uploaded people file from its preview to its import, which runs in the task worker.

A file of 100,000 people takes longer to import than a web request may last, so the admin's
confirmation only queues the import (``import_batch_confirm``) and the task worker runs it
(``import_batch_run``); the page shows where it stands. The import itself is still one
transaction: all of the file, or, on any error, nothing.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import Organization, User
from tandem.core.errors import DomainError
from tandem.people.models import ImportBatch
from tandem.people.services.import_files import Table, import_file_read
from tandem.people.services.imports import ImportPlan, ImportRefused, import_apply

# An upload nobody confirmed is kept this long: the admin's preview, not an archive.
IMPORT_BATCH_KEPT = datetime.timedelta(days=1)
STOPPED = (
    "The import stopped on an unexpected error, so nothing was imported. Try again; if it "
    "stops again, ask whoever runs Tandem for your organization to look at the task log."
)


def import_batches_prune(
    *, organization: Organization | None = None, now: datetime.datetime | None = None
) -> int:
    """Delete uploads nobody confirmed in time, with the people's rows they hold."""
    batches = ImportBatch.objects.filter(
        created_at__lt=(now or timezone.now()) - IMPORT_BATCH_KEPT
    ).exclude(state__in=[ImportBatch.State.QUEUED, ImportBatch.State.IMPORTING])
    if organization is not None:
        batches = batches.filter(organization=organization)
    deleted, _ = batches.delete()
    return deleted


@transaction.atomic
def import_batch_create(
    *,
    organization: Organization,
    by: User | None,
    name: str,
    content: bytes,
    mark_leavers: bool = False,
    allow_new_departments: bool = False,
) -> ImportBatch:
    """Read an uploaded file and keep its rows until the admin confirms or starts over."""
    table = import_file_read(name=name, content=content)
    import_batches_prune(organization=organization)
    return ImportBatch.objects.create(
        organization=organization,
        uploaded_by=by,
        file_name=name[:255],
        columns=table.columns,
        rows=table.rows,
        mark_leavers=mark_leavers,
        allow_new_departments=allow_new_departments,
    )


@transaction.atomic
def import_batch_discard(*, batch: ImportBatch) -> None:
    """Forget an upload without importing it."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.running:
        raise DomainError("The import has started, so the file can no longer be set aside.")
    batch.delete()


@transaction.atomic
def import_batch_confirm(
    *, batch: ImportBatch, by: User, send_invitations: bool = False
) -> ImportBatch:
    """Queue the import of a previewed file; confirming it twice queues it once."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state not in (ImportBatch.State.PREVIEW, ImportBatch.State.FAILED):
        return batch
    batch.state = ImportBatch.State.QUEUED
    batch.confirmed_by = by
    batch.send_invitations = send_invitations
    batch.problem = ""
    batch.save(update_fields=["state", "confirmed_by", "send_invitations", "problem", "updated_at"])
    from tandem.people.tasks import import_people_file

    transaction.on_commit(lambda: import_people_file.enqueue(batch.pk))
    return batch


def import_batch_run(*, batch_id: int) -> ImportBatch | None:
    """Import a confirmed file; a file already imported, or not confirmed, is left alone."""
    with transaction.atomic():
        batch = _locked(batch_id, ImportBatch.State.QUEUED, ImportBatch.State.IMPORTING)
        if batch is None:
            return None
        # Seen by the admin's page while the import's own transaction is still open.
        batch.state, batch.started_at = ImportBatch.State.IMPORTING, timezone.now()
        batch.save(update_fields=["state", "started_at", "updated_at"])
    try:
        with transaction.atomic():
            # Held to the end, so that a second run of the task waits, then finds it done.
            batch = _locked(batch_id, ImportBatch.State.IMPORTING)
            if batch is None:
                return None
            plan = import_apply(
                organization=batch.organization,
                table=Table(batch.columns, batch.rows),
                by=batch.confirmed_by,
                file_name=batch.file_name,
                mark_leavers=batch.mark_leavers,
                allow_new_departments=batch.allow_new_departments,
                send_invitations=batch.send_invitations,
            )
            _finish(batch, plan)
            return batch
    except ImportRefused as refused:
        # The organization changed after the preview (someone left, a manager moved), and
        # the file no longer fits it: back to the preview, which lists the new problems.
        count = len(refused.plan.errors)
        problem = (
            f"Nothing was imported: with the organization as it is now, the file has {count} "
            f"problem{'s' if count != 1 else ''}. They are listed below."
        )
        _stop(batch_id, ImportBatch.State.PREVIEW, problem)
    except Exception:
        _stop(batch_id, ImportBatch.State.FAILED, STOPPED)
        raise
    return None


def _locked(batch_id: int, *states: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("organization", "confirmed_by")
        .filter(pk=batch_id, state__in=states)
        .first()
    )


def _finish(batch: ImportBatch, plan: ImportPlan) -> None:
    batch.state = ImportBatch.State.IMPORTED
    batch.finished_at = timezone.now()
    batch.summary = {
        "changed_anything": plan.has_changes,
        "new_people": len(plan.new_people),
        "joining": len(plan.joining),
        "new_departments": len(plan.new_departments),
        "changes": len(plan.changes),
        "unchanged": plan.unchanged,
        "leavers": len(plan.leavers),
        "erased": len(plan.erased),
        "invited": bool(batch.send_invitations and plan.new_people),
    }
    # The people's rows were only needed to import them.
    batch.rows = []
    batch.save(update_fields=["state", "finished_at", "summary", "rows", "updated_at"])


def _stop(batch_id: int, state: str, problem: str) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(
        state=state, problem=problem, finished_at=timezone.now(), updated_at=timezone.now()
    )

"""Members exports: asked for on the list, built by a background task, downloaded once ready.

A file of 100,000 people takes a minute or more to write, longer than a web request may
last, so the request only records what was asked and the task writes the file.
"""

import datetime
import logging
import secrets
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import Membership, Organization, User
from tandem.core.errors import DomainError
from tandem.core.spreadsheets import csv_bytes, xlsx_bytes
from tandem.people.models import MemberExport
from tandem.people.selectors import members as selectors

logger = logging.getLogger(__name__)

# Long enough to come back for the file the next morning, short enough that copies of
# everyone's details do not pile up.
MEMBER_EXPORT_KEPT = datetime.timedelta(hours=24)

# The progress shown while the file is written is saved once per this many rows.
PROGRESS_EVERY = selectors.EXPORT_CHUNK


@transaction.atomic
def member_export_request(
    *, organization: Organization, by: User, file_format: str, filters: selectors.MemberFilters
) -> MemberExport:
    """Record an admin's request for a members file and start building it after commit."""
    from tandem.people.tasks import build_member_export

    if file_format not in MemberExport.Format.values:
        raise DomainError("Choose CSV or Excel.")
    export = MemberExport.objects.create(
        organization=organization,
        requested_by=by,
        file_format=file_format,
        filters=filters.to_stored(),
        expires_at=timezone.now() + MEMBER_EXPORT_KEPT,
    )
    transaction.on_commit(lambda: build_member_export.enqueue(export.pk))
    return export


def member_export_build(*, export_id: int) -> None:
    """Write the members file of a waiting export and mark it ready; a finished one is kept."""
    export = MemberExport.objects.select_related("organization").filter(pk=export_id).first()
    if export is None or export.status in (MemberExport.Status.READY, MemberExport.Status.FAILED):
        return
    filters = selectors.MemberFilters.from_stored(export.filters, organization=export.organization)
    if filters is None:
        # The department chosen was removed before the task ran: writing the whole list
        # instead would hand out more than was asked for.
        _fail(export, "The department chosen no longer exists; ask for the export again.")
        return
    members = selectors.members_filtered(organization=export.organization, filters=filters)
    building = {"status": MemberExport.Status.BUILDING, "rows_total": members.order_by().count()}
    if not _record(export, **building, rows_done=0):
        return
    try:
        content = _write(export, members)
    except Exception:
        logger.exception("Members export %s failed", export.pk)
        _fail(export, "Something went wrong while writing the file; ask for it again.")
        raise
    # Written before it is recorded: a crash in between leaves no row pointing at nothing.
    name = default_storage.save(
        f"member-exports/{secrets.token_urlsafe(24)}.{export.file_format}", ContentFile(content)
    )
    if not _record(
        export, file_name=name, status=MemberExport.Status.READY, rows_done=export.rows_done
    ):
        # An erasure deleted the export while it was written: the file goes too, since it
        # may hold the erased person.
        default_storage.delete(name)


def _record(export: MemberExport, **values: Any) -> bool:
    """Save these values on the export; say False when the export was deleted meanwhile."""
    for name, value in values.items():
        setattr(export, name, value)
    return bool(
        MemberExport.objects.filter(pk=export.pk).update(**values, updated_at=timezone.now())
    )


def _write(export: MemberExport, members: QuerySet[Membership]) -> bytes:
    rows = _counting(export, selectors.members_export_rows(members))
    if export.file_format == MemberExport.Format.XLSX:
        return xlsx_bytes(selectors.EXPORT_HEADERS, rows, title="Members")
    return csv_bytes(selectors.EXPORT_HEADERS, rows)


def _counting(export: MemberExport, rows: Iterator[list[str]]) -> Iterator[list[str]]:
    for done, row in enumerate(rows, start=1):
        yield row
        if done % PROGRESS_EVERY == 0:
            MemberExport.objects.filter(pk=export.pk).update(rows_done=done)
        export.rows_done = done


def _fail(export: MemberExport, error: str) -> None:
    _record(export, status=MemberExport.Status.FAILED, error=error)


@transaction.atomic
def member_exports_delete(*, organization_ids: Iterable[int]) -> int:
    """Delete every members export of these organizations, and their files once committed.

    An erasure calls this: a file written earlier holds the erased person's name and
    address, in their own row and in their reports' manager columns.
    """
    exports = MemberExport.objects.filter(organization_id__in=list(organization_ids))
    names = [name for name in exports.values_list("file_name", flat=True) if name]
    deleted, _ = exports.delete()
    transaction.on_commit(lambda: _files_delete(names))
    return deleted


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def member_exports_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete expired members exports and their files; return how many."""
    expired = MemberExport.objects.filter(expires_at__lte=now or timezone.now())
    deleted = 0
    for export in expired.only("pk", "file_name"):
        if export.file_name:
            default_storage.delete(export.file_name)
        export.delete()
        deleted += 1
    return deleted

"""An admin list as a CSV or Excel file, recorded in the security log."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse

from tandem.accounts.models import Organization, User
from tandem.core.spreadsheets import Row, file_name, spreadsheet_response
from tandem.programs.models import Program
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


def organization_export(
    request: HttpRequest,
    *,
    organization: Organization,
    what: str,
    title: str,
    headers: Sequence[str],
    rows: list[Row],
    file_format: str,
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """Return the rows as a download and log who took what, with how many rows."""
    response = spreadsheet_response(
        headers=list(headers),
        rows=rows,
        file_format=file_format,
        name=file_name(slug=organization.slug, what=what, file_format=file_format),
        title=title,
    )
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        organization_id=organization.pk,
        detail={"what": what, "format": file_format, "rows": len(rows), **(detail or {})},
    )
    return response


def personal_export(
    request: HttpRequest,
    *,
    user: User,
    what: str,
    title: str,
    headers: Sequence[str],
    rows: list[Row],
    file_format: str,
) -> HttpResponse:
    """Return a person's own list as a download and log that they took it."""
    response = spreadsheet_response(
        headers=list(headers),
        rows=rows,
        file_format=file_format,
        name=file_name(slug=f"user-{user.pk}", what=what, file_format=file_format),
        title=title,
    )
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        user=user,
        detail={"what": what, "format": file_format, "rows": len(rows)},
    )
    return response


def program_export(
    request: HttpRequest,
    *,
    program: Program,
    what: str,
    title: str,
    headers: Sequence[str],
    rows: list[Row],
    file_format: str,
    detail: dict[str, Any] | None = None,
) -> HttpResponse:
    """Return one program's list as a download, logged with the program it is of."""
    return organization_export(
        request,
        organization=program.organization,
        what=what,
        title=title,
        headers=headers,
        rows=rows,
        file_format=file_format,
        detail={"program": program.pk, **(detail or {})},
    )

"""One program's admin list as a CSV or Excel file, recorded in the security log."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse

from tandem.core.spreadsheets import Row, file_name, spreadsheet_response
from tandem.programs.models import Program
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


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
    """Return the rows as a download and log who took what, with how many rows."""
    response = spreadsheet_response(
        headers=list(headers),
        rows=rows,
        file_format=file_format,
        name=file_name(slug=program.organization.slug, what=what, file_format=file_format),
        title=title,
    )
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        organization_id=program.organization_id,
        detail={
            "what": what,
            "program": program.pk,
            "format": file_format,
            "rows": len(rows),
            **(detail or {}),
        },
    )
    return response

"""The id of a row in a path: positive and small enough for the database's integer."""

from typing import Annotated

from ninja import Path

from tandem.core.http import MAX_ID_DIGITS

RowId = Annotated[int, Path(ge=1, le=10**MAX_ID_DIGITS - 1)]

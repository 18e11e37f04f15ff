"""Pages of API lists: ?limit= and ?offset=, with the total count."""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import create_model

# Past this many rows nobody pages by offset; a larger one would overflow the database's
# integer before it could answer an empty page.
MAX_OFFSET = 1_000_000

M = TypeVar("M", bound=Model)
T = TypeVar("T")


class PageIn(Schema):
    limit: int = Field(
        settings.NINJA_PAGINATION_PER_PAGE,
        ge=1,
        le=settings.NINJA_PAGINATION_MAX_LIMIT,
        description="How many items to return.",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


def page_of(item: type[Schema]) -> type[Schema]:
    """Return the schema of one page of a list of these items."""
    name = item.__name__.removesuffix("Out") + "Page"
    return create_model(
        name,
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        count=(int, Field(description="How many items the whole list holds.")),
        limit=(int, ...),
        offset=(int, ...),
    )


def paginate(
    queryset: QuerySet[M] | Sequence[T], page: PageIn, to_schema: Callable[[Any], Schema]
) -> dict[str, Any]:
    """Return one page of the queryset (or list) as schemas, with the whole list's count."""
    rows = list(queryset[page.offset : page.offset + page.limit])
    # A first page that is not full holds the whole list: no need to count it again.
    if page.offset == 0 and len(rows) < page.limit:
        count = len(rows)
    elif isinstance(queryset, QuerySet):
        count = queryset.count()
    else:
        count = len(queryset)
    return {
        "items": [to_schema(row) for row in rows],
        "count": count,
        "limit": page.limit,
        "offset": page.offset,
    }

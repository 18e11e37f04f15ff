"""What a caller may reach: a person's token reaches what they do; a service token, one org."""

from typing import TypeVar

from django.db.models import Model, QuerySet

from tandem.api.errors import ApiError
from tandem.api.services import Caller
from tandem.core.errors import NotFound

M = TypeVar("M", bound=Model)


def personal(caller: Caller) -> None:
    """Refuse a service token on what belongs to a person (their requests, relationships)."""
    if caller.is_service:
        raise ApiError(
            403,
            "A service token acts as an organization admin and has no requests, proposals "
            "or relationships of its own. Use a personal token.",
        )


def within(caller: Caller, queryset: QuerySet[M], path: str) -> QuerySet[M]:
    """Keep a service token to its own organization; a person's token is not narrowed."""
    if caller.organization is None:
        return queryset
    return queryset.filter(**{path: caller.organization.pk})


def check_within(caller: Caller, organization_id: int, message: str = "Not found.") -> None:
    """Answer 404 when a service token reaches into another organization."""
    if caller.organization is not None and caller.organization.pk != organization_id:
        raise NotFound(message)

"""Calling the pages' services from the API, with their fields named as the API names them."""

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from tandem.core.errors import DomainError

T = TypeVar("T")


def call(service: Callable[..., T], *, fields: Mapping[str, str] | None = None, **kwargs: Any) -> T:
    """Call a service; a DomainError keeps its message and names the API's own field."""
    try:
        return service(**kwargs)
    except DomainError as error:
        if error.field and fields and error.field in fields:
            raise type(error)(error.message, field=fields[error.field]) from error
        raise

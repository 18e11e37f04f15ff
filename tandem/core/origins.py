"""Where a conversation or a request came from, told by the app that led to it.

An app that starts informational interviews or mentoring requests on its own side (warm
introductions do) registers a reader here when Django starts; the pages of interviews and
requests ask ``origin_of`` and show the sentence it returns, so they know nothing of the
app that answers. A reader answers only to a person who may know the origin, else None.
"""

from typing import Literal, Protocol

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

Kind = Literal["interview", "mentorship_request"]


class Reader(Protocol):
    def __call__(
        self, *, user: AbstractBaseUser | AnonymousUser, kind: Kind, object_id: int
    ) -> str | None: ...


_readers: list[Reader] = []


def origin_register(reader: Reader) -> Reader:
    """Add a reader of origins; registering the same one twice keeps one."""
    if reader not in _readers:
        _readers.append(reader)
    return reader


def origin_of(*, user: AbstractBaseUser | AnonymousUser, kind: Kind, object_id: int) -> str | None:
    """Return how this interview or request came about, as this person may read it, or None."""
    for reader in _readers:
        found = reader(user=user, kind=kind, object_id=object_id)
        if found:
            return found
    return None

"""Errors that services and access helpers raise, and that views turn into responses."""

from django.http import Http404


class DomainError(Exception):
    """A rule of the domain forbids what was asked; the message is shown to the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Http404):
    """The object does not exist or the person may not see it; the two look the same."""

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from tandem.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind login_required: request.user is a signed-in User."""

    user: "User"
    htmx: HtmxDetails


# Ids fit a 64-bit column; a longer run of digits names nothing.
MAX_ID_DIGITS = 18


def id_from(value: str | None) -> int | None:
    """Return the id a query or form value names, or None when it names none."""
    # str.isdigit() also accepts "²" and "١٢", which int() refuses or reads as another number.
    if value and len(value) <= MAX_ID_DIGITS and value.isascii() and value.isdigit():
        return int(value)
    return None


class IdConverter:
    """A path segment that names a row: at most MAX_ID_DIGITS ASCII digits.

    Django's `int` converter takes any run of digits, and a 20-digit id overflows the
    database's integer before the view can say "not found"; this one is a 404 instead.
    """

    regex = f"[0-9]{{1,{MAX_ID_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)

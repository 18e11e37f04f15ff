from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from tandem.accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind login_required: request.user is a signed-in User."""

    user: "User"
    htmx: HtmxDetails

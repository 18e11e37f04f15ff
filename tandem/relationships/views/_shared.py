"""What every relationship view module shares."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from tandem.core.http import AuthenticatedHttpRequest


def redirect_with_message(
    request: AuthenticatedHttpRequest, message: str, to: str, *args: int
) -> HttpResponse:
    messages.success(request, message)
    return redirect(to, *args)

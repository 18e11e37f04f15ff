"""The words a mentee shared with their mentors: see them, and take them back."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core.http import AuthenticatedHttpRequest
from tandem.insights.impact import selectors, services


@login_required
def shared_words(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "insights/shared_words.html",
        {"shared": selectors.words_shared_by(author=request.user)},
    )


@login_required
@require_POST
def shared_words_withdraw(request: AuthenticatedHttpRequest, words_id: int) -> HttpResponse:
    services.shared_words_withdraw(author=request.user, words_id=words_id)
    messages.success(request, "Taken back: your mentor no longer sees these words.")
    return redirect("insights:shared_words")

"""The review of a circles round: its circles page by page, moves, locks and a people search."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.matching import circle_selectors, selectors
from tandem.matching.circle_review import round_circle_lock, round_circle_move
from tandem.matching.forms import CircleReviewForm, PersonSearchForm
from tandem.matching.models import MatchingRound
from tandem.policy.access import round_get_for_admin
from tandem.programs.models import Enrollment


def circle_round_review(
    request: AuthenticatedHttpRequest, matching_round: MatchingRound, context: dict[str, Any]
) -> HttpResponse:
    """Render a circles round's page (or, for htmx, its review section) on ``context``."""
    review_form = CircleReviewForm(request.GET)
    filters = review_form.filters()
    context = {
        **context,
        "filters": filters,
        "sorts": review_form.fields["sort"].choices,  # type: ignore[attr-defined]
        "flags": review_form.fields["flag"].choices,  # type: ignore[attr-defined]
    }
    if filters.show == "unplaced":
        context["unplaced"] = selectors.round_unmatched(
            matching_round=matching_round,
            page=request.GET.get("page"),
            listed="unplaced",
            key="member",
        )
    else:
        review = circle_selectors.circle_review(
            matching_round=matching_round, filters=filters, page=request.GET.get("page")
        )
        context["review"] = review
        context["back"] = filters.query(page=review.circles.number)
    if request.htmx and request.htmx.target == "review":
        return render(request, "matching/circle_round.html#review", context)
    return render(
        request, "matching/circle_round.html", {**context, "report": matching_round.report or {}}
    )


def circle_review_url(matching_round: MatchingRound, back: str) -> str:
    """Return the circles review page the admin acted from, its query string parsed again."""
    query = QueryDict(back)
    page = id_from(query.get("page"))
    shown = CircleReviewForm(query).filters().query(page=page or "")
    url = reverse("matching:round", args=[matching_round.pk])
    return f"{url}?{shown}" if shown else url


@login_required
@require_POST
def circle_action(request: AuthenticatedHttpRequest, round_id: int) -> HttpResponse:
    """Move someone into a circle, or lock or unlock a circle, then go back to the review."""
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    action = request.POST.get("action", "")
    circle_id = id_from(request.POST.get("circle")) or 0
    try:
        if action in ("lock", "unlock"):
            circle = round_circle_lock(
                matching_round=matching_round, circle_id=circle_id, locked=action == "lock"
            )
            messages.success(
                request, f"{circle.name} is {'locked' if circle.locked else 'unlocked'}."
            )
        elif action == "move":
            enrollment = Enrollment.objects.filter(
                program=matching_round.program_id, pk=id_from(request.POST.get("person")) or 0
            ).first()
            if enrollment is None:
                raise DomainError("Choose someone from the list.")
            row = round_circle_move(
                matching_round=matching_round, enrollment=enrollment, circle_id=circle_id
            )
            messages.success(
                request, f"{enrollment.user.full_name} is now in {row.circle.name}, pinned there."
            )
        else:
            raise DomainError("Unknown action.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(circle_review_url(matching_round, request.POST.get("back", "")))


@login_required
def circle_people_search(
    request: AuthenticatedHttpRequest, round_id: int, circle_id: int
) -> HttpResponse:
    """Find people of the round by name to move into one circle (htmx or a plain page)."""
    matching_round = round_get_for_admin(user=request.user, round_id=round_id)
    circle = circle_selectors.round_circle(matching_round=matching_round, circle_id=circle_id)
    form = PersonSearchForm(request.GET)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    back = (
        CircleReviewForm(request.GET).filters().query(page=id_from(request.GET.get("page")) or "")
    )
    context = {
        "r": matching_round,
        "circle": circle,
        "form": form,
        "found": (
            circle_selectors.round_people_named(
                matching_round=matching_round, q=name, circle=circle
            )
            if name
            else None
        ),
        "name": name,
        "back": back,
        "back_fields": list(QueryDict(back).items()),
    }
    if request.htmx and request.htmx.target == f"move-results-{circle.pk}":
        return render(request, "matching/circle_move.html#results", context)
    if request.htmx:
        return render(request, "matching/circle_move.html#search", context)
    return render(request, "matching/circle_move.html", context)

"""A mentee's reflection after a match that was not a fit, and what the next match takes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access import reflection_get_for_author
from tandem.programs.models import Topic
from tandem.programs.next_match import NextMatchAsks
from tandem.relationships import services
from tandem.relationships.forms import NextMatchForm
from tandem.relationships.models import Reflection
from tandem.relationships.rematch import describe, suggest_for
from tandem.relationships.views._shared import redirect_with_message


def _own_department(reflection: Reflection) -> str | None:
    membership = reflection.relationship.mentee.membership
    return membership.department.name if membership and membership.department else None


def _topic_names(reflection: Reflection) -> dict[int, str]:
    organization = reflection.relationship.program.organization_id
    return dict(
        Topic.objects.filter(organization_id=organization)
        .order_by("name")
        .values_list("pk", "name")
    )


@login_required
def reflection_detail(request: AuthenticatedHttpRequest, reflection_id: int) -> HttpResponse:
    reflection = reflection_get_for_author(user=request.user, reflection_id=reflection_id)
    asks = NextMatchAsks.from_json(reflection.relationship.mentee.next_match_asks)
    mine = asks.from_relationship == reflection.relationship_id
    return render(
        request,
        "relationships/reflection.html",
        {
            "reflection": reflection,
            "r": reflection.relationship,
            "confirmed": mine,
            "asks": describe(
                asks,
                own_department=_own_department(reflection),
                topic_names=_topic_names(reflection),
            )
            if mine
            else [],
        },
    )


@login_required
@require_POST
def reflection_share(request: AuthenticatedHttpRequest, reflection_id: int) -> HttpResponse:
    reflection = reflection_get_for_author(user=request.user, reflection_id=reflection_id)
    share = request.POST.get("share") == "1"
    try:
        services.reflection_share_set(reflection=reflection, author=request.user, share=share)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Shared: your next mentor can read it."
            if share
            else "No longer shared. It is still here, for you alone.",
        )
    return redirect("relationships:reflection", reflection.pk)


@login_required
def reflection_next_match(request: AuthenticatedHttpRequest, reflection_id: int) -> HttpResponse:
    reflection = reflection_get_for_author(user=request.user, reflection_id=reflection_id)
    relationship = reflection.relationship
    current = NextMatchAsks.from_json(relationship.mentee.next_match_asks)
    suggested, suggestions = suggest_for(reflection)
    # Once she confirmed asks from this reflection, she edits those; else she starts
    # from what the reflection suggests.
    start = current if current.from_relationship == relationship.pk else suggested
    own = _own_department(reflection)
    mentor = relationship.mentor.membership
    theirs = mentor.department.name if mentor and mentor.department else None
    departments = set(start.outside_departments) | set(suggested.outside_departments)
    if theirs and theirs != own:
        departments.add(theirs)
    topic_names = _topic_names(reflection)
    form = NextMatchForm(
        posted(request),
        initial=NextMatchForm.initial_for(start),
        own_department=own,
        departments=sorted(departments),
        topics=list(topic_names.items()),
    )
    if form.is_bound and form.is_valid():
        confirmed = run_service(
            form,
            services.next_match_asks_confirm,
            reflection=reflection,
            author=request.user,
            asks=form.asks(),
        )
        if confirmed is not None:
            program = relationship.program
            if program.matching_mode == program.MatchingMode.ROUNDS:
                return redirect_with_message(
                    request,
                    "Thank you. The next matching round will take this into account.",
                    "programs:detail",
                    program.pk,
                )
            return redirect_with_message(
                request,
                "Thank you. Here are mentors who may suit you better.",
                "relationships:directory",
                program.pk,
            )
    return render(
        request,
        "relationships/reflection_next_match.html",
        {
            "reflection": reflection,
            "r": relationship,
            "form": form,
            "suggestions": suggestions,
            "elsewhere": not current.is_empty and current.from_relationship != relationship.pk,
            "current": describe(current, own_department=own, topic_names=topic_names),
        },
    )

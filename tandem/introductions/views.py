"""Pages of warm introductions: thin views over the access policy and the services.

One introduction page serves its three kinds of people, each seeing their own part: the
asker the need and, once someone agreed, the connection; the introducer whom they
suggested; a person suggested their own suggestion only.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest
from tandem.interviews.forms import AskForm as InterviewForm
from tandem.introductions import selectors, services
from tandem.introductions.forms import AnswerForm, AskForm, SearchForm, SuggestForm
from tandem.introductions.models import MAX_SUGGESTIONS, Introduction, Suggestion
from tandem.policy.access import (
    enrollment_get_own,
    introduction_get_for_user,
    program_get_for_user,
    suggestion_get_for_user,
)
from tandem.policy.eligibility import introduction_refusal
from tandem.programs.models import Enrollment, Topic
from tandem.relationships.forms import RequestForm


@login_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "introductions/mine.html",
        {"mine": selectors.my_introductions(user=request.user)},
    )


def _own_enrollment(request: AuthenticatedHttpRequest, program_id: int) -> Enrollment:
    program = program_get_for_user(user=request.user, program_id=program_id)
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise NotFound("No such program.")
    return enrollment


def _query(request: AuthenticatedHttpRequest) -> tuple[SearchForm, str]:
    search = SearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    return search, query


@login_required
def colleagues(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    asker = _own_enrollment(request, program_id)
    search, query = _query(request)
    people = list(selectors.colleagues_for(asker=asker, query=query)[: selectors.SEARCH_LIMIT])
    return render(
        request,
        "introductions/colleagues.html",
        {"program": asker.program, "people": people, "search": search, "query": query},
    )


def _colleague(asker: Enrollment, enrollment_id: int) -> Enrollment:
    """Return someone taking part in the asker's program; 404 for anyone else."""
    colleague = (
        Enrollment.objects.filter(
            program=asker.program, status=Enrollment.Status.ACTIVE, pk=enrollment_id
        )
        .exclude(user_id=asker.user_id)
        .select_related("user", "program")
        .first()
    )
    if colleague is None:
        raise NotFound("No such person.")
    return colleague


@login_required
def ask(request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int) -> HttpResponse:
    asker = _own_enrollment(request, program_id)
    introducer = _colleague(asker, enrollment_id)
    form = AskForm(posted(request))
    if form.is_bound and form.is_valid():
        asked = run_service(
            form,
            services.introduction_ask,
            asker=asker,
            introducer=introducer,
            need=form.cleaned_data["need"],
        )
        if asked is not None:
            messages.success(
                request,
                f"Your request is with {introducer.user.display_name}. We will tell you.",
            )
            return redirect("introductions:detail", asked.pk)
    return render(
        request,
        "introductions/ask.html",
        {
            "program": asker.program,
            "introducer": introducer,
            "form": form,
            "refusal": introduction_refusal(asker=asker, introducer=introducer),
        },
    )


def _detail(
    request: AuthenticatedHttpRequest, introduction: Introduction, **forms: Any
) -> HttpResponse:
    user_id = request.user.pk
    context: dict[str, Any] = {"introduction": introduction}
    if introduction.introducer.user_id == user_id:
        search, query = _query(request)
        made = list(introduction.suggestions.select_related("person__user"))
        may_suggest = (
            introduction.status in Introduction.OPEN_STATUSES and len(made) < MAX_SUGGESTIONS
        )
        people = selectors.suggestable_people(introduction=introduction, query=query)
        context |= {
            "side": "introducer",
            "made": made,
            "may_suggest": may_suggest,
            "search": search,
            "query": query,
            "suggest_form": forms.get("suggest_form")
            or SuggestForm(people=people[: selectors.SEARCH_LIMIT]),
        }
    elif introduction.asker.user_id == user_id:
        context |= {
            "side": "asker",
            "connections": list(
                introduction.suggestions.filter(status=Suggestion.Status.AGREED).select_related(
                    "person__user", "interview", "mentorship_request"
                )
            ),
        }
    else:
        context |= {
            "side": "suggested",
            "mine": list(
                introduction.suggestions.filter(person__user_id=user_id).select_related(
                    "person__user", "interview", "mentorship_request"
                )
            ),
            "answer_form": forms.get("answer_form") or AnswerForm(),
        }
    return render(request, "introductions/detail.html", context)


@login_required
def detail(request: AuthenticatedHttpRequest, introduction_id: int) -> HttpResponse:
    introduction = introduction_get_for_user(user=request.user, introduction_id=introduction_id)
    return _detail(request, introduction)


def _introducer_only(request: AuthenticatedHttpRequest, introduction_id: int) -> Introduction:
    introduction = introduction_get_for_user(user=request.user, introduction_id=introduction_id)
    if introduction.introducer.user_id != request.user.pk:
        raise NotFound("No such introduction.")
    return introduction


@login_required
@require_POST
def suggest(request: AuthenticatedHttpRequest, introduction_id: int) -> HttpResponse:
    introduction = _introducer_only(request, introduction_id)
    people = selectors.suggestable_people(introduction=introduction)
    form = SuggestForm(request.POST, people=people)
    if form.is_valid():
        person = form.cleaned_data["person"]
        made = run_service(
            form,
            services.introduction_suggest,
            introduction=introduction,
            by=request.user,
            suggestions=[services.Suggested(person=person, note=form.cleaned_data["note"])],
        )
        if made is not None:
            messages.success(
                request,
                f"{person.user.display_name} is asked first. "
                f"{introduction.asker.user.display_name} hears of it only if they agree.",
            )
            return redirect("introductions:detail", introduction.pk)
    introduction.refresh_from_db()
    return _detail(request, introduction, suggest_form=form)


@login_required
@require_POST
def decline(request: AuthenticatedHttpRequest, introduction_id: int) -> HttpResponse:
    introduction = _introducer_only(request, introduction_id)
    try:
        services.introduction_decline(introduction=introduction, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Thank you for answering. No reason is given to them.")
    return redirect("introductions:detail", introduction.pk)


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = suggestion_get_for_user(user=request.user, suggestion_id=suggestion_id)
    if suggestion.person.user_id != request.user.pk:
        raise NotFound("No such introduction.")
    form = AnswerForm(request.POST)
    if form.is_valid():
        answered = run_service(
            form,
            services.suggestion_answer,
            suggestion=suggestion,
            by=request.user,
            agrees=form.cleaned_data["agrees"],
        )
        if answered is not None:
            messages.success(
                request,
                "You are connected. You can start a conversation below."
                if answered.is_connected
                else "Thank you for answering. Nobody is told who said no.",
            )
            return redirect("introductions:detail", suggestion.introduction_id)
    return _detail(request, suggestion.introduction, answer_form=form)


def _connection(request: AuthenticatedHttpRequest, suggestion_id: int) -> Suggestion:
    """Return a connection to one of its two people; 404 before they agreed or for others."""
    suggestion = suggestion_get_for_user(user=request.user, suggestion_id=suggestion_id)
    introduction = suggestion.introduction
    if not suggestion.is_connected or request.user.pk not in (
        introduction.asker.user_id,
        suggestion.person.user_id,
    ):
        raise NotFound("No such introduction.")
    return suggestion


def _other(suggestion: Suggestion, user_id: int) -> tuple[Enrollment, Enrollment]:
    asker = suggestion.introduction.asker
    if asker.user_id == user_id:
        return asker, suggestion.person
    return suggestion.person, asker


@login_required
def start_interview(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = _connection(request, suggestion_id)
    _me, other = _other(suggestion, request.user.pk)
    program = suggestion.introduction.program
    topics = Topic.objects.filter(organization_id=program.organization_id).order_by("name")
    form = InterviewForm(posted(request), topics=topics)
    if form.is_bound and form.is_valid():
        asked = run_service(
            form,
            services.connection_start_interview,
            suggestion=suggestion,
            by=request.user,
            **form.cleaned_data,
        )
        if asked is not None:
            if asked.declined_for_limit:
                messages.info(request, asked.reply)
            else:
                messages.success(
                    request, f"Your request is with {other.user.display_name}. We will tell you."
                )
            return redirect("interviews:detail", asked.pk)
    return render(
        request,
        "introductions/start_interview.html",
        {"suggestion": suggestion, "other": other, "form": form, "program": program},
    )


@login_required
def start_request(request: AuthenticatedHttpRequest, suggestion_id: int) -> HttpResponse:
    suggestion = _connection(request, suggestion_id)
    me, other = _other(suggestion, request.user.pk)
    form = RequestForm(posted(request), mentee=me, mentor=other)
    if form.is_bound and form.is_valid():
        sent = run_service(
            form,
            services.connection_start_request,
            suggestion=suggestion,
            by=request.user,
            **form.cleaned_data,
        )
        if sent is not None:
            messages.success(request, f"Your request is on its way to {other.user.display_name}.")
            return redirect("relationships:request", sent.pk)
    return render(
        request,
        "introductions/start_request.html",
        {
            "suggestion": suggestion,
            "other": other,
            "form": form,
            "program": suggestion.introduction.program,
        },
    )

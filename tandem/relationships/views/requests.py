"""Starting: the mentor directory, requests and their answers, and proposed matches."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import ModelChoiceField
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from tandem.board.models import Question
from tandem.coaching.selectors.profiles import coach_cards
from tandem.core.errors import DomainError, NotFound
from tandem.core.forms import posted, run_service
from tandem.core.http import AuthenticatedHttpRequest, id_from
from tandem.core.origins import origin_of
from tandem.policy.access import (
    enrollment_get_for_user,
    enrollment_get_own,
    program_get_for_user,
    proposal_get_for_user,
    question_get_for_user,
    request_get_for_user,
)
from tandem.policy.eligibility import pair_refusal
from tandem.programs.models import Enrollment, MeetingMode
from tandem.relationships import selectors, services
from tandem.relationships.forms import ProposalAnswerForm, ReplyForm, RequestForm
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.rematch import asks_in_force
from tandem.relationships.views._shared import redirect_with_message


@login_required
def mentor_directory(request: AuthenticatedHttpRequest, program_id: int) -> HttpResponse:
    mentee = _own_mentee_enrollment(request, program_id)
    directory = selectors.mentor_directory(
        mentee=mentee,
        topic_id=id_from(request.GET.get("topic")),
        mode=request.GET.get("mode", ""),
        accepting_only=request.GET.get("all") != "1",
        same_time_zone=request.GET.get("tz") == "same",
        with_expertise=False,  # the cards do not list topics
    )
    # Her own mentors and those she already asked get no second "Ask" button.
    working_with, asked = selectors.mentee_open_asks(mentee=mentee)
    asks, asked_in = asks_in_force(mentee, request.user)
    # In a coaching program each card also shows the coach's credentials, rate or hours.
    coaches = (
        coach_cards(card.enrollment.pk for card in directory.cards)
        if mentee.program.is_coaching
        else {}
    )
    return render(
        request,
        "relationships/directory.html",
        {
            "program": mentee.program,
            "mentee": mentee,
            # What she asked for after a match that was not a fit, shaping this list.
            "asks": asks,
            "asked_in": asked_in,
            "cards": [
                (
                    card,
                    working_with.get(card.enrollment.pk),
                    asked.get(card.enrollment.pk),
                    coaches.get(card.enrollment.pk),
                )
                for card in directory.cards
            ],
            "total": directory.total,
            # Why she cannot ask anyone now (all her mentors found, say), if so.
            "blocked": directory.refusal,
            "topics": [t.topic for t in mentee.topics.select_related("topic") if t.kind == "focus"],
            "filters": request.GET,
            "modes": MeetingMode.choices,
        },
    )


@login_required
def request_new(
    request: AuthenticatedHttpRequest, program_id: int, enrollment_id: int
) -> HttpResponse:
    mentee = _own_mentee_enrollment(request, program_id)
    mentor = enrollment_get_for_user(user=request.user, enrollment_id=enrollment_id)
    if mentor.program_id != mentee.program_id:
        raise NotFound("No such mentor.")
    origin = _origin_question(request, mentor)
    form = RequestForm(posted(request), mentee=mentee, mentor=mentor)
    if origin is not None:
        form.initial["message"] = board_request_message(origin, mentor)
        # The question's own topic first, when it is one of her focuses still open.
        focus = form.fields["focus"]
        assert isinstance(focus, ModelChoiceField) and focus.queryset is not None
        shared = focus.queryset.filter(pk__in=origin.topics.values("pk")).first()
        if shared is not None:
            form.initial["focus"] = shared.pk
    if form.is_bound and form.is_valid():
        sent = run_service(
            form,
            services.request_send,
            mentee=mentee,
            mentor=mentor,
            origin_question=origin,
            **form.cleaned_data,
        )
        if sent is not None:
            return redirect_with_message(
                request,
                f"Your request is on its way to {mentor.user.display_name}.",
                "relationships:request",
                sent.pk,
            )
    # Say up front when the policy refuses this pair, before anyone writes a message.
    refusal = (
        None if form.is_bound else pair_refusal(seeker=mentee, giver=mentor, reader=request.user.pk)
    )
    return render(
        request,
        "relationships/request_new.html",
        {
            "form": form,
            "mentor": mentor,
            "program": mentee.program,
            "refusal": refusal,
            "origin": origin,
        },
    )


def _origin_question(request: AuthenticatedHttpRequest, mentor: Enrollment) -> Question | None:
    """Return the asker's own board question this mentor answered, named in ?question=."""
    question_id = id_from(request.GET.get("question"))
    if question_id is None:
        return None
    question = question_get_for_user(user=request.user, question_id=question_id)
    if (
        question.author_id != request.user.pk
        or not question.answers.filter(author_id=mentor.user_id, is_hidden=False).exists()
    ):
        raise NotFound("No such question.")
    return question


def board_request_message(question: Question, mentor: Enrollment) -> str:
    """Start a request's message from the board thread: a link and the answer's first words."""
    answer = (
        question.answers.filter(author_id=mentor.user_id, is_hidden=False)
        .order_by("-helpful_marks", "created_at")
        .first()
    )
    excerpt = Truncator(answer.body if answer else "").words(40)
    link = f"{settings.SITE_URL.rstrip('/')}{reverse('board:question', args=[question.pk])}"
    return (
        f"Hello {mentor.user.display_name},\n\n"
        f"You answered my question on the board, “{question.title}” ({link}):\n"
        f"“{excerpt}”\n\n"
        "It helped me, and I would like to keep learning from you. "
    )


@login_required
def request_detail(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    ask = request_get_for_user(user=request.user, request_id=request_id)
    is_mentor = ask.mentor.user_id == request.user.pk
    form = ReplyForm(posted(request)) if is_mentor else None
    if form is not None and form.is_bound and form.is_valid():
        if form.cleaned_data["decision"] == "accept":
            started = run_service(
                form,
                services.request_accept,
                request=ask,
                by=request.user,
                reply=form.cleaned_data["reply"],
            )
            if started is not None:
                return redirect_with_message(
                    request,
                    "You said yes. Now write your agreement together.",
                    "relationships:agreement",
                    started.pk,
                )
        elif (
            run_service(
                form,
                services.request_decline,
                request=ask,
                by=request.user,
                reply=form.cleaned_data["reply"],
            )
            is not None
        ):
            return redirect_with_message(
                request,
                "Your answer is sent. Thank you for replying.",
                "relationships:request",
                ask.pk,
            )
    return render(
        request,
        "relationships/request.html",
        {
            "ask": ask,
            "is_mentor": is_mentor,
            "form": form,
            "templates": services.DECLINE_TEMPLATES,
            "pending": ask.status == MentorshipRequest.Status.PENDING,
            "origin": origin_of(user=request.user, kind="mentorship_request", object_id=ask.pk),
        },
    )


@login_required
@require_POST
def request_withdraw(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    ask = request_get_for_user(user=request.user, request_id=request_id)
    try:
        services.request_withdraw(request=ask, by=request.user)
        messages.success(request, "Your request is withdrawn.")
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("relationships:request", ask.pk)


def _own_mentee_enrollment(request: AuthenticatedHttpRequest, program_id: int) -> Enrollment:
    program = program_get_for_user(user=request.user, program_id=program_id)
    if program.is_circles:
        # Circles are formed in rounds: no directory to browse, nobody to ask one to one.
        raise NotFound("This program forms group circles; it has no mentor directory.")
    enrollment = enrollment_get_own(user=request.user, program=program)
    if enrollment is None or enrollment.status != Enrollment.Status.ACTIVE:
        raise NotFound("You are not in this program.")
    return enrollment


@login_required
def proposal_detail(request: AuthenticatedHttpRequest, proposal_id: int) -> HttpResponse:
    proposal = proposal_get_for_user(user=request.user, proposal_id=proposal_id)
    side = proposal.side_of(request.user.pk)
    form = ProposalAnswerForm(posted(request))
    if form.is_bound and form.is_valid():
        answered = run_service(
            form,
            services.proposal_answer,
            proposal=proposal,
            by=request.user,
            accept=form.cleaned_data["answer"] == "yes",
            private_reason=form.cleaned_data["private_reason"],
        )
        if answered is not None:
            if answered.relationship_id:
                return redirect_with_message(
                    request,
                    "You both said yes. Write your agreement together.",
                    "relationships:agreement",
                    answered.relationship_id,
                )
            return redirect_with_message(
                request, "Thank you for answering.", "relationships:proposal", proposal.pk
            )
    other = proposal.mentee if side == "mentor" else proposal.mentor
    return render(
        request,
        "relationships/proposal.html",
        {
            "p": proposal,
            "other": other,
            "form": form,
            "my_answer": getattr(proposal, f"{side}_answer"),
            "my_reason": getattr(proposal, f"{side}_decline_reason"),
        },
    )

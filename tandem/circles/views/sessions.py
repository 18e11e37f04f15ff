"""A circle's sessions for its members: planning, hot seats, the queue, notes, commitments.

Every object is fetched through the circle access helpers, so that only the circle's
people read a session's content; every change is one service call, whose refusals are
shown as form errors or messages. Each action is a plain form POST; the busier forms ask
htmx to swap the page's main part in place.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tandem.circles import selectors, services
from tandem.circles.forms import (
    AbsenceForm,
    CommitmentForm,
    FollowUpForm,
    NotesForm,
    QuestionForm,
    SessionsPlanForm,
    SwapOfferForm,
)
from tandem.circles.models import (
    Circle,
    CircleCommitment,
    CircleMembership,
    CircleSession,
    HotSeat,
    HotSeatSwap,
    SessionAbsence,
)
from tandem.circles.services.hot_seats import next_session
from tandem.circles.services.sessions import MAX_PLANNED
from tandem.core.errors import DomainError
from tandem.core.http import AuthenticatedHttpRequest
from tandem.policy.access import (
    circle_commitment_get_for_member,
    circle_get_for_member,
    circle_question_get_for_member,
    circle_session_get_for_member,
)

ACTIVE = CircleMembership.State.ACTIVE
PLANNED = CircleSession.State.PLANNED
PAST_SHOWN = 8
# Who reads a circle's sessions: as the access helpers say, those in it or invited to it.
_READS = (CircleMembership.State.PROPOSED, *CircleMembership.IN_CIRCLE)


def _mine(circle: Circle, request: AuthenticatedHttpRequest) -> CircleMembership:
    """Return the reader's place in a circle the access helper let them read."""
    return (
        circle.memberships.filter(enrollment__user=request.user, state__in=_READS)
        .select_related("enrollment__user")
        .get()
    )


def _acts(circle: Circle, mine: CircleMembership) -> bool:
    """Say whether the page offers the reader its forms: active members of an open circle."""
    return mine.state == ACTIVE and circle.is_open


def sessions_card(circle: Circle, mine: CircleMembership, agreed: bool) -> dict[str, Any]:
    """Return what the circle page's sessions card shows: upcoming, recent, and planning."""
    seats = HotSeat.objects.select_related("membership__enrollment__user")
    away = SessionAbsence.objects.select_related("membership__enrollment__user")
    sessions = circle.sessions.prefetch_related(
        Prefetch("hot_seats", queryset=seats), Prefetch("absences", queryset=away)
    )
    now = timezone.now()
    cancelled = CircleSession.State.CANCELLED
    ahead = list(
        sessions.filter(Q(state=PLANNED) | Q(state=cancelled, starts_at__gt=now)).order_by(
            "starts_at", "number"
        )
    )
    upcoming = [s for s in ahead if s.state == PLANNED]
    # A session cancelled ahead of its date is not a past one: it shows among those to
    # come while the circle meets, unless a new session took its time (after a pause).
    taken = {s.starts_at for s in upcoming}
    ahead = [
        s
        for s in ahead
        if s.state == PLANNED or (circle.state == Circle.State.ACTIVE and s.starts_at not in taken)
    ]
    past = list(
        sessions.exclude(state=PLANNED)
        .exclude(state=cancelled, starts_at__gt=now)
        .order_by("-number")[: PAST_SHOWN + 1]
    )
    may_plan = (
        mine.state == ACTIVE
        and circle.state == Circle.State.ACTIVE
        and agreed
        and circle.has_meeting_time
        and len(upcoming) < MAX_PLANNED
    )
    return {
        "upcoming": upcoming,
        "ahead": ahead,
        "next_session": upcoming[0] if upcoming else None,
        "past": past[:PAST_SHOWN],
        "more_past": len(past) > PAST_SHOWN,
        "may_plan": may_plan,
        "plan_form": SessionsPlanForm(initial={"count": min(4, MAX_PLANNED - len(upcoming))}),
    }


@login_required
@require_POST
def sessions_plan(request: AuthenticatedHttpRequest, circle_id: int) -> HttpResponse:
    circle = circle_get_for_member(user=request.user, circle_id=circle_id)
    form = SessionsPlanForm(request.POST)
    if not form.is_valid():
        for problem in form["count"].errors:
            messages.error(request, f"How many sessions: {problem}")
        return redirect(reverse("circles:detail", args=[circle.pk]) + "#sessions-h")
    try:
        planned = services.circle_sessions_plan(
            circle=circle, by=request.user, count=form.cleaned_data["count"]
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        numbers = ", ".join(str(s.number) for s in planned)
        plural = "s" if len(planned) > 1 else ""
        messages.success(request, f"Planned session{plural} {numbers}.")
    return redirect(reverse("circles:detail", args=[circle.pk]) + "#sessions-h")


def _session_context(
    request: AuthenticatedHttpRequest, session: CircleSession, bound: dict[str, forms.Form]
) -> dict[str, Any]:
    circle = session.circle
    mine = _mine(circle, request)
    members = list(
        circle.memberships.filter(state=ACTIVE)
        .select_related("enrollment__user")
        .order_by("created_at", "pk")
    )
    seats = list(session.hot_seats.select_related("membership__enrollment__user"))
    seated = {seat.membership_id for seat in seats}
    absences = list(session.absences.select_related("membership__enrollment__user"))
    absent = {a.membership_id for a in absences}
    offers = list(
        session.swaps.filter(state=HotSeatSwap.State.OFFERED).select_related(
            "giver__enrollment__user", "taker__enrollment__user"
        )
    )
    upcoming = next_session(circle) if session.state == PLANNED else None
    started = session.starts_at <= timezone.now()
    acts = _acts(circle, mine)
    my_offer = next((o for o in offers if o.giver_id == mine.pk), None)
    is_next = upcoming is not None and upcoming.pk == session.pk
    offers_to_me = [
        o
        for o in offers
        if acts
        and is_next
        and o.giver_id != mine.pk
        and o.taker_id in (None, mine.pk)
        and mine.pk not in seated
        and mine.pk not in absent
    ]
    due = list(selectors.session_commitments_due(session))
    follow_ups = {
        c.pk: bound.get(f"follow_up_{c.pk}") or FollowUpForm(prefix=f"c{c.pk}")
        for c in due
        if c.membership_id == mine.pk and c.state == CircleCommitment.State.OPEN
    }
    takers = [m for m in members if m.pk != mine.pk and m.pk not in seated and m.pk not in absent]
    return {
        "session": session,
        "circle": circle,
        "mine": mine,
        "acts": acts,
        "members": members,
        "seats": seats,
        "seated": seated,
        "absences": absences,
        "absent": absent,
        "my_absence": next((a for a in absences if a.membership_id == mine.pk), None),
        "is_next": is_next,
        "started": started,
        "now": timezone.now(),
        # Offers made to the reader appear as questions to answer, not in the list.
        "offers": [o for o in offers if o not in offers_to_me],
        "my_offer": my_offer,
        "offers_to_me": offers_to_me,
        "queue": selectors.session_question_queue(session),
        "made": list(
            session.commitments_made.select_related(
                "membership__enrollment__user", "due_session"
            ).order_by("created_at", "pk")
        ),
        "due": [(c, follow_ups.get(c.pk)) for c in due],
        "swap_form": bound.get("swap") or SwapOfferForm(members=takers),
        "absence_form": bound.get("absence") or AbsenceForm(),
        "question_form": bound.get("question") or QuestionForm(),
        "notes_form": bound.get("notes") or NotesForm(initial={"notes": session.notes}),
        "commitment_form": bound.get("commitment") or CommitmentForm(),
    }


def _page(
    request: AuthenticatedHttpRequest, session: CircleSession, **bound: forms.Form
) -> HttpResponse:
    return render(request, "circles/session.html", _session_context(request, session, bound))


def _back(session: CircleSession, anchor: str = "") -> HttpResponse:
    url = reverse("circles:session", args=[session.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _submit(
    request: AuthenticatedHttpRequest,
    session: CircleSession,
    form: forms.Form,
    *,
    key: str,
    anchor: str,
    call: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Run a form's service; show a field's error on the form, any other as a message."""
    if form.is_valid():
        try:
            done = call(form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, done)
            return _back(session, anchor)
    if set(form.errors) == {NON_FIELD_ERRORS}:
        # Refused as a whole (the session moved on, the seat is gone): the form may not be
        # on the page any more, so say why above it.
        for problem in form.non_field_errors():
            messages.error(request, str(problem))
        return _back(session, anchor)
    return _page(request, session, **{key: form})


def _say(request: AuthenticatedHttpRequest, call: Callable[[], object], done: str) -> None:
    """Run a service that takes no form; say what happened, or why it could not."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)


@login_required
@require_GET
def session_detail(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    return _page(request, session)


@login_required
@require_POST
def seats_assign(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    _say(
        request,
        lambda: services.hot_seats_assign(session=session, by=request.user),
        "The rotation has set the hot seats.",
    )
    return _back(session, "seats-h")


@login_required
@require_POST
def swap_offer(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    members = list(
        session.circle.memberships.filter(state=ACTIVE)
        .exclude(enrollment__user=request.user)
        .select_related("enrollment__user")
    )

    def offer(data: dict[str, Any]) -> str:
        taker = data["to"]
        services.hot_seat_swap_offer(session=session, by=request.user, to=taker)
        name = taker.enrollment.user.display_name if taker else "any member who may take it"
        return f"You offered your seat to {name}."

    form = SwapOfferForm(request.POST, members=members)
    return _submit(request, session, form, key="swap", anchor="seats-h", call=offer)


def _swap_of(session: CircleSession, swap_id: int) -> HotSeatSwap:
    """Return an offer made in a session the reader may read; otherwise 404."""
    swap = session.swaps.filter(pk=swap_id).first()
    if swap is None:
        raise Http404("No such offer.")
    return swap


@login_required
@require_POST
def swap_answer(request: AuthenticatedHttpRequest, session_id: int, swap_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    swap = _swap_of(session, swap_id)
    answer = request.POST.get("answer")
    if answer not in ("accept", "decline"):
        messages.error(request, "Choose to take the seat or not.")
        return _back(session, "seats-h")
    accept = answer == "accept"
    _say(
        request,
        lambda: services.hot_seat_swap_answer(swap=swap, by=request.user, accept=accept),
        "The hot seat is yours." if accept else "You declined the offer.",
    )
    return _back(session, "seats-h")


@login_required
@require_POST
def swap_withdraw(request: AuthenticatedHttpRequest, session_id: int, swap_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    swap = _swap_of(session, swap_id)
    _say(
        request,
        lambda: services.hot_seat_swap_withdraw(swap=swap, by=request.user),
        "You withdrew your offer: the seat stays yours.",
    )
    return _back(session, "seats-h")


@login_required
@require_POST
def absence_say(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)

    def say(data: dict[str, Any]) -> str:
        services.circle_absence_say(session=session, by=request.user, note=data["note"])
        return "The circle knows you will be absent; you keep your turn."

    form = AbsenceForm(request.POST)
    return _submit(request, session, form, key="absence", anchor="attendance-h", call=say)


@login_required
@require_POST
def absence_take_back(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    _say(
        request,
        lambda: services.circle_absence_take_back(session=session, by=request.user),
        "You are counted in again.",
    )
    return _back(session, "attendance-h")


@login_required
@require_POST
def question_post(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)

    def post(data: dict[str, Any]) -> str:
        services.circle_question_post(session=session, by=request.user, text=data["text"])
        return "Your question is in the queue."

    form = QuestionForm(request.POST)
    return _submit(request, session, form, key="question", anchor="queue-h", call=post)


@login_required
@require_POST
def question_withdraw(request: AuthenticatedHttpRequest, question_id: int) -> HttpResponse:
    question = circle_question_get_for_member(user=request.user, question_id=question_id)
    session = circle_session_get_for_member(user=request.user, session_id=question.session_id)
    _say(
        request,
        lambda: services.circle_question_withdraw(question=question, by=request.user),
        "You took your question off the queue.",
    )
    return _back(session, "queue-h")


@login_required
@require_POST
def notes_write(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)

    def write(data: dict[str, Any]) -> str:
        services.circle_session_notes_write(session=session, by=request.user, notes=data["notes"])
        return "The notes are saved."

    form = NotesForm(request.POST)
    return _submit(request, session, form, key="notes", anchor="notes-h", call=write)


@login_required
@require_POST
def session_hold(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    _say(
        request,
        lambda: services.circle_session_hold(session=session, by=request.user),
        f"Session {session.number} is marked held.",
    )
    return _back(session)


@login_required
@require_POST
def session_cancel(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)
    _say(
        request,
        lambda: services.circle_session_cancel(session=session, by=request.user),
        f"Session {session.number} is cancelled; its commitments move to the next one.",
    )
    return _back(session)


@login_required
@require_POST
def commitment_make(request: AuthenticatedHttpRequest, session_id: int) -> HttpResponse:
    session = circle_session_get_for_member(user=request.user, session_id=session_id)

    def make(data: dict[str, Any]) -> str:
        services.circle_commitment_make(session=session, by=request.user, text=data["text"])
        return "Your commitment is recorded: the circle asks about it at the next session."

    form = CommitmentForm(request.POST)
    return _submit(request, session, form, key="commitment", anchor="made-h", call=make)


@login_required
@require_POST
def commitment_follow_up(request: AuthenticatedHttpRequest, commitment_id: int) -> HttpResponse:
    commitment = circle_commitment_get_for_member(user=request.user, commitment_id=commitment_id)
    session_id = commitment.due_session_id or commitment.made_at_id
    session = circle_session_get_for_member(user=request.user, session_id=session_id)

    def follow_up(data: dict[str, Any]) -> str:
        done = services.circle_commitment_follow_up(
            commitment=commitment, by=request.user, outcome=data["outcome"], note=data["note"]
        )
        return f"Followed up: {done.get_state_display().lower()}."

    form = FollowUpForm(request.POST, prefix=f"c{commitment.pk}")
    key = f"follow_up_{commitment.pk}"
    return _submit(request, session, form, key=key, anchor="due-h", call=follow_up)

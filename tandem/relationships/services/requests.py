"""Requests in mentee-choice programs: ask one mentor, kindly answered, never left hanging."""

import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.insights.models import Nudge
from tandem.insights.stalled.selectors import reminded_recently
from tandem.notifications.services import notify
from tandem.notifications.when import local_date
from tandem.policy.eligibility import lock_people, pair_check, pair_refusal
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import MentorshipRequest, Relationship
from tandem.relationships.services.agreements import agreement_start

if TYPE_CHECKING:
    from tandem.board.models import Question

MIN_MESSAGE = 40
REMIND_BEFORE = datetime.timedelta(days=3)
# A mentor who lets this many requests expire within the window stops receiving new ones.
EXPIRIES_BEFORE_PAUSE = 3
EXPIRY_WINDOW = datetime.timedelta(days=90)

DECLINE_TEMPLATES = {
    "capacity": "Thank you for thinking of me. My time is fully taken right now, and I would "
    "rather say so than give you less than you deserve. I hope you find a great match.",
    "fit": "Thank you for your kind message. I think someone with more experience in this "
    "area would help you more than I could. I wish you every success with it.",
    "timing": "Thank you for asking. The timing does not work for me at the moment; please "
    "do not take it personally, and feel free to ask again in a few months.",
}

WITHDRAWN_NOTE = (
    "{mentee} has found a {giver} for {focus}, so this request is withdrawn. Thank you for "
    "considering it."
)


def _request_url(request: MentorshipRequest) -> str:
    return reverse("relationships:request", args=[request.pk])


def _expiry_for_mentor(request: MentorshipRequest) -> str:
    return local_date(
        request.mentor.user, request.expires_at, organization_id=request.program.organization_id
    )


def request_refusal(
    *, mentee: Enrollment, mentor: Enrollment, focus: Topic | None = None
) -> str | None:
    """Return why this mentee may not ask this mentor now, or None when she may."""
    try:
        _check_can_request(mentee, mentor, focus)
    except DomainError as error:
        return error.message
    if MentorshipRequest.objects.filter(
        mentee=mentee, mentor=mentor, status=MentorshipRequest.Status.PENDING
    ).exists():
        return f"You already have a request waiting with this {mentee.program.giver_noun}."
    return None


def _check_can_request(mentee: Enrollment, mentor: Enrollment, focus: Topic | None) -> None:
    program = mentee.program
    if program.matching_mode == Program.MatchingMode.ROUNDS:
        raise DomainError("In this program, matches come from the admins' matching rounds.")
    if mentor.program_id != program.pk:
        raise DomainError(f"This {program.giver_noun} is not in your program.")
    if mentee.status != Enrollment.Status.ACTIVE or not mentee.is_mentee:
        raise DomainError(f"Join the program as a {program.seeker_noun} to send requests.")
    if mentee.profile_completed_at is None:
        raise DomainError(
            f"Finish your profile first: {program.givers_noun} read it before they answer."
        )
    refusal = pair_refusal(seeker=mentee, giver=mentor, focus=focus, reader=mentee.user_id)
    if refusal is not None:
        # A focus she already has a mentor for is the form's focus field's error; any
        # other refusal is about the pair.
        refusal.raise_error(field="focus" if refusal.code.startswith("focus") else None)


@transaction.atomic
def request_send(
    *,
    mentee: Enrollment,
    mentor: Enrollment,
    focus: Topic,
    message: str,
    origin_question: "Question | None" = None,
) -> MentorshipRequest:
    """Ask one mentor for help with one focus, with a personal message."""
    # Serialise one mentee's requests to hold the limit of requests waiting.
    people = lock_people([mentee, mentor])
    mentee, mentor = people[mentee.pk], people[mentor.pk]
    _check_can_request(mentee, mentor, focus)
    if len(message.strip()) < MIN_MESSAGE:
        raise DomainError(
            "Write a few sentences: who you are, what you hope for, and why this "
            f"{mentee.program.giver_noun}.",
            field="message",
        )
    program = mentee.program
    open_count = MentorshipRequest.objects.filter(
        mentee=mentee, status=MentorshipRequest.Status.PENDING
    ).count()
    if open_count >= program.max_open_requests:
        raise DomainError(
            f"You have {open_count} requests waiting, the most this program allows. Wait for "
            "an answer or withdraw one first."
        )
    try:
        with transaction.atomic():
            request = MentorshipRequest.objects.create(
                program=program,
                mentee=mentee,
                mentor=mentor,
                focus=focus,
                message=message.strip(),
                expires_at=timezone.now() + datetime.timedelta(days=program.request_expiry_days),
                origin_question=origin_question,
            )
    except IntegrityError:
        raise DomainError(
            f"You already have a request waiting with this {program.giver_noun}."
        ) from None
    notify(
        user=mentor.user,
        kind="request_received",
        title=f"{mentee.user.full_name} asks you to {program.giver_noun} them on {focus}",
        body=f"Please answer by {_expiry_for_mentor(request)}.",
        url=_request_url(request),
    )
    return request


def _pending(request: MentorshipRequest) -> MentorshipRequest:
    request = (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .select_related("program", "mentee__user", "mentor__user", "focus")
        .get(pk=request.pk)
    )
    if request.status != MentorshipRequest.Status.PENDING:
        raise DomainError(f"This request is already {request.get_status_display().lower()}.")
    if request.expires_at <= timezone.now():
        raise DomainError("This request has expired.")
    return request


@transaction.atomic
def request_accept(*, request: MentorshipRequest, by: User, reply: str = "") -> Relationship:
    """Accept a request: the relationship starts with a draft agreement to write together."""
    # Lock both people: their places are counted, and concurrent acceptances queue here.
    lock_people([request.mentor, request.mentee])
    request = _pending(request)
    if request.mentor.user_id != by.pk:
        raise DomainError("Only the mentor who was asked can accept.")
    # The mentor's yes is their consent, so "not accepting new people" does not apply.
    pair_check(
        seeker=request.mentee, giver=request.mentor, focus=request.focus, require_accepting=False
    )
    request.status = MentorshipRequest.Status.ACCEPTED
    request.reply = reply.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "reply", "answered_at", "updated_at"])
    relationship = Relationship.objects.create(
        program=request.program,
        mentor=request.mentor,
        mentee=request.mentee,
        focus=request.focus,
        origin=Relationship.Origin.REQUEST,
    )
    agreement_start(relationship=relationship)
    _withdraw_other_requests(request)
    notify(
        user=request.mentee.user,
        kind="request_accepted",
        title=f"{by.full_name} said yes! Next: write your agreement together",
        body=request.reply,
        url=reverse("relationships:agreement", args=[relationship.pk]),
    )
    return relationship


def _withdraw_other_requests(accepted: MentorshipRequest) -> None:
    others = (
        MentorshipRequest.objects.select_related("mentor__user")
        .filter(
            mentee=accepted.mentee, focus=accepted.focus, status=MentorshipRequest.Status.PENDING
        )
        .exclude(pk=accepted.pk)
    )
    for other in others:
        other.status = MentorshipRequest.Status.WITHDRAWN
        other.answered_at = timezone.now()
        other.save(update_fields=["status", "answered_at", "updated_at"])
        notify(
            user=other.mentor.user,
            kind="request_withdrawn",
            title=f"{accepted.mentee.user.full_name} withdrew their request",
            body=WITHDRAWN_NOTE.format(
                mentee=accepted.mentee.user.display_name,
                giver=accepted.program.giver_noun,
                focus=accepted.focus,
            ),
            url=_request_url(other),
        )


@transaction.atomic
def request_decline(*, request: MentorshipRequest, by: User, reply: str) -> MentorshipRequest:
    """Decline kindly; the mentee reads the mentor's words, never a bare "rejected"."""
    request = _pending(request)
    if request.mentor.user_id != by.pk:
        raise DomainError("Only the mentor who was asked can answer.")
    if not reply.strip():
        raise DomainError("Choose one of the messages or write a few kind words.", field="reply")
    request.status = MentorshipRequest.Status.DECLINED
    request.reply = reply.strip()
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "reply", "answered_at", "updated_at"])
    notify(
        user=request.mentee.user,
        kind="request_declined",
        title=f"{by.display_name} answered your request",
        body=request.reply,
        url=_request_url(request),
    )
    return request


@transaction.atomic
def request_withdraw(*, request: MentorshipRequest, by: User) -> MentorshipRequest:
    """Withdraw one's own waiting request."""
    request = _pending(request)
    if request.mentee.user_id != by.pk:
        raise DomainError("Only the person who sent a request can withdraw it.")
    request.status = MentorshipRequest.Status.WITHDRAWN
    request.answered_at = timezone.now()
    request.save(update_fields=["status", "answered_at", "updated_at"])
    notify(
        user=request.mentor.user,
        kind="request_withdrawn",
        title=f"{by.full_name} withdrew their request",
        url=_request_url(request),
    )
    return request


def requests_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind mentors once about requests that expire soon; return how many were reminded."""
    now = now or timezone.now()
    due = MentorshipRequest.objects.select_related("mentee__user", "mentor__user").filter(
        status=MentorshipRequest.Status.PENDING,
        reminder_sent_at__isnull=True,
        expires_at__lte=now + REMIND_BEFORE,
        expires_at__gt=now,
    )
    count = 0
    for request in due:
        with transaction.atomic():
            # The lock is the one a nudge about this request takes: one waits for the other.
            claimed = MentorshipRequest.objects.select_for_update().filter(
                pk=request.pk, reminder_sent_at__isnull=True
            )
            if not claimed.exists():
                continue
            # A nudge from the program just now was this reminder: the mentor hears it once.
            nudged = reminded_recently(kind=Nudge.Kind.REQUEST, object_id=request.pk, now=now)
            claimed.update(reminder_sent_at=now)
            if nudged:
                continue
            notify(
                user=request.mentor.user,
                kind="request_reminder",
                title=f"{request.mentee.user.full_name} is waiting for your answer",
                body=f"Their request expires on {_expiry_for_mentor(request)}. A short, kind "
                "answer either way is better than none.",
                url=_request_url(request),
                dedupe_key=f"request-reminder-{request.pk}",
            )
            count += 1
    return count


def requests_expire(*, now: datetime.datetime | None = None) -> int:
    """Expire unanswered requests, tell both people, and rest mentors who keep missing them."""
    now = now or timezone.now()
    due = MentorshipRequest.objects.select_related("mentee__user", "mentor__user", "focus").filter(
        status=MentorshipRequest.Status.PENDING, expires_at__lte=now
    )
    count = 0
    for request in due:
        with transaction.atomic():
            if not MentorshipRequest.objects.filter(
                pk=request.pk, status=MentorshipRequest.Status.PENDING
            ).update(status=MentorshipRequest.Status.EXPIRED, answered_at=now):
                continue
            notify(
                user=request.mentee.user,
                kind="request_expired",
                title=f"Your request to {request.mentor.user.full_name} was not answered in time",
                body="It happens: people get busy. It says nothing about you. Your request "
                "slot is free again, so you can ask someone else.",
                url=_request_url(request),
                dedupe_key=f"request-expired-{request.pk}",
            )
            _rest_mentor_if_unresponsive(request.mentor, now)
            count += 1
    return count


def _rest_mentor_if_unresponsive(mentor: Enrollment, now: datetime.datetime) -> None:
    expired = MentorshipRequest.objects.filter(
        mentor=mentor, status=MentorshipRequest.Status.EXPIRED, answered_at__gte=now - EXPIRY_WINDOW
    ).count()
    if expired < EXPIRIES_BEFORE_PAUSE or not mentor.accepting_now:
        return
    Enrollment.objects.filter(pk=mentor.pk).update(accepting_now=False)
    notify(
        user=mentor.user,
        kind="mentor_rested",
        title="We set you to “not accepting” for now",
        body=f"{expired} requests expired without an answer in the last three months, so "
        f"{mentor.program.seekers_noun} will not see you as available. When you have time "
        "again, switch “accepting now” back on in your profile.",
        url=reverse("programs:profile_step", args=[mentor.program_id, "offer"]),
        dedupe_key=f"mentor-rested-{mentor.pk}-{now:%Y%m%d}",
    )

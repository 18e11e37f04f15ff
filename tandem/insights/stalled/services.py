"""The program's kind nudge to the people of a stalled item: at most one a week per item."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.insights.models import Nudge
from tandem.insights.stalled.selectors import NUDGE_INTERVAL, REMINDER_QUIET, reminded_recently
from tandem.notifications.services import notify
from tandem.notifications.when import local_date
from tandem.policy.access import user_administers_program
from tandem.programs.models import Program
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship


@dataclass(frozen=True)
class Message:
    """What the program says, and to whom: the same words for each person it goes to.

    A body that names the day an answer is due says ``{day}``: each person reads that day
    in their own zone, as the request or proposal page shows it to them.
    """

    recipients: list[User]
    title: str
    body: str
    url: str
    due: datetime.datetime | None = None

    def body_for(self, user: User, *, organization_id: int) -> str:
        if self.due is None:
            return self.body
        return self.body.replace(
            "{day}", local_date(user, self.due, organization_id=organization_id)
        )


def _no_meeting(program: Program, object_id: int) -> Message:
    pair = _relationship(program, object_id, Relationship.Status.ACTIVE)
    return Message(
        recipients=[pair.mentor.user, pair.mentee.user],
        title=f"{program.name}: time for your next conversation?",
        body=(
            f"It has been a little while since you last met about {pair.focus_label}. "
            "A short conversation keeps things moving; pick a time that suits you both. "
            "If now is not a good time, you can pause the relationship instead."
        ),
        url=reverse("relationships:detail", args=[pair.pk]),
    )


def _agreement(program: Program, object_id: int) -> Message:
    pair = _relationship(program, object_id, Relationship.Status.AGREEING)
    return Message(
        recipients=[pair.mentor.user, pair.mentee.user],
        title=f"{program.name}: your agreement is waiting",
        body=(
            f"Your agreement about {pair.focus_label} is not yet signed by you both. "
            "Look it over together, change what you need, and sign when it feels right."
        ),
        url=reverse("relationships:agreement", args=[pair.pk]),
    )


def _proposal(program: Program, object_id: int) -> Message:
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "mentee__user", "focus", "peer_focus")
        .filter(program=program, pk=object_id, status=Proposal.Status.PENDING)
        .first()
    )
    if proposal is None:
        raise DomainError("This proposal is no longer waiting for an answer.")
    # Only who has not answered yet hears from us; neither learns what the other said.
    recipients = [
        enrollment.user
        for enrollment, answer in (
            (proposal.mentor, proposal.mentor_answer),
            (proposal.mentee, proposal.mentee_answer),
        )
        if not answer
    ]
    return Message(
        recipients=recipients,
        title=f"{program.name}: a proposed match is waiting for your answer",
        body=(
            f"We proposed a match about {proposal.focus_label}. Yes and no are both fine "
            "answers; please give yours by {day}."
        ),
        url=reverse("relationships:proposal", args=[proposal.pk]),
        due=proposal.expires_at,
    )


def _request(program: Program, object_id: int) -> Message:
    request = (
        MentorshipRequest.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "focus")
        .filter(program=program, pk=object_id, status=MentorshipRequest.Status.PENDING)
        .first()
    )
    if request is None:
        raise DomainError("This request is no longer waiting for an answer.")
    return Message(
        recipients=[request.mentor.user],
        title=f"{program.name}: a request is waiting for your answer",
        body=(
            f"Someone asked for your help with {request.focus}. Yes and not this time are "
            "both kind answers; the request closes on {day}."
        ),
        url=reverse("relationships:request", args=[request.pk]),
        due=request.expires_at,
    )


def _relationship(program: Program, object_id: int, status: str) -> Relationship:
    pair = (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("mentor__user", "mentee__user", "focus", "peer_focus", "program")
        .filter(program=program, pk=object_id, status=status)
        .first()
    )
    if pair is None:
        raise DomainError("This pair is no longer waiting on that.")
    return pair


MESSAGES = {
    Nudge.Kind.NO_MEETING: _no_meeting,
    Nudge.Kind.AGREEMENT: _agreement,
    Nudge.Kind.PROPOSAL: _proposal,
    Nudge.Kind.REQUEST: _request,
}


@transaction.atomic
def nudge_send(
    *,
    program: Program,
    admin: User,
    kind: str,
    object_id: int,
    now: datetime.datetime | None = None,
) -> Nudge:
    """Send the program's kind reminder about one waiting item, once a week at most."""
    now = now or timezone.now()
    if not user_administers_program(user=admin, program=program):
        raise DomainError("Only the program's admins can send a nudge.")
    if kind not in MESSAGES:
        raise DomainError("Choose what to nudge about.", field="kind")
    # Locking the item first makes two admins clicking at once send one nudge.
    message = MESSAGES[Nudge.Kind(kind)](program, object_id)
    last = (
        Nudge.objects.filter(program=program, kind=kind, object_id=object_id)
        .order_by("-created_at")
        .first()
    )
    if last is not None and now - last.created_at < NUDGE_INTERVAL:
        again = timezone.localdate(last.created_at + NUDGE_INTERVAL)
        raise DomainError(
            f"This was nudged on {timezone.localdate(last.created_at):%-d %B}; "
            f"one nudge a week is plenty. You can nudge again from {again:%-d %B}."
        )
    if heard := reminded_recently(kind=kind, object_id=object_id, now=now):
        again = timezone.localtime(heard + REMINDER_QUIET)
        raise DomainError(
            f"A reminder about this went out {timezone.localtime(heard):%-d %B at %H:%M}; "
            f"a nudge now would say it twice. You can nudge again from {again:%-d %B, %H:%M}."
        )
    if not message.recipients:
        raise DomainError("Nobody is left to answer this.")
    nudge = Nudge.objects.create(
        program=program,
        kind=kind,
        object_id=object_id,
        sent_by=admin,
        recipients=len(message.recipients),
        created_at=now,
    )
    for user in message.recipients:
        notify(
            user=user,
            kind="nudge",
            title=message.title,
            body=message.body_for(user, organization_id=program.organization_id),
            url=message.url,
            dedupe_key=f"nudge:{nudge.pk}",
        )
    return nudge


@dataclass(frozen=True)
class BulkResult:
    sent: int
    refused: list[str]


def nudges_send(
    *,
    program: Program,
    admin: User,
    items: list[tuple[str, int]],
    now: datetime.datetime | None = None,
) -> BulkResult:
    """Nudge each item; those nudged this week or no longer waiting are left out and said."""
    sent = 0
    refused: list[str] = []
    for kind, object_id in items:
        try:
            nudge_send(program=program, admin=admin, kind=kind, object_id=object_id, now=now)
        except DomainError as error:
            refused.append(error.message)
        else:
            sent += 1
    return BulkResult(sent=sent, refused=refused)

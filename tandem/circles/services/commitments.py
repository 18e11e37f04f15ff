"""Commitments: "by next session I will…", made at a session and followed up at the next."""

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleCommitment, CircleMembership, CircleSession
from tandem.circles.services.guards import circle_locked, member_of
from tandem.core.errors import DomainError

ACTIVE = CircleMembership.State.ACTIVE
OPEN = CircleCommitment.State.OPEN
TEXT_MAX = 300


def _following(circle: Circle, session: CircleSession) -> CircleSession | None:
    return (
        circle.sessions.filter(number__gt=session.number, state=CircleSession.State.PLANNED)
        .order_by("number")
        .first()
    )


def commitments_move_on(circle: Circle) -> None:
    """Give each open commitment a session to be followed up at: the next one planned.

    Commitments waiting for a session to be planned, or due at one that was cancelled,
    move to the earliest planned session after the one where they were made.
    """
    waiting = CircleCommitment.objects.filter(membership__circle=circle, state=OPEN).exclude(
        due_session__state__in=(CircleSession.State.PLANNED, CircleSession.State.HELD)
    )
    for commitment in waiting.select_related("made_at"):
        due = _following(circle, commitment.made_at)
        if due is not None and due.pk != commitment.due_session_id:
            commitment.due_session = due
            commitment.save(update_fields=["due_session", "updated_at"])


@transaction.atomic
def circle_commitment_make(*, session: CircleSession, by: User, text: str) -> CircleCommitment:
    """Record what one will do by the next session; the circle sees it there."""
    circle = circle_locked(session.circle)
    membership = member_of(circle, by, states=(ACTIVE,))
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed: its sessions stay as they were.")
    session = CircleSession.objects.get(pk=session.pk)
    if session.state == CircleSession.State.CANCELLED:
        raise DomainError("This session was cancelled.")
    if session.starts_at > timezone.now():
        raise DomainError("Commitments are made at a session, once it has started.")
    text = text.strip()
    if not text:
        raise DomainError("Say what you will do by the next session.", field="text")
    if len(text) > TEXT_MAX:
        raise DomainError(f"Keep it under {TEXT_MAX} characters.", field="text")
    return CircleCommitment.objects.create(
        membership=membership, made_at=session, due_session=_following(circle, session), text=text
    )


@transaction.atomic
def circle_commitment_follow_up(
    *, commitment: CircleCommitment, by: User, outcome: str, note: str = ""
) -> CircleCommitment:
    """Say at the session it was due how a commitment went: done, not done or carried over.

    Carried over, the same words become a new commitment made at this session and due at
    the next one.
    """
    circle = circle_locked(commitment.membership.circle)
    membership = member_of(circle, by, states=(ACTIVE,))
    commitment = CircleCommitment.objects.select_for_update().get(pk=commitment.pk)
    if commitment.membership_id != membership.pk:
        raise DomainError("Only the member who made a commitment follows it up.")
    if commitment.state != OPEN:
        raise DomainError("This commitment has already been followed up.")
    due = commitment.due_session
    if due is None or due.state == CircleSession.State.CANCELLED:
        raise DomainError("This commitment is followed up at the next session, once planned.")
    if due.starts_at > timezone.now():
        raise DomainError(f"This commitment is followed up at session {due.number}.")
    if outcome not in (
        CircleCommitment.State.DONE,
        CircleCommitment.State.NOT_DONE,
        CircleCommitment.State.CARRIED,
    ):
        raise DomainError("Choose done, not done or carried over.", field="outcome")
    commitment.state = outcome
    commitment.follow_up_note = note.strip()
    commitment.followed_up_at = timezone.now()
    commitment.save(update_fields=["state", "follow_up_note", "followed_up_at", "updated_at"])
    if outcome == CircleCommitment.State.CARRIED:
        CircleCommitment.objects.create(
            membership=membership,
            made_at=due,
            due_session=_following(circle, due),
            text=commitment.text,
        )
    return commitment

"""A circle's sessions: planned from its rhythm, attended or not, held or cancelled.

Sessions are planned once every member has signed the agreement, on the circle's weekday
at its local time in its time zone: the wall-clock time stays put across daylight-saving
changes (a time that does not exist on the day, inside a spring-forward gap, moves later
by the gap, as the zone's rules say).
"""

import datetime
import zoneinfo

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleMembership,
    CircleQuestion,
    CircleSession,
    HotSeatSwap,
    SessionAbsence,
)
from tandem.circles.services.agreements import circle_check_agreed
from tandem.circles.services.commitments import commitments_move_on
from tandem.circles.services.guards import circle_locked, member_of
from tandem.circles.services.hot_seats import next_session, seat_session
from tandem.circles.services.news import tell_absence, tell_sessions_planned
from tandem.core.errors import DomainError
from tandem.relationships.models import MEETING_LATEST

ACTIVE = CircleMembership.State.ACTIVE
PLANNED, HELD, CANCELLED = (
    CircleSession.State.PLANNED,
    CircleSession.State.HELD,
    CircleSession.State.CANCELLED,
)
MAX_PLANNED = 12
NOTES_MAX = 20_000
QUESTION_MAX = 2_000


def session_starts(
    circle: Circle, *, after: datetime.datetime, count: int
) -> list[datetime.datetime]:
    """Return the next ``count`` start times of the circle's rhythm after ``after``."""
    assert circle.weekday is not None and circle.local_time is not None
    zone = zoneinfo.ZoneInfo(circle.time_zone)
    day = after.astimezone(zone).date()
    day += datetime.timedelta(days=(circle.weekday - day.weekday()) % 7)
    starts: list[datetime.datetime] = []
    while len(starts) < count:
        local = datetime.datetime.combine(day, circle.local_time, tzinfo=zone)
        # Through UTC and back: a wall time inside a gap comes out as the real instant.
        start = local.astimezone(datetime.UTC)
        if start > after:
            starts.append(start)
            day += datetime.timedelta(weeks=circle.cadence_weeks)
        else:
            day += datetime.timedelta(weeks=1)
    return starts


@transaction.atomic
def circle_sessions_plan(*, circle: Circle, by: User, count: int = 4) -> list[CircleSession]:
    """Plan the circle's next ``count`` sessions from its rhythm, after those already planned."""
    circle = circle_locked(circle)
    member_of(circle, by, states=(ACTIVE,))
    if circle.state != Circle.State.ACTIVE:
        raise DomainError("Sessions are planned while the circle is active.")
    circle_check_agreed(circle=circle)
    if not circle.has_meeting_time:
        raise DomainError("Agree on a weekday and a time in the circle's agreement first.")
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= MAX_PLANNED:
        raise DomainError(f"Plan 1 to {MAX_PLANNED} sessions at a time.", field="count")
    planned = circle.sessions.filter(state=PLANNED).count()
    if planned + count > MAX_PLANNED:
        raise DomainError(
            f"At most {MAX_PLANNED} sessions can wait ahead; {planned} already do.",
            field="count",
        )
    sessions = sessions_plan_from_rhythm(circle, count=count)
    tell_sessions_planned(circle, sessions, by=by)
    return sessions


def sessions_plan_from_rhythm(
    circle: Circle, *, count: int, skip_cancelled: bool = False
) -> list[CircleSession]:
    """Create the circle's next ``count`` sessions from its rhythm, numbered on from the last.

    The first falls a cadence after the last session still to come, or after now. With
    ``skip_cancelled``, cancelled sessions do not push the first one later (a resumed
    circle meets again at once). Open questions and commitments waiting on cancelled
    sessions move to the new ones. The caller holds the circle's lock and has checked it
    may meet.
    """
    now = timezone.now()
    last = circle.sessions.order_by("-number").first()
    latest = circle.sessions.order_by("-starts_at")
    if skip_cancelled:
        latest = latest.exclude(state=CANCELLED)
    last_time = latest.values_list("starts_at", flat=True).first()
    after = now
    if last_time is not None and last_time > now:
        # The next one falls a cadence after the last, not sooner.
        after = last_time + datetime.timedelta(weeks=circle.cadence_weeks, minutes=-1)
    starts = session_starts(circle, after=after, count=count)
    if starts[-1] >= MEETING_LATEST:
        raise DomainError("These sessions would fall beyond the calendar's range.", field="count")
    number = last.number if last is not None else 0
    sessions = [
        CircleSession.objects.create(
            circle=circle,
            number=number + index,
            starts_at=start,
            duration_minutes=circle.session_minutes,
        )
        for index, start in enumerate(starts, start=1)
    ]
    commitments_move_on(circle)
    questions_move_on(circle)
    return sessions


def questions_move_on(circle: Circle) -> None:
    """Move the questions queued for cancelled sessions still ahead to the next planned one.

    "Still ahead" means after the circle's last held session: questions of a cancelled
    session nobody met at are still waiting to be brought.
    """
    upcoming = circle.sessions.filter(state=PLANNED).order_by("number").first()
    if upcoming is None:
        return
    held = circle.sessions.filter(state=HELD).order_by("-number").values_list("number", flat=True)
    after = held.first() or 0
    CircleQuestion.objects.filter(
        session__circle=circle, session__state=CANCELLED, session__number__gt=after
    ).update(session=upcoming, updated_at=timezone.now())


def _session_locked(session: CircleSession, by: User) -> tuple[CircleSession, CircleMembership]:
    circle = circle_locked(session.circle)
    membership = member_of(circle, by, states=(ACTIVE,))
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed: its sessions stay as they were.")
    session = CircleSession.objects.select_for_update().get(pk=session.pk)
    session.circle = circle
    return session, membership


def _reseat_if_next(session: CircleSession, moved_by: CircleMembership) -> None:
    upcoming = next_session(session.circle)
    if upcoming is not None and upcoming.pk == session.pk and session.hot_seats.exists():
        seat_session(session, moved_by=moved_by)


@transaction.atomic
def circle_absence_say(*, session: CircleSession, by: User, note: str = "") -> SessionAbsence:
    """Say one will miss a session: the rotation skips them and they keep their turn."""
    session, membership = _session_locked(session, by)
    if session.state != PLANNED:
        raise DomainError("This session is no longer planned.")
    if session.absences.filter(membership=membership).exists():
        raise DomainError("You have already said you will be absent.")
    note = note.strip()
    if len(note) > 300:
        raise DomainError("Keep the note under 300 characters.", field="note")
    absence = SessionAbsence.objects.create(
        session=session,
        membership=membership,
        note=note,
        in_advance=timezone.now() < session.starts_at,
        created_at=timezone.now(),
    )
    # Offers to or from an absent member cannot be taken up.
    session.swaps.filter(state=HotSeatSwap.State.OFFERED, taker=membership).update(
        state=HotSeatSwap.State.LAPSED, answered_at=timezone.now(), updated_at=timezone.now()
    )
    tell_absence(session, absent=membership, note=note)
    _reseat_if_next(session, membership)
    return absence


@transaction.atomic
def circle_absence_take_back(*, session: CircleSession, by: User) -> None:
    """Take back one's word that one will be absent: the rotation counts them in again."""
    session, membership = _session_locked(session, by)
    if session.state != PLANNED:
        raise DomainError("This session is no longer planned.")
    deleted, _ = session.absences.filter(membership=membership).delete()
    if not deleted:
        raise DomainError("You had not said you would be absent.")
    _reseat_if_next(session, membership)


@transaction.atomic
def circle_session_notes_write(*, session: CircleSession, by: User, notes: str) -> CircleSession:
    """Replace the session's shared notes, which every member may edit."""
    session, _membership = _session_locked(session, by)
    if session.state == CANCELLED:
        raise DomainError("This session was cancelled.")
    if len(notes) > NOTES_MAX:
        raise DomainError(f"Keep the notes under {NOTES_MAX} characters.", field="notes")
    session.notes = notes
    session.save(update_fields=["notes", "updated_at"])
    return session


def _require_earlier_settled(session: CircleSession) -> None:
    earlier = (
        session.circle.sessions.filter(number__lt=session.number, state=PLANNED)
        .order_by("number")
        .first()
    )
    if earlier is not None:
        raise DomainError(f"Mark session {earlier.number} held or cancelled first.")


@transaction.atomic
def circle_session_hold(*, session: CircleSession, by: User) -> CircleSession:
    """Mark a session held: its hot seats count as turns taken."""
    session, _membership = _session_locked(session, by)
    if session.state != PLANNED:
        raise DomainError(f"This session is already {session.get_state_display().lower()}.")
    if session.circle.state != Circle.State.ACTIVE:
        raise DomainError("Sessions are held while the circle is active.")
    if session.starts_at > timezone.now():
        raise DomainError("A session can be marked held once it has started.")
    _require_earlier_settled(session)
    # Seats stand as set, unless the rotation has moved since (someone on the seat left).
    seat_session(session)
    session.state = HELD
    session.save(update_fields=["state", "updated_at"])
    session.swaps.filter(state=HotSeatSwap.State.OFFERED).update(
        state=HotSeatSwap.State.LAPSED, answered_at=timezone.now(), updated_at=timezone.now()
    )
    return session


@transaction.atomic
def circle_session_cancel(*, session: CircleSession, by: User) -> CircleSession:
    """Cancel a planned session: nobody's turn is used, commitments move to the next one."""
    session, _membership = _session_locked(session, by)
    if session.state != PLANNED:
        raise DomainError(f"This session is already {session.get_state_display().lower()}.")
    session.state = CANCELLED
    session.save(update_fields=["state", "updated_at"])
    session.hot_seats.all().delete()
    session.swaps.filter(state=HotSeatSwap.State.OFFERED).update(
        state=HotSeatSwap.State.LAPSED, answered_at=timezone.now(), updated_at=timezone.now()
    )
    commitments_move_on(session.circle)
    questions_move_on(session.circle)
    return session


@transaction.atomic
def circle_question_post(*, session: CircleSession, by: User, text: str) -> CircleQuestion:
    """Add what one wants to bring to a session to its question queue."""
    session, membership = _session_locked(session, by)
    if session.state != PLANNED:
        raise DomainError("Questions are for a session still to come.")
    text = text.strip()
    if not text:
        raise DomainError("Write the question you want to bring.", field="text")
    if len(text) > QUESTION_MAX:
        raise DomainError(f"Keep the question under {QUESTION_MAX} characters.", field="text")
    return CircleQuestion.objects.create(session=session, author=membership, text=text)


@transaction.atomic
def circle_question_withdraw(*, question: CircleQuestion, by: User) -> None:
    """Take one's own question off a session's queue."""
    session, membership = _session_locked(question.session, by)
    if question.author_id != membership.pk:
        raise DomainError("Only the member who asked can take the question back.")
    if session.state != PLANNED:
        raise DomainError("This session is no longer planned.")
    question.delete()

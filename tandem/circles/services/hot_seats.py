"""The hot seats of a circle's next session: chosen by the rotation, swapped by consent.

The rotation (``tandem.circles.rotation``) replays the circle's history from the database:
members joining and leaving (``joined_at``, ``left_at``) and the seats of every held
session, each at the time its seats were set, with the swaps that led to them. Seats are
set for the next session only (the earliest neither held nor cancelled), so that history
is always in order.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleMembership,
    CircleSession,
    HotSeat,
    HotSeatSwap,
)
from tandem.circles.rotation import Event, Held, HotSeats, Join, Leave, Rotation, RotationError
from tandem.circles.rotation import Swap as RotationSwap
from tandem.circles.services.guards import circle_locked, member_of
from tandem.circles.services.news import (
    tell_hot_seats,
    tell_seats_moved,
    tell_swap_answered,
    tell_swap_offered,
)
from tandem.core.errors import DomainError

ACTIVE = CircleMembership.State.ACTIVE
_GONE = (CircleMembership.State.LEFT, CircleMembership.State.REMOVED)


def rotation_history(circle: Circle) -> list[Event]:
    """Return the circle's joins, leaves and held sessions' seats, oldest first."""
    timed: list[tuple[datetime.datetime, int, Event]] = []
    # Founders join at the same moment: they take their places in the order they came.
    joined = circle.memberships.filter(joined_at__isnull=False).order_by("joined_at", "pk")
    for membership in joined:
        assert membership.joined_at is not None
        timed.append((membership.joined_at, 0, Join(membership.pk)))
        if membership.state in _GONE and membership.left_at is not None:
            timed.append((membership.left_at, 0, Leave(membership.pk)))
    held: dict[int, list[HotSeat]] = defaultdict(list)
    seats = HotSeat.objects.filter(
        session__circle=circle, session__state=CircleSession.State.HELD
    ).order_by("created_at", "pk")
    for seat in seats:
        held[seat.session_id].append(seat)
    for rows in held.values():
        swaps = tuple(
            RotationSwap(row.swapped_with_id, row.membership_id)
            for row in rows
            if row.swapped_with_id is not None
        )
        event = Held(tuple(row.membership_id for row in rows), swaps)
        timed.append((rows[0].created_at, 1, event))
    # A stable sort: events at the same moment keep the order above.
    timed.sort(key=lambda item: (item[0], item[1]))
    return [event for _, _, event in timed]


def circle_rotation(circle: Circle) -> Rotation:
    """Return the circle's rotation as it stands after its held sessions."""
    try:
        return Rotation.replay(rotation_history(circle))
    except RotationError as error:
        raise DomainError(f"The circle's hot-seat history does not add up: {error}") from None


def next_session(circle: Circle) -> CircleSession | None:
    """Return the circle's next session: the earliest neither held nor cancelled."""
    return circle.sessions.filter(state=CircleSession.State.PLANNED).order_by("number").first()


def require_next(circle: Circle, session: CircleSession) -> None:
    upcoming = next_session(circle)
    if upcoming is None or upcoming.pk != session.pk:
        raise DomainError(
            "Hot seats are set for the circle's next session only: mark the earlier "
            "sessions held or cancelled first."
        )


def _swaps_in(rows: list[HotSeat]) -> list[RotationSwap]:
    return [
        RotationSwap(row.swapped_with_id, row.membership_id)
        for row in rows
        if row.swapped_with_id is not None
    ]


def _plan(session: CircleSession, swaps: list[RotationSwap]) -> HotSeats:
    circle = session.circle
    rotation = circle_rotation(circle)
    active = set(circle.memberships.filter(state=ACTIVE).values_list("pk", flat=True))
    if set(rotation.queue) != active:
        raise DomainError("The circle's members and its hot-seat history do not agree.")
    absent = set(
        session.absences.filter(membership__state=ACTIVE).values_list("membership_id", flat=True)
    )
    return rotation.plan(absent=absent, seats=circle.hot_seats_per_session, swaps=swaps)


def seat_session(session: CircleSession, *, moved_by: CircleMembership | None = None) -> HotSeats:
    """Set the session's seats by the rotation, keeping the swaps that still hold.

    First seated, everyone is told who sits. Moved by a member's absence (``moved_by``),
    only those newly on or off the seat are told, never that member. The caller holds the
    circle's lock.
    """
    rows = list(session.hot_seats.all())
    plan = _plan(session, _swaps_in(rows))
    givers = {swap.taker: swap.giver for swap in plan.applied}
    current = {(row.membership_id, row.swapped_with_id) for row in rows}
    wanted = {(key, givers.get(key)) for key in plan.seats}
    if current != wanted:
        session.hot_seats.all().delete()
        now = timezone.now()
        HotSeat.objects.bulk_create(
            HotSeat(
                session=session,
                membership_id=key,
                source=HotSeat.Source.SWAP if key in givers else HotSeat.Source.ROTATION,
                swapped_with_id=givers.get(key),
                created_at=now,
            )
            for key in plan.seats
        )
        # Offers of a seat its giver no longer holds have nothing left to give.
        session.swaps.filter(state=HotSeatSwap.State.OFFERED).exclude(
            giver_id__in=plan.seats
        ).update(state=HotSeatSwap.State.LAPSED, answered_at=now, updated_at=now)
        before = {row.membership_id for row in rows}
        newly = set(plan.seats) - before
        # A session being marked held has started: nobody needs telling any more.
        if session.state == CircleSession.State.PLANNED and session.starts_at > now:
            if moved_by is None:
                tell_hot_seats(session, _memberships(newly))
            else:
                quiet = {moved_by.pk}
                tell_seats_moved(
                    session,
                    seated=_memberships(newly - quiet),
                    unseated=_memberships(before - set(plan.seats) - quiet),
                )
    return plan


def _memberships(ids: set[int]) -> list[CircleMembership]:
    if not ids:
        return []
    return list(
        CircleMembership.objects.filter(pk__in=ids, state=ACTIVE)
        .select_related("enrollment__user")
        .order_by("pk")
    )


@transaction.atomic
def hot_seats_assign(*, session: CircleSession, by: User) -> list[HotSeat]:
    """Set the hot seats of the circle's next session by the rotation."""
    circle = circle_locked(session.circle)
    member_of(circle, by, states=(ACTIVE,))
    if circle.state != Circle.State.ACTIVE:
        raise DomainError("Hot seats are set while the circle is active.")
    require_next(circle, session)
    session.circle = circle
    seat_session(session)
    return list(session.hot_seats.select_related("membership__enrollment__user"))


def _check_taker(session: CircleSession, taker: CircleMembership) -> None:
    name = taker.enrollment.user.full_name
    if taker.circle_id != session.circle_id or taker.state != ACTIVE:
        raise DomainError("Offer the seat to a member of this circle.", field="to")
    if session.absences.filter(membership=taker).exists():
        raise DomainError(f"{name} said they will be absent from this session.", field="to")
    if session.hot_seats.filter(membership=taker).exists():
        raise DomainError(f"{name} is already on the hot seat in this session.", field="to")


def _seat_of(session: CircleSession, membership: CircleMembership) -> HotSeat:
    seat = session.hot_seats.filter(membership=membership).first()
    if seat is None:
        raise DomainError("You are not on the hot seat in this session.")
    return seat


@transaction.atomic
def hot_seat_swap_offer(
    *, session: CircleSession, by: User, to: CircleMembership | None = None
) -> HotSeatSwap:
    """Offer one's hot seat to another member, or to any member who may take it."""
    circle = circle_locked(session.circle)
    giver = member_of(circle, by, states=(ACTIVE,))
    require_next(circle, session)
    session.circle = circle
    seat = _seat_of(session, giver)
    if session.swaps.filter(giver=giver, state=HotSeatSwap.State.OFFERED).exists():
        raise DomainError("You have already offered your seat: withdraw that offer first.")
    if to is not None:
        if to.pk == giver.pk:
            raise DomainError("Offer the seat to someone else.", field="to")
        _check_taker(session, to)
        # Check now what accepting will check, so nobody is offered a seat they cannot take.
        # Handing a seat back to the member who gave it away always may be done.
        adding = _swap_for(seat, to.pk)
        kept = [s for s in _swaps_in(list(session.hot_seats.all())) if s.taker != giver.pk]
        if adding.giver != adding.taker and adding not in _plan(session, [*kept, adding]).applied:
            raise DomainError(
                f"{to.enrollment.user.full_name} has already had the hot seat in this round.",
                field="to",
            )
    swap = HotSeatSwap.objects.create(session=session, giver=giver, taker=to)
    tell_swap_offered(session, giver=giver, taker=to)
    return swap


def _swap_for(seat: HotSeat, taker: int) -> RotationSwap:
    # The rotation knows the member the rotation seated; a seat passed on again is still
    # their seat given to the new taker.
    return RotationSwap(seat.swapped_with_id or seat.membership_id, taker)


@transaction.atomic
def hot_seat_swap_answer(*, swap: HotSeatSwap, by: User, accept: bool) -> HotSeatSwap:
    """Take an offered hot seat, or decline an offer made to oneself."""
    circle = circle_locked(swap.session.circle)
    membership = member_of(circle, by, states=(ACTIVE,))
    swap = HotSeatSwap.objects.select_for_update().select_related("session").get(pk=swap.pk)
    session = swap.session
    session.circle = circle
    if swap.state != HotSeatSwap.State.OFFERED:
        raise DomainError("This offer is no longer open.")
    if swap.taker_id is not None and swap.taker_id != membership.pk:
        raise DomainError("This offer was made to someone else.")
    if swap.giver_id == membership.pk:
        raise DomainError("You cannot take your own seat.")
    now = timezone.now()
    if not accept:
        if swap.taker_id is None:
            raise DomainError("An offer to anyone needs no answer: leave it for someone else.")
        swap.state = HotSeatSwap.State.DECLINED
        swap.answered_at = now
        swap.save(update_fields=["state", "answered_at", "updated_at"])
        tell_swap_answered(session, giver=swap.giver, by=membership, accepted=False)
        return swap
    require_next(circle, session)
    seat = session.hot_seats.filter(membership_id=swap.giver_id).first()
    if seat is None:
        raise DomainError("The seat has moved since it was offered.")
    _check_taker(session, membership)
    rows = list(session.hot_seats.all())
    adding = _swap_for(seat, membership.pk)
    if adding.giver == adding.taker:
        # Taking back a seat one gave away: the rotation's own choice again.
        seat.membership = membership
        seat.source, seat.swapped_with = HotSeat.Source.ROTATION, None
        seat.save(update_fields=["membership", "source", "swapped_with"])
    else:
        kept = [s for s in _swaps_in(rows) if s.taker != seat.membership_id]
        plan = _plan(session, [*kept, adding])
        if adding not in plan.applied:
            raise DomainError("You have already had the hot seat in this round.")
        seat.membership = membership
        seat.source, seat.swapped_with_id = HotSeat.Source.SWAP, adding.giver
        seat.save(update_fields=["membership", "source", "swapped_with"])
    swap.state = HotSeatSwap.State.ACCEPTED
    swap.accepted_by = membership
    swap.answered_at = now
    swap.save(update_fields=["state", "accepted_by", "answered_at", "updated_at"])
    tell_swap_answered(session, giver=swap.giver, by=membership, accepted=True)
    return swap


@transaction.atomic
def hot_seat_swap_withdraw(*, swap: HotSeatSwap, by: User) -> HotSeatSwap:
    """Withdraw one's own open offer of a hot seat."""
    circle = circle_locked(swap.session.circle)
    membership = member_of(circle, by, states=(ACTIVE,))
    swap = HotSeatSwap.objects.select_for_update().get(pk=swap.pk)
    if swap.giver_id != membership.pk:
        raise DomainError("Only the member who offered the seat can withdraw the offer.")
    if swap.state != HotSeatSwap.State.OFFERED:
        raise DomainError("This offer is no longer open.")
    swap.state = HotSeatSwap.State.WITHDRAWN
    swap.answered_at = timezone.now()
    swap.save(update_fields=["state", "answered_at", "updated_at"])
    return swap

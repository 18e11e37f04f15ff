"""Circles come together: proposed by a round or formed by members, accepted by each."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import User
from tandem.circles.events import circle_event_emit
from tandem.circles.models import Circle, CircleMembership
from tandem.circles.services.guards import (
    IN_CIRCLE,
    admit,
    circle_locked,
    clean_or_refuse,
    membership_locked,
    require_admin,
    require_own,
)
from tandem.circles.services.news import invitations, tell, tell_started
from tandem.core.errors import DomainError
from tandem.notifications.services import News, notify_many
from tandem.policy.eligibility import circle_check, circles_check, lock_people
from tandem.programs.models import Enrollment, Program
from tandem.webhooks.models import Endpoint

State = CircleMembership.State


@dataclass(frozen=True)
class ProposedMember:
    """Someone a round puts in a circle, and why this circle suits them."""

    enrollment: Enrollment
    # [{"component": …, "text": …}, …], most telling first, as the engine explains it.
    reasons: Sequence[Mapping[str, str]] = ()


@dataclass(frozen=True)
class ProposedGroup:
    """One circle a round proposes: its members, a name and the engine's fit."""

    name: str
    members: Sequence[ProposedMember]
    fit: float | None = None
    # Rhythm fields (Circle.RHYTHM_FIELDS) the round suggests, such as a common hour.
    rhythm: Mapping[str, object] = field(default_factory=dict)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise DomainError("Give the circle a name.", field="name")
    if len(name) > Circle._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError("Keep the circle's name under 80 characters.", field="name")
    return name


def _check_rhythm(rhythm: Mapping[str, object]) -> None:
    unknown = set(rhythm) - set(Circle.RHYTHM_FIELDS)
    if unknown:
        raise DomainError(f"Unknown rhythm settings: {', '.join(sorted(unknown))}.")
    zone = rhythm.get("time_zone")
    if zone is not None and not (isinstance(zone, str) and time_zones.is_valid(zone)):
        raise DomainError("Choose a time zone from the list.", field="time_zone")


# Fields people do not type: relations set by the service.
_NOT_TYPED = ["program", "created_by", "approved_by", "closed_by"]


@transaction.atomic
def circles_propose(*, program: Program, groups: Sequence[ProposedGroup], by: User) -> list[Circle]:
    """Propose circles to their members, each of whom accepts or declines.

    The round publishing them is the admin's approval. All the circles are checked against
    the circle policy at once, each person's places counting every circle proposed here,
    and written in a few statements whatever their number: a round proposes thousands.
    """
    require_admin(program, by)
    if not groups:
        raise DomainError("There are no circles to propose.")
    locked = lock_people([m.enrollment for group in groups for m in group.members])
    members = [[locked[m.enrollment.pk] for m in group.members] for group in groups]
    circles_check(program=program, circles=members)
    now = timezone.now()
    circles: list[Circle] = []
    for group in groups:
        name = _check_name(group.name)
        _check_rhythm(group.rhythm)
        if len(group.members) < program.circle_min_size:
            raise DomainError(
                f"A circle in {program.name} needs at least {program.circle_min_size} people; "
                f"{name} has {len(group.members)}."
            )
        circle = Circle(
            program=program,
            name=name,
            origin=Circle.Origin.ROUND,
            created_by=by,
            approved_at=now,
            approved_by=by,
            fit=group.fit,
            **group.rhythm,
        )
        clean_or_refuse(circle, exclude=_NOT_TYPED)
        circles.append(circle)
    # The database returns each new circle's id (PostgreSQL, and SQLite since 3.35).
    Circle.objects.bulk_create(circles)
    CircleMembership.objects.bulk_create(
        CircleMembership(
            circle=circle,
            enrollment=member.enrollment,
            state=State.PROPOSED,
            reasons=[dict(reason) for reason in member.reasons],
        )
        for circle, group in zip(circles, groups, strict=True)
        for member in group.members
    )
    news: list[News] = []
    for circle, people in zip(circles, members, strict=True):
        news += invitations([person.user for person in people], circle)
    # One batch for the whole round.
    notify_many(news)
    return circles


def start_if_ready(circle: Circle) -> bool:
    """Start a forming circle once approved, nobody's answer is awaited and enough said yes.

    A circle left below the smallest size by a decline waits for a replacement.
    """
    if circle.state != Circle.State.PROPOSED or circle.approved_at is None:
        return False
    states = list(circle.memberships.values_list("state", flat=True))
    if State.PROPOSED in states or states.count(State.ACCEPTED) < circle.program.circle_min_size:
        return False
    now = timezone.now()
    circle.state = Circle.State.ACTIVE
    circle.started_at = now
    circle.save(update_fields=["state", "started_at", "updated_at"])
    circle.memberships.filter(state=State.ACCEPTED).update(
        state=State.ACTIVE, joined_at=now, updated_at=now
    )
    tell_started(circle)
    circle_event_emit(circle=circle, kind=Endpoint.Event.CIRCLE_STARTED)
    return True


def _take_place(membership: CircleMembership, circle: Circle) -> None:
    """Confirm a place: a member of a running circle joins it now, else waits for the start."""
    now = timezone.now()
    if circle.state in (Circle.State.ACTIVE, Circle.State.PAUSED):
        membership.state = State.ACTIVE
        membership.joined_at = now
    else:
        membership.state = State.ACCEPTED
    membership.save(update_fields=["state", "joined_at", "updated_at"])


@transaction.atomic
def circle_membership_answer(
    *, membership: CircleMembership, by: User, accept: bool
) -> CircleMembership:
    """Accept or decline a proposed place in a circle; the circle starts when all have said yes."""
    circle, membership = membership_locked(membership)
    require_own(membership, by)
    if membership.state != State.PROPOSED:
        raise DomainError("This place is no longer waiting for your answer.")
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed.")
    membership.answered_at = timezone.now()
    membership.save(update_fields=["answered_at", "updated_at"])
    if accept:
        admit(circle, [membership.enrollment], confirming=membership, reader=by)
        _take_place(membership, circle)
    else:
        membership.state = State.DECLINED
        membership.save(update_fields=["state", "updated_at"])
    start_if_ready(circle)
    membership.refresh_from_db()
    return membership


@transaction.atomic
def circle_form(*, enrollment: Enrollment, by: User, name: str, **rhythm: object) -> Circle:
    """Form a circle of one's own; others ask to join, and an admin of the program approves it."""
    if enrollment.user_id != by.pk:
        raise DomainError("Only the person themselves can do that.")
    name = _check_name(name)
    _check_rhythm(rhythm)
    me = lock_people([enrollment])[enrollment.pk]
    circle_check(program=me.program, members=[], newcomers=[me], reader=by.pk)
    circle = Circle(
        program=me.program, name=name, origin=Circle.Origin.SELF_FORMED, created_by=by, **rhythm
    )
    clean_or_refuse(circle, exclude=_NOT_TYPED)
    circle.save()
    CircleMembership.objects.create(
        circle=circle, enrollment=me, state=State.ACCEPTED, answered_at=timezone.now()
    )
    return circle


@transaction.atomic
def circle_join_request(*, circle: Circle, enrollment: Enrollment, by: User) -> CircleMembership:
    """Ask to join a circle; an admin of the program approves or refuses."""
    circle = circle_locked(circle)
    if enrollment.user_id != by.pk:
        raise DomainError("Only the person themselves can do that.")
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed.")
    # Someone asking to join does not see who is in the circle: refusals do not name them.
    admit(circle, [enrollment], name_members=False, reader=by)
    return CircleMembership.objects.create(
        circle=circle, enrollment=enrollment, state=State.REQUESTED
    )


@transaction.atomic
def circle_join_approve(*, membership: CircleMembership, by: User) -> CircleMembership:
    """Approve a request to join: the person takes their place (and the circle may start)."""
    circle, membership = membership_locked(membership)
    require_admin(circle.program, by)
    if membership.state != State.REQUESTED:
        raise DomainError("This request is no longer waiting for an answer.")
    if circle.state == Circle.State.CLOSED:
        raise DomainError("This circle has closed.")
    admit(circle, [membership.enrollment], confirming=membership, reader=by)
    membership.answered_at = timezone.now()
    membership.save(update_fields=["answered_at", "updated_at"])
    _take_place(membership, circle)
    if not start_if_ready(circle):
        tell(
            [membership.enrollment.user],
            circle,
            kind="circle_join_approved",
            title=f"You are in {circle.name}",
            body="The program approved your request to join.",
        )
    membership.refresh_from_db()
    return membership


@transaction.atomic
def circle_join_refuse(*, membership: CircleMembership, by: User) -> CircleMembership:
    """Turn down a request to join a circle."""
    circle, membership = membership_locked(membership)
    require_admin(circle.program, by)
    if membership.state != State.REQUESTED:
        raise DomainError("This request is no longer waiting for an answer.")
    membership.state = State.DECLINED
    membership.answered_at = timezone.now()
    membership.save(update_fields=["state", "answered_at", "updated_at"])
    tell(
        [membership.enrollment.user],
        circle,
        kind="circle_join_refused",
        title=f"Your request to join {circle.name} was not approved",
        body="Other circles in the program may suit you; you can ask to join one.",
    )
    return membership


@transaction.atomic
def circle_approve(*, circle: Circle, by: User) -> Circle:
    """Approve a circle its members formed; it starts once enough of them are in."""
    circle = circle_locked(circle)
    require_admin(circle.program, by)
    if circle.state != Circle.State.PROPOSED or circle.approved_at is not None:
        raise DomainError("Only a forming circle that is not yet approved can be approved.")
    # The people in it are asked again: the rule may have changed since they joined.
    members = list(
        circle.memberships.filter(state__in=IN_CIRCLE).select_related("enrollment__user")
    )
    locked = lock_people([m.enrollment for m in members])
    circle_check(
        program=circle.program,
        members=[],
        newcomers=[locked[m.enrollment_id] for m in members],
        circle=circle,
    )
    circle.approved_at = timezone.now()
    circle.approved_by = by
    circle.save(update_fields=["approved_at", "approved_by", "updated_at"])
    start_if_ready(circle)
    return circle

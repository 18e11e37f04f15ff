"""Locks and "who may do this" checks shared by the circle services."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleMembership
from tandem.core.errors import DomainError
from tandem.policy.access import user_administers_program
from tandem.policy.eligibility import circle_check, lock_people
from tandem.programs.models import Enrollment, Program

IN_CIRCLE = CircleMembership.IN_CIRCLE


def circle_locked(circle: Circle) -> Circle:
    """Re-read a circle with a row lock held until the transaction ends."""
    return (
        Circle.objects.select_for_update(of=("self",))
        .select_related("program__organization")
        .get(pk=circle.pk)
    )


def membership_locked(membership: CircleMembership) -> tuple[Circle, CircleMembership]:
    """Lock a membership's circle, then re-read the membership: circle first, always."""
    circle = circle_locked(membership.circle)
    membership = (
        CircleMembership.objects.select_for_update(of=("self",))
        .select_related("enrollment__user")
        .get(pk=membership.pk)
    )
    membership.circle = circle
    return circle, membership


def live_memberships(circle: Circle) -> QuerySet[CircleMembership]:
    return circle.memberships.filter(state__in=CircleMembership.LIVE).select_related(
        "enrollment__user"
    )


def admit(
    circle: Circle,
    newcomers: list[Enrollment],
    *,
    confirming: CircleMembership | None = None,
    name_members: bool = True,
    reader: User | None = None,
) -> dict[int, Enrollment]:
    """Lock everyone counted and ask the pairing policy whether the newcomers may join.

    ``confirming`` is the newcomer's own live membership being confirmed (an answer, an
    approval), which is not one of the members they are checked against. ``name_members``
    is False when the person asking may not see who is in the circle; a refusal says "You"
    to ``reader`` when it names them.
    """
    others = [m for m in live_memberships(circle) if confirming is None or m.pk != confirming.pk]
    locked = lock_people([*newcomers, *(m.enrollment for m in others)])
    circle_check(
        program=circle.program,
        members=[locked[m.enrollment_id] for m in others],
        newcomers=[locked[n.pk] for n in newcomers],
        circle=circle,
        name_members=name_members,
        reader=reader.pk if reader is not None else None,
    )
    return locked


def require_admin(program: Program, user: User) -> None:
    if not user_administers_program(user=user, program=program):
        raise DomainError("Only an admin of this program can do that.")


def require_own(membership: CircleMembership, user: User) -> None:
    if membership.enrollment.user_id != user.pk:
        raise DomainError("Only the person themselves can do that.")


def member_of(
    circle: Circle, user: User, *, states: tuple[str, ...] = IN_CIRCLE
) -> CircleMembership:
    """Return this person's membership of the circle in one of these states, or refuse."""
    membership = (
        circle.memberships.filter(enrollment__user=user, state__in=states)
        .select_related("enrollment__user")
        .first()
    )
    if membership is None:
        raise DomainError("Only the members of this circle can do that.")
    return membership


def member_or_admin(circle: Circle, user: User) -> CircleMembership | None:
    """Return the person's membership, None for an admin of the program, or refuse."""
    membership = circle.memberships.filter(enrollment__user=user, state__in=IN_CIRCLE).first()
    if membership is None and not user_administers_program(user=user, program=circle.program):
        raise DomainError("Only the members of this circle or the program's admins can do that.")
    return membership


def clean_or_refuse(row: models.Model, *, exclude: list[str]) -> None:
    """Validate a row as its model does, and refuse with the first problem, by field."""
    try:
        # Field validators hold the same ranges as the check constraints, which the database
        # enforces again; asking it here would cost a query per constraint.
        row.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        fields = error.message_dict
        name, messages = next(iter(fields.items()))
        field = None if name == "__all__" else name
        raise DomainError(messages[0], field=field) from None

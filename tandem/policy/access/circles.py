"""Access to circles and what their members write.

A circle's content (members' reasons, agreement, sessions, questions, commitments) is for
the people in it and those proposed a place; program admins see the circle, who is in it
and its state, never its content. A check-in is for its author alone.
"""

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCheckIn,
    CircleCommitment,
    CircleMembership,
    CircleQuestion,
    CircleSession,
)
from tandem.core.errors import NotFound
from tandem.policy.access.people import programs_administered_by
from tandem.programs.models import Enrollment

# Who reads a circle as a member: the people in it, and those proposed a place in it, who
# read it to decide. Someone who asked to join, left or was removed does not.
_READS_AS_MEMBER = (
    CircleMembership.State.PROPOSED,
    CircleMembership.State.ACCEPTED,
    CircleMembership.State.ACTIVE,
)


def circles_of(user: User) -> QuerySet[Circle]:
    """Return the circles this person is in, or has been proposed a place in."""
    if not user.is_authenticated:
        return Circle.objects.none()
    return Circle.objects.filter(
        memberships__enrollment__user=user, memberships__state__in=_READS_AS_MEMBER
    ).distinct()


def circle_get_for_member(*, user: User, circle_id: int) -> Circle:
    """Return a circle to a person in it (or proposed a place); otherwise raise NotFound."""
    try:
        return circles_of(user).select_related("program__organization").get(pk=circle_id)
    except Circle.DoesNotExist:
        raise NotFound("No such circle.") from None


def circle_get_for_admin(*, user: User, circle_id: int) -> Circle:
    """Return a circle to an admin of its program; otherwise raise NotFound."""
    try:
        return Circle.objects.select_related("program__organization").get(
            pk=circle_id, program__in=programs_administered_by(user).values("pk")
        )
    except Circle.DoesNotExist:
        raise NotFound("No such circle.") from None


def circles_open_to(user: User) -> QuerySet[Circle]:
    """Return the circles this person may ask to join, in a program they are in.

    A running circle, or one its members formed themselves and are gathering people for
    (before or after the program approves it: it starts once enough are in). Not a circle
    a round proposed and whose people are still answering, nor a paused or closed one.
    """
    if not user.is_authenticated:
        return Circle.objects.none()
    mine = Enrollment.objects.filter(user=user, status=Enrollment.Status.ACTIVE)
    return Circle.objects.filter(program__in=mine.values("program")).filter(
        Q(state=Circle.State.ACTIVE)
        | Q(state=Circle.State.PROPOSED, origin=Circle.Origin.SELF_FORMED)
    )


def circle_get_to_join(*, user: User, circle_id: int) -> Circle:
    """Return a circle this person may ask to join (name and size only); else NotFound."""
    try:
        return circles_open_to(user).select_related("program").get(pk=circle_id)
    except Circle.DoesNotExist:
        raise NotFound("No such circle.") from None


def circle_membership_get_own(*, user: User, membership_id: int) -> CircleMembership:
    """Return one's own place in a circle (to answer, leave); otherwise raise NotFound."""
    if not user.is_authenticated:
        raise NotFound("No such place.")
    try:
        return CircleMembership.objects.select_related("circle__program", "enrollment__user").get(
            pk=membership_id, enrollment__user=user
        )
    except CircleMembership.DoesNotExist:
        raise NotFound("No such place.") from None


def circle_membership_get_for_admin(*, user: User, membership_id: int) -> CircleMembership:
    """Return a place in a circle to an admin of its program; otherwise raise NotFound."""
    try:
        return CircleMembership.objects.select_related("circle__program", "enrollment__user").get(
            pk=membership_id, circle__program__in=programs_administered_by(user).values("pk")
        )
    except CircleMembership.DoesNotExist:
        raise NotFound("No such place.") from None


def circle_agreement_get_for_member(*, user: User, agreement_id: int) -> CircleAgreement:
    """Return a version of a circle's agreement to the circle's people; otherwise NotFound."""
    try:
        return CircleAgreement.objects.select_related("circle__program").get(
            pk=agreement_id, circle__in=circles_of(user).values("pk")
        )
    except CircleAgreement.DoesNotExist:
        raise NotFound("No such agreement.") from None


def circle_session_get_for_member(*, user: User, session_id: int) -> CircleSession:
    """Return a session of a circle to the circle's people; otherwise raise NotFound."""
    try:
        return CircleSession.objects.select_related("circle__program").get(
            pk=session_id, circle__in=circles_of(user).values("pk")
        )
    except CircleSession.DoesNotExist:
        raise NotFound("No such session.") from None


def circle_question_get_for_member(*, user: User, question_id: int) -> CircleQuestion:
    """Return a question in a session's queue to the circle's people; otherwise NotFound."""
    try:
        return CircleQuestion.objects.select_related("session__circle", "author").get(
            pk=question_id, session__circle__in=circles_of(user).values("pk")
        )
    except CircleQuestion.DoesNotExist:
        raise NotFound("No such question.") from None


def circle_commitment_get_for_member(*, user: User, commitment_id: int) -> CircleCommitment:
    """Return a member's commitment to the circle's people; otherwise raise NotFound."""
    try:
        return CircleCommitment.objects.select_related(
            "membership__circle", "membership__enrollment__user"
        ).get(pk=commitment_id, membership__circle__in=circles_of(user).values("pk"))
    except CircleCommitment.DoesNotExist:
        raise NotFound("No such commitment.") from None


def circle_checkins_of_author(user: User) -> QuerySet[CircleCheckIn]:
    """Return the circle check-ins this person wrote: nobody else's, ever."""
    if not user.is_authenticated:
        return CircleCheckIn.objects.none()
    return CircleCheckIn.objects.filter(membership__enrollment__user=user)


def circle_checkin_get_for_author(*, user: User, checkin_id: int) -> CircleCheckIn:
    """Return a circle check-in to its author alone; otherwise raise NotFound."""
    try:
        return circle_checkins_of_author(user).get(pk=checkin_id)
    except CircleCheckIn.DoesNotExist:
        raise NotFound("No such check-in.") from None

"""Access to coaching engagements.

The coach and the client read and write an engagement; its sponsor reads progress in
aggregate only (``engagement_get_for_sponsor`` returns the engagement for selectors that
count, never for pages that show content); a session note is read by its author alone.
Program admins see that an engagement exists, its state and its numbers, never its content.
"""

from django.db.models import Q, QuerySet

from tandem.accounts.models import Membership, User
from tandem.coaching.models import Assignment, CoachProfile, Engagement, Objective, SessionNote
from tandem.core.errors import NotFound
from tandem.policy.access.people import program_get_for_admin
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Meeting


def engagements_of(user: User) -> QuerySet[Engagement]:
    """Return the engagements this person is the coach or the client of."""
    if not user.is_authenticated:
        return Engagement.objects.none()
    return Engagement.objects.filter(
        Q(relationship__mentor__user=user) | Q(relationship__mentee__user=user)
    )


def _with_people(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return engagements.select_related(
        "relationship__program__organization",
        "relationship__mentor__user",
        "relationship__mentee__user",
        "relationship__focus",
        "sponsor",
    )


def engagement_get_for_user(*, user: User, engagement_id: int) -> Engagement:
    """Return an engagement to its coach or client; otherwise raise NotFound."""
    try:
        return _with_people(engagements_of(user)).get(pk=engagement_id)
    except Engagement.DoesNotExist:
        raise NotFound("No such engagement.") from None


def engagements_sponsored_by(user: User) -> QuerySet[Engagement]:
    """Return the engagements this person sponsors: progress in aggregate, never content."""
    if not user.is_authenticated:
        return Engagement.objects.none()
    return Engagement.objects.filter(sponsor=user)


def engagement_get_for_sponsor(*, user: User, engagement_id: int) -> Engagement:
    """Return an engagement to its sponsor; otherwise raise NotFound."""
    try:
        return _with_people(engagements_sponsored_by(user)).get(pk=engagement_id)
    except Engagement.DoesNotExist:
        raise NotFound("No such engagement.") from None


def session_note_get_for_author(*, user: User, meeting: Meeting) -> SessionNote | None:
    """Return this person's own note on a session of an engagement they are in, if any."""
    if not user.is_authenticated or user.pk not in meeting.relationship.participant_ids():
        return None
    return SessionNote.objects.filter(meeting=meeting, author=user).first()


def session_get_for_user(*, user: User, engagement: Engagement, meeting_id: int) -> Meeting:
    """Return a session of an engagement to its coach or client; otherwise raise NotFound."""
    if user.pk not in engagement.relationship.participant_ids():
        raise NotFound("No such session.")
    try:
        return Meeting.objects.get(pk=meeting_id, relationship_id=engagement.relationship_id)
    except Meeting.DoesNotExist:
        raise NotFound("No such session.") from None


def assignment_get_for_user(
    *, user: User, engagement: Engagement, assignment_id: int
) -> Assignment:
    """Return an assignment of an engagement to its coach or client; otherwise raise NotFound."""
    if user.pk not in engagement.relationship.participant_ids():
        raise NotFound("No such assignment.")
    try:
        return Assignment.objects.get(pk=assignment_id, engagement=engagement)
    except Assignment.DoesNotExist:
        raise NotFound("No such assignment.") from None


def engagements_coached_by(user: User) -> QuerySet[Engagement]:
    """Return the engagements this person is the coach of, in any program."""
    return engagements_of(user).filter(relationship__mentor__user=user)


def sessions_coached_by(user: User) -> QuerySet[Meeting]:
    """Return the held sessions of every engagement this person coaches, in any program."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        relationship__mentor__user=user,
        relationship__engagement__isnull=False,
        status=Meeting.Status.HELD,
    )


def coach_profile_get_own(*, user: User, enrollment_id: int) -> CoachProfile:
    """Return the coach profile of this person's own coach enrollment; otherwise NotFound."""
    if not user.is_authenticated:
        raise NotFound("No such coach profile.")
    enrollment = (
        Enrollment.objects.filter(pk=enrollment_id, user=user, is_coach=True)
        .select_related("program", "user")
        .first()
    )
    if enrollment is None:
        raise NotFound("No such coach profile.")
    profile = CoachProfile.objects.filter(enrollment=enrollment).first()
    return profile or CoachProfile(enrollment=enrollment)


def sponsor_candidates(engagement: Engagement) -> QuerySet[User]:
    """Return who may sponsor an engagement: its organization's members, never its pair."""
    relationship = engagement.relationship
    return (
        User.objects.filter(
            memberships__organization_id=relationship.program.organization_id,
            memberships__status=Membership.Status.ACTIVE,
            is_active=True,
        )
        .exclude(pk__in=relationship.participant_ids())
        .distinct()
    )


def objective_get_for_user(*, user: User, engagement: Engagement, objective_id: int) -> Objective:
    """Return an objective of an engagement this person coaches or is coached in."""
    try:
        return Objective.objects.select_related("engagement").get(
            pk=objective_id, engagement__in=engagements_of(user).filter(pk=engagement.pk)
        )
    except Objective.DoesNotExist:
        raise NotFound("No such objective.") from None


def engagements_for_admin(*, user: User, program_id: int) -> tuple[Program, QuerySet[Engagement]]:
    """Return a coaching program and its engagements to one of its admins; else NotFound.

    Admins read the numbers and states of these engagements, never their content.
    """
    program = program_get_for_admin(user=user, program_id=program_id)
    if program.format != Program.Format.COACHING:
        raise NotFound("No such coaching program.")
    return program, Engagement.objects.filter(relationship__program=program)


def engagement_get_for_admin(*, user: User, program_id: int, engagement_id: int) -> Engagement:
    """Return one engagement of a coaching program to one of its admins; else NotFound."""
    _, engagements = engagements_for_admin(user=user, program_id=program_id)
    try:
        return _with_people(engagements).get(pk=engagement_id)
    except Engagement.DoesNotExist:
        raise NotFound("No such engagement.") from None


def keeps_hours_log(user: User) -> bool:
    """Return whether this person keeps a coaching hours log: they coach, or have coached."""
    if not user.is_authenticated:
        return False
    return (
        Enrollment.objects.filter(user=user, is_coach=True).exists()
        or engagements_coached_by(user).exists()
    )

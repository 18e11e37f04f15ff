"""Access to coaching engagements.

The coach and the client read and write an engagement; its sponsor reads progress in
aggregate only (``engagement_get_for_sponsor`` returns the engagement for selectors that
count, never for pages that show content); a session note is read by its author alone.
Program admins see that an engagement exists, its state and its numbers, never its content.
"""

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.coaching.models import CoachProfile, Engagement, SessionNote
from tandem.core.errors import NotFound
from tandem.programs.models import Enrollment
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

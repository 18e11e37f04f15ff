"""Access to relationships, what leads to them and what their people write."""

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.policy.access.people import programs_administered_by
from tandem.relationships.models import (
    Agreement,
    Commitment,
    Concern,
    JournalEntry,
    Meeting,
    MentorshipRequest,
    Proposal,
    Reflection,
    Relationship,
)

# Relationships. Their content (agreement, meetings, commitments) is for the two people in
# them; program admins see that a relationship exists and its state, never its content.


def relationships_of(user: User) -> QuerySet[Relationship]:
    """Return the relationships this person is one of the two people in."""
    if not user.is_authenticated:
        return Relationship.objects.none()
    return Relationship.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))


def relationship_get_for_user(*, user: User, relationship_id: int) -> Relationship:
    """Return a relationship to one of its two people; otherwise raise NotFound."""
    try:
        return (
            relationships_of(user)
            .select_related(
                "program__organization", "mentor__user", "mentee__user", "focus", "peer_focus"
            )
            .get(pk=relationship_id)
        )
    except Relationship.DoesNotExist:
        raise NotFound("No such relationship.") from None


def relationship_get_for_admin(*, user: User, relationship_id: int) -> Relationship:
    """Return a relationship to an admin of its program; otherwise raise NotFound."""
    try:
        return Relationship.objects.select_related(
            "program__organization", "mentor__user", "mentee__user", "focus"
        ).get(pk=relationship_id, program__in=programs_administered_by(user).values("pk"))
    except Relationship.DoesNotExist:
        raise NotFound("No such relationship.") from None


def requests_of(user: User) -> QuerySet[MentorshipRequest]:
    """Return the mentoring requests this person sent or received."""
    if not user.is_authenticated:
        return MentorshipRequest.objects.none()
    return MentorshipRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


def request_get_for_user(*, user: User, request_id: int) -> MentorshipRequest:
    """Return a mentoring request to its sender or its recipient; otherwise raise NotFound."""
    try:
        return (
            requests_of(user)
            .select_related("program", "mentee__user", "mentor__user", "focus")
            .get(pk=request_id)
        )
    except MentorshipRequest.DoesNotExist:
        raise NotFound("No such request.") from None


def proposals_of(user: User) -> QuerySet[Proposal]:
    """Return the proposals in which this person is one of the two people proposed."""
    if not user.is_authenticated:
        return Proposal.objects.none()
    return Proposal.objects.filter(Q(mentor__user=user) | Q(mentee__user=user))


def proposal_get_for_user(*, user: User, proposal_id: int) -> Proposal:
    """Return a proposal to one of the two people proposed; otherwise raise NotFound."""
    try:
        return (
            proposals_of(user)
            .select_related("program", "mentor__user", "mentee__user", "focus", "peer_focus")
            .get(pk=proposal_id)
        )
    except Proposal.DoesNotExist:
        raise NotFound("No such proposal.") from None


def meeting_get_for_user(*, user: User, meeting_id: int) -> Meeting:
    """Return a meeting to one of the two people in its relationship."""
    try:
        return Meeting.objects.select_related(
            "relationship__program", "relationship__mentor__user", "relationship__mentee__user"
        ).get(pk=meeting_id, relationship__in=relationships_of(user))
    except Meeting.DoesNotExist:
        raise NotFound("No such meeting.") from None


def commitment_get_for_user(*, user: User, commitment_id: int) -> Commitment:
    """Return a commitment to one of the two people in its relationship."""
    try:
        return Commitment.objects.select_related("relationship", "owner").get(
            pk=commitment_id, relationship__in=relationships_of(user)
        )
    except Commitment.DoesNotExist:
        raise NotFound("No such commitment.") from None


def agreement_get_for_user(*, user: User, agreement_id: int) -> Agreement:
    """Return an agreement version to one of the two people who write it."""
    try:
        return Agreement.objects.select_related("relationship").get(
            pk=agreement_id, relationship__in=relationships_of(user)
        )
    except Agreement.DoesNotExist:
        raise NotFound("No such agreement.") from None


def journal_entry_get_for_author(*, user: User, entry_id: int) -> JournalEntry:
    """Return a journal entry to its author, and to nobody else: not partners, not admins."""
    try:
        return JournalEntry.objects.get(pk=entry_id, author=user)
    except JournalEntry.DoesNotExist:
        raise NotFound("No such entry.") from None


def concern_get_for_user(*, user: User, concern_id: int) -> Concern:
    """Return a concern to the person who raised it or to the program's admins."""
    try:
        return Concern.objects.select_related("relationship__program").get(
            Q(reporter=user)
            | Q(relationship__program__in=programs_administered_by(user).values("pk")),
            pk=concern_id,
        )
    except Concern.DoesNotExist:
        raise NotFound("No such concern.") from None


# Reflections before a rematch: like journal entries, their author's alone. The previous
# mentor, the next one (unless the author shares it) and the program admins never read them.


def reflections_of(user: User) -> QuerySet[Reflection]:
    """Return the reflections this person wrote, and nobody else's."""
    if not user.is_authenticated:
        return Reflection.objects.none()
    return Reflection.objects.filter(author=user)


def reflection_get_for_author(*, user: User, reflection_id: int) -> Reflection:
    """Return a reflection to its author, and to nobody else; otherwise raise NotFound."""
    try:
        return (
            reflections_of(user)
            .select_related(
                "relationship__program__organization",
                "relationship__focus",
                "relationship__mentor__user",
                "relationship__mentor__membership__department",
                "relationship__mentee__membership__department",
            )
            .get(pk=reflection_id, relationship__mentee__user=user)
        )
    except Reflection.DoesNotExist:
        raise NotFound("No such reflection.") from None


def reflection_get_own(*, user: User, relationship: Relationship) -> Reflection | None:
    """Return the reflection this person wrote on a relationship, if any."""
    return reflections_of(user).filter(relationship=relationship).first()


def reflection_shared_with_mentor(*, user: User, relationship: Relationship) -> Reflection | None:
    """Return the reflection a mentee shared from an earlier match to this relationship's mentor.

    Only a mentor whose relationship began after that match ended reads it; the mentor it
    is about never does, whatever happens later.
    """
    if relationship.mentor.user_id != user.pk:
        return None
    return (
        Reflection.objects.filter(
            author_id=relationship.mentee.user_id,
            share_with_next=True,
            relationship__program_id=relationship.program_id,
            relationship__mentee__user_id=relationship.mentee.user_id,
            relationship__closed_at__lte=relationship.created_at,
        )
        .exclude(relationship__mentor__user=user)
        .order_by("-created_at")
        .first()
    )

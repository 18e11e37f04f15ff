"""What an erasure would end and remove, counted for the confirmation pages."""

from dataclasses import dataclass

from django.db.models import Q

from tandem.accounts.models import Organization, User
from tandem.programs.models import Enrollment
from tandem.relationships.models import (
    CheckIn,
    JournalEntry,
    MentorshipRequest,
    Proposal,
    Reflection,
    Relationship,
)


@dataclass(frozen=True)
class ErasurePreview:
    open_relationships: int
    pending_requests: int
    pending_proposals: int
    programs: int
    journal_entries: int
    reflections: int
    checkins: int


def erasure_preview(*, person: User, organization: Organization | None = None) -> ErasurePreview:
    """Count what erasing this person (or ending their place in one organization) touches."""
    enrollments = Enrollment.objects.filter(user=person)
    if organization is not None:
        enrollments = enrollments.filter(program__organization=organization)
    theirs = Q(mentee__in=enrollments) | Q(mentor__in=enrollments)
    return ErasurePreview(
        open_relationships=Relationship.objects.filter(
            theirs, status__in=Relationship.HOLDS_CAPACITY
        ).count(),
        pending_requests=MentorshipRequest.objects.filter(
            theirs, status=MentorshipRequest.Status.PENDING
        ).count(),
        pending_proposals=Proposal.objects.filter(theirs, status=Proposal.Status.PENDING).count(),
        programs=enrollments.filter(status=Enrollment.Status.ACTIVE).count(),
        journal_entries=JournalEntry.objects.filter(author=person).count(),
        reflections=Reflection.objects.filter(author=person).count(),
        checkins=CheckIn.objects.filter(author=person).count(),
    )

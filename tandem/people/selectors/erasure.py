"""What an erasure would end and remove, counted for the confirmation pages."""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from tandem.accounts.models import Membership, Organization, User
from tandem.people.models import MemberExport
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
class ReportsMove:
    """Who takes over the person's direct reports in one organization, as erasure does it."""

    organization: str
    reports: int
    new_manager: User | None  # the person's own manager; None leaves the reports without one


@dataclass(frozen=True)
class ErasurePreview:
    open_relationships: int
    pending_requests: int
    pending_proposals: int
    programs: int
    journal_entries: int
    reflections: int
    checkins: int
    member_exports: int = 0
    reports_move: list[ReportsMove] = field(default_factory=list)


def erasure_preview(*, person: User, organization: Organization | None = None) -> ErasurePreview:
    """Count what erasing this person (or ending their place in one organization) touches."""
    enrollments = Enrollment.objects.filter(user=person)
    organizations = [organization.pk] if organization is not None else []
    if organization is not None:
        enrollments = enrollments.filter(program__organization=organization)
    else:
        organizations = list(
            Membership.objects.filter(user=person).values_list("organization_id", flat=True)
        )
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
        member_exports=MemberExport.objects.filter(organization__in=organizations).count(),
        reports_move=_reports_move(person, organizations),
    )


def _reports_move(person: User, organizations: list[int]) -> list[ReportsMove]:
    memberships = (
        Membership.objects.filter(user=person, organization__in=organizations)
        .select_related("organization", "manager__user")
        .order_by("organization__name")
    )
    counts = dict(
        Membership.objects.filter(manager__in=memberships)
        .values("manager_id")
        .annotate(count=Count("pk"))
        .values_list("manager_id", "count")
    )
    return [
        ReportsMove(m.organization.name, counts[m.pk], m.manager.user if m.manager else None)
        for m in memberships
        if m.pk in counts
    ]

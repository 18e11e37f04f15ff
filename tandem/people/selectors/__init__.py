"""Reads for organization admins' pages."""

from django.db.models import Count, Q

from tandem.accounts.models import Membership, Organization
from tandem.people.models import PartnershipRequest


def organization_counts(organization: Organization) -> dict[str, int]:
    """Count an organization's members, alumni, admins, departments, runners and partners."""
    counts = Membership.objects.filter(organization=organization).aggregate(
        members=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        alumni=Count("pk", filter=Q(status=Membership.Status.ALUMNI)),
        admins=Count("pk", filter=Q(status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN)),
        without_manager=Count(
            "pk", filter=Q(status=Membership.Status.ACTIVE, manager__isnull=True)
        ),
        program_runners=Count(
            "pk",
            filter=Q(
                status=Membership.Status.ACTIVE,
                role=Membership.Role.MEMBER,
                may_run_programs=True,
            ),
        ),
    )
    counts["departments"] = organization.departments.count()
    counts["partners"] = organization.partners.count()
    counts["partnership_requests"] = PartnershipRequest.objects.filter(
        to_organization=organization, status=PartnershipRequest.Status.PENDING
    ).count()
    return counts

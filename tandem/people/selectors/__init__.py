"""Reads for organization admins' pages."""

from django.db.models import Count, Q

from tandem.accounts.models import Membership, Organization


def organization_counts(organization: Organization) -> dict[str, int]:
    """Members, alumni, admins and departments of one organization, in one query each."""
    counts = Membership.objects.filter(organization=organization).aggregate(
        members=Count("pk", filter=Q(status=Membership.Status.ACTIVE)),
        alumni=Count("pk", filter=Q(status=Membership.Status.ALUMNI)),
        admins=Count("pk", filter=Q(status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN)),
        without_manager=Count(
            "pk", filter=Q(status=Membership.Status.ACTIVE, manager__isnull=True)
        ),
    )
    counts["departments"] = organization.departments.count()
    return counts

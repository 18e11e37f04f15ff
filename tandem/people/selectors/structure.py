"""Reads for an organization's structure: departments, partners, who runs programs."""

from django.db.models import Count, Q, QuerySet

from tandem.accounts.models import Department, Membership, Organization
from tandem.people.models import PartnershipRequest


def departments_with_counts(organization: Organization) -> QuerySet[Department]:
    """Return the organization's departments with their current members and alumni counted."""
    return organization.departments.annotate(
        current=Count("members", filter=Q(members__status=Membership.Status.ACTIVE)),
        alumni=Count("members", filter=Q(members__status=Membership.Status.ALUMNI)),
    ).order_by("name")


def partnership_requests_open(
    organization: Organization,
) -> tuple[list[PartnershipRequest], list[PartnershipRequest]]:
    """Return the requests waiting for this organization's answer, and those it sent."""
    pending = PartnershipRequest.objects.filter(status=PartnershipRequest.Status.PENDING)
    received = pending.filter(to_organization=organization).select_related(
        "from_organization", "proposed_by"
    )
    sent = pending.filter(from_organization=organization).select_related(
        "to_organization", "proposed_by"
    )
    return list(received), list(sent)


def program_runners(organization: Organization) -> QuerySet[Membership]:
    """Return the current members who may create and run programs without being admins."""
    return (
        Membership.objects.filter(
            organization=organization, status=Membership.Status.ACTIVE, may_run_programs=True
        )
        .exclude(role=Membership.Role.ADMIN)
        .select_related("user", "department")
        .order_by("user__full_name", "pk")
    )


def organization_admins(organization: Organization) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(
            organization=organization,
            status=Membership.Status.ACTIVE,
            role=Membership.Role.ADMIN,
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )

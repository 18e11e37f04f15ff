"""Writes an organization admin makes to a member: role, position, reporting line, status."""

from django.db import transaction

from tandem.accounts import time_zones
from tandem.accounts.models import Department, Membership, Organization, User
from tandem.accounts.services import membership_set_manager
from tandem.core.errors import DomainError
from tandem.people.services.leaving import LeaveSummary, memberships_leave
from tandem.webhooks.models import Endpoint
from tandem.webhooks.services import event_emit


def _lock_organization(organization_id: int) -> None:
    # Changes to roles and reporting lines of one organization queue behind each other, so
    # that two admins demoting each other cannot leave it without an admin.
    Organization.objects.select_for_update().filter(pk=organization_id).first()


def people_imported_emit(*, organization_id: int, source: str, membership_ids: list[int]) -> None:
    """Tell the organization's endpoints who joined by a people file or SCIM: one event."""
    event_emit(
        organization_id=organization_id,
        kind=Endpoint.Event.PERSON_IMPORTED,
        data={"source": source, "count": len(membership_ids), "membership_ids": membership_ids},
    )


class LastAdmin(DomainError):
    """The change would leave the organization without a current admin."""


def membership_check_keeps_an_admin(*, membership: Membership, losing: str) -> None:
    """Refuse to take away the organization's last current admin, whoever asks.

    ``losing`` ends the sentence that says what to do first ("before removing their
    admin role"). The organization's row is locked, so that two changes made at once (two
    admins demoting each other, a page and an identity provider) cannot both pass.
    """
    _lock_organization(membership.organization_id)
    admins = Membership.objects.filter(
        organization_id=membership.organization_id,
        role=Membership.Role.ADMIN,
        status=Membership.Status.ACTIVE,
    )
    if not admins.filter(pk=membership.pk).exists() or admins.exclude(pk=membership.pk).exists():
        return
    user = membership.user
    raise LastAdmin(
        f"{user.full_name or user.email} ({user.email}) is the organization's only admin. "
        f"Make someone else an admin before {losing}.",
        field="role",
    )


@transaction.atomic
def membership_update(
    *,
    membership: Membership,
    role: str,
    department: Department | None,
    title: str,
    time_zone: str,
    location: str,
    may_run_programs: bool,
) -> Membership:
    """Change a member's role, department, title, time zone, location and program rights."""
    _lock_organization(membership.organization_id)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise DomainError("Choose a role.", field="role")
    if role != membership.role:
        membership_check_keeps_an_admin(membership=membership, losing="removing their admin role")
    if department is not None and department.organization_id != membership.organization_id:
        raise DomainError("Choose a department of this organization.", field="department")
    if not time_zones.is_valid(time_zone):
        raise DomainError(f"Unknown time zone “{time_zone}”.", field="time_zone")
    membership.role = role
    membership.department = department
    membership.title = title.strip()
    membership.time_zone = time_zone
    membership.location = location.strip()
    membership.may_run_programs = may_run_programs
    membership.save(
        update_fields=[
            "role",
            "department",
            "title",
            "time_zone",
            "location",
            "may_run_programs",
            "updated_at",
        ]
    )
    return membership


@transaction.atomic
def membership_change_manager(*, membership: Membership, manager: Membership | None) -> Membership:
    """Set whom a member reports to; a manager elsewhere or a loop is refused."""
    if manager is not None and manager.status != Membership.Status.ACTIVE:
        raise DomainError(
            f"{manager.user} ({manager.user.email}) is no longer a current member; choose a "
            "current member.",
            field="manager",
        )
    return membership_set_manager(membership=membership, manager=manager)


@transaction.atomic
def membership_set_may_run_programs(*, membership: Membership, allowed: bool) -> Membership:
    """Let a member create and run programs, or stop letting them create new ones."""
    if allowed and membership.status != Membership.Status.ACTIVE:
        raise DomainError(f"{membership.user} is not a current member.")
    membership.may_run_programs = allowed
    membership.save(update_fields=["may_run_programs", "updated_at"])
    return membership


@transaction.atomic
def membership_mark_alumni(*, membership: Membership, by: User) -> LeaveSummary:
    """Mark a member as alumni; what they may no longer keep ends, with notice."""
    _lock_organization(membership.organization_id)
    membership = Membership.objects.select_related("user", "organization").get(pk=membership.pk)
    if membership.status == Membership.Status.ALUMNI:
        raise DomainError(f"{membership.user} is already alumni.")
    membership_check_keeps_an_admin(membership=membership, losing="marking them as alumni")
    return memberships_leave(memberships=[membership], by=by, reason="Marked as alumni")


@transaction.atomic
def membership_make_current(*, membership: Membership) -> Membership:
    """Make an alumni member a current member again."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.status == Membership.Status.ACTIVE:
        raise DomainError(f"{membership.user} is already a current member.")
    membership.status = Membership.Status.ACTIVE
    membership.save(update_fields=["status", "updated_at"])
    return membership

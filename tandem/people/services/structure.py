"""Writes for an organization's structure: departments and partner organizations."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.core.errors import DomainError
from tandem.people.models import PartnershipRequest

DEPARTMENT_NAME_MAX = 120


def _clean_department_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("Give the department a name.", field="name")
    if len(name) > DEPARTMENT_NAME_MAX:
        raise DomainError(
            f"Keep the name to {DEPARTMENT_NAME_MAX} characters or fewer.", field="name"
        )
    return name


def _check_name_free(organization: Organization, name: str, *, other_than: int | None) -> None:
    taken = organization.departments.filter(name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than)
    if taken.exists():
        raise DomainError(f"{organization} already has a department called “{name}”.", field="name")


def _save_department(department: Department) -> None:
    try:
        # A savepoint, so that a concurrent add of the same name is a clear error too.
        with transaction.atomic():
            department.save()
    except IntegrityError:
        raise DomainError(
            f"{department.organization} already has a department called “{department.name}”.",
            field="name",
        ) from None


@transaction.atomic
def department_create(*, organization: Organization, name: str) -> Department:
    """Add a department to an organization; its name is unique there, whatever the case."""
    name = _clean_department_name(name)
    _check_name_free(organization, name, other_than=None)
    department = Department(organization=organization, name=name)
    _save_department(department)
    return department


@transaction.atomic
def department_rename(*, department: Department, name: str) -> Department:
    """Rename a department; its name stays unique in its organization."""
    name = _clean_department_name(name)
    _check_name_free(department.organization, name, other_than=department.pk)
    department.name = name
    _save_department(department)
    return department


def _record_moves(members: list[Membership], *, by: User, reason: str) -> None:
    if not members:
        return
    if hasattr(Membership, "history"):
        # In bulk, and each move still in the audit trail with who made it and why.
        bulk_update_with_history(
            members,
            Membership,
            ["department", "updated_at"],
            batch_size=1000,
            default_user=by,
            default_change_reason=reason[:100],
        )
    else:
        Membership.objects.bulk_update(members, ["department", "updated_at"], batch_size=1000)


@transaction.atomic
def department_delete(
    *, department: Department, by: User, move_to: Department | None = None
) -> int:
    """Remove a department, first moving its members to another one; return how many moved."""
    members = list(
        Membership.objects.select_for_update().filter(department=department).order_by("pk")
    )
    if members and move_to is None:
        raise DomainError(
            f"{len(members)} member{'s are' if len(members) != 1 else ' is'} still in "
            f"{department.name}. Choose the department they move to first.",
            field="move_to",
        )
    if move_to is not None:
        if move_to.pk == department.pk or move_to.organization_id != department.organization_id:
            raise DomainError("Choose another department of this organization.", field="move_to")
        now = timezone.now()
        for membership in members:
            membership.department = move_to
            membership.updated_at = now
        _record_moves(members, by=by, reason=f"{department.name} removed")
    department.delete()
    return len(members)


# Partner organizations. Both sides agree before programs can be shared: one side's admin
# proposes, the other side's admin accepts or declines. Either side may end it later.


def _organization_named(name: str) -> Organization:
    name = name.strip()
    found = list(Organization.objects.filter(slug__iexact=name)[:1]) or list(
        Organization.objects.filter(name__iexact=name)[:2]
    )
    if len(found) != 1:
        raise DomainError(
            f"No organization on Tandem is called “{name}”. Use its exact name or its short "
            "name, as its admins see it.",
            field="organization",
        )
    return found[0]


@transaction.atomic
def partnership_propose(
    *, organization: Organization, partner_name: str, by: User, message: str = ""
) -> PartnershipRequest:
    """Ask another organization to become a partner; its admins accept or decline."""
    partner = _organization_named(partner_name)
    if partner.pk == organization.pk:
        raise DomainError("An organization cannot partner with itself.", field="organization")
    if organization.partners.filter(pk=partner.pk).exists():
        raise DomainError(f"{partner} is already a partner.", field="organization")
    pending = PartnershipRequest.objects.filter(status=PartnershipRequest.Status.PENDING)
    if pending.filter(from_organization=partner, to_organization=organization).exists():
        raise DomainError(
            f"{partner} already asked to partner with you: accept their request below.",
            field="organization",
        )
    if pending.filter(from_organization=organization, to_organization=partner).exists():
        raise DomainError(
            f"You already asked {partner}; they have not answered yet.", field="organization"
        )
    try:
        with transaction.atomic():
            return PartnershipRequest.objects.create(
                from_organization=organization,
                to_organization=partner,
                proposed_by=by,
                message=message.strip(),
            )
    except IntegrityError:
        raise DomainError(f"You already asked {partner}; they have not answered yet.") from None


def _lock_request(request: PartnershipRequest) -> PartnershipRequest:
    locked = PartnershipRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != PartnershipRequest.Status.PENDING:
        raise DomainError(f"This request was already {locked.get_status_display().lower()}.")
    return locked


@transaction.atomic
def partnership_answer(
    *, request: PartnershipRequest, organization: Organization, by: User, accept: bool
) -> PartnershipRequest:
    """Accept or decline a request sent to this organization."""
    if request.to_organization_id != organization.pk:
        raise DomainError("Only the organization that was asked can answer.")
    request = _lock_request(request)
    request.status = (
        PartnershipRequest.Status.ACCEPTED if accept else PartnershipRequest.Status.DECLINED
    )
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if accept:
        # The relation is symmetrical: adding it once makes both sides partners.
        organization.partners.add(request.from_organization_id)
    return request


@transaction.atomic
def partnership_withdraw(
    *, request: PartnershipRequest, organization: Organization, by: User
) -> PartnershipRequest:
    """Take back a request this organization sent before it is answered."""
    if request.from_organization_id != organization.pk:
        raise DomainError("Only the organization that asked can withdraw the request.")
    request = _lock_request(request)
    request.status = PartnershipRequest.Status.WITHDRAWN
    request.decided_by = by
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return request


@transaction.atomic
def partnership_end(*, organization: Organization, partner: Organization) -> None:
    """End a partnership; programs shared between the two close to the other's members."""
    if not organization.partners.filter(pk=partner.pk).exists():
        raise DomainError(f"{partner} is not a partner of {organization}.")
    # Access checks require the partnership to stand, so shared programs stop admitting
    # the other side's members at once; their listing on the program is left as history.
    organization.partners.remove(partner)

"""Writes for people, organizations and memberships."""

from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from tandem.accounts.models import Department, Invitation, Membership, Organization, User
from tandem.accounts.tasks import send_invitation_email
from tandem.core.errors import DomainError

if TYPE_CHECKING:
    from tandem.programs.models import Program


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def user_create(*, email: str, full_name: str, password: str | None) -> User:
    """Create a person who signs in with this e-mail address."""
    email = _normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise DomainError("An account with this e-mail address already exists.", field="email")
    user = User(email=email, full_name=full_name.strip())
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise DomainError(" ".join(error.messages), field="password") from None
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def organization_create(
    *,
    name: str,
    kind: str = Organization.Kind.COMPANY,
    email_domains: list[str] | None = None,
    slug: str | None = None,
    admin: User | None = None,
) -> Organization:
    """Create an organization with the default topic vocabulary and its first admin."""
    from tandem.programs.services import topics_install_defaults

    slug = slug or slugify(name)[:60]
    if Organization.objects.filter(slug=slug).exists():
        raise DomainError("An organization with this short name already exists.", field="slug")
    organization = Organization.objects.create(
        name=name,
        slug=slug,
        kind=kind,
        email_domains=[d.strip().lower().lstrip("@") for d in email_domains or [] if d.strip()],
    )
    topics_install_defaults(organization=organization)
    if admin is not None:
        membership_create(user=admin, organization=organization, role=Membership.Role.ADMIN)
    return organization


def department_get_or_create(*, organization: Organization, name: str) -> Department:
    department, _ = Department.objects.get_or_create(organization=organization, name=name.strip())
    return department


def _check_manager(membership: Membership, manager: Membership | None) -> None:
    if manager is None:
        return
    if manager.organization_id != membership.organization_id:
        raise DomainError("A manager must belong to the same organization.", field="manager")
    if membership.pk is not None and manager.pk == membership.pk:
        raise DomainError("Nobody can be their own manager.", field="manager")
    # Walk up from the proposed manager; meeting this member again means a cycle.
    seen: set[int] = set()
    current: Membership | None = manager
    while current is not None:
        if membership.pk is not None and current.pk == membership.pk:
            raise DomainError(
                f"{manager.user} already reports to {membership.user}, directly or "
                "indirectly; that would make the reporting line a loop.",
                field="manager",
            )
        if current.pk in seen:  # an existing loop in bad data; stop walking.
            break
        seen.add(current.pk)
        current = (
            Membership.objects.select_related("user").filter(pk=current.manager_id).first()
            if current.manager_id
            else None
        )


@transaction.atomic
def membership_create(
    *,
    user: User,
    organization: Organization,
    role: str = Membership.Role.MEMBER,
    status: str = Membership.Status.ACTIVE,
    department: Department | None = None,
    title: str = "",
    manager: Membership | None = None,
    time_zone: str = "UTC",
    location: str = "",
) -> Membership:
    """Add a person to an organization."""
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise DomainError(f"{user} is already a member of {organization}.")
    membership = Membership(
        user=user,
        organization=organization,
        role=role,
        status=status,
        department=department,
        title=title,
        time_zone=time_zone,
        location=location,
    )
    _check_manager(membership, manager)
    membership.manager = manager
    membership.save()
    return membership


@transaction.atomic
def membership_set_manager(*, membership: Membership, manager: Membership | None) -> Membership:
    """Change whom a member reports to, refusing a reporting line that loops."""
    # Lock the organization's row so two concurrent changes cannot together form a loop.
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
    _check_manager(membership, manager)
    membership.manager = manager
    membership.save(update_fields=["manager", "updated_at"])
    return membership


def _organization_for_email(email: str) -> Organization | None:
    domain = email.rsplit("@", 1)[-1].lower()
    for organization in Organization.objects.exclude(email_domains=[]).order_by("pk"):
        if domain in organization.email_domains:
            return organization
    return None


@transaction.atomic
def user_sign_up(*, email: str, full_name: str, password: str) -> User:
    """Create an account for someone whose e-mail domain belongs to an organization."""
    organization = _organization_for_email(_normalize_email(email))
    if organization is None:
        raise DomainError(
            "No organization on Tandem has open sign-up for this e-mail domain. "
            "Ask your program admin for an invitation link.",
            field="email",
        )
    user = user_create(email=email, full_name=full_name, password=password)
    membership_create(user=user, organization=organization)
    return user


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    invited_by: User,
    program: "Program | None" = None,
) -> Invitation:
    """Invite one e-mail address to the organization, and to a program if given."""
    email = _normalize_email(email)
    existing = Invitation.objects.filter(
        organization=organization, program=program, email=email, accepted_at__isnull=True
    ).first()
    if existing is not None and existing.is_usable:
        return existing
    invitation = Invitation.objects.create(
        organization=organization, program=program, email=email, invited_by=invited_by
    )
    transaction.on_commit(lambda: send_invitation_email.enqueue(invitation.pk))
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> User:
    """Use an invitation: create the account if needed and join the organization."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise DomainError("This invitation has already been used or has expired.")
    if user is None:
        user = user_create(email=invitation.email, full_name=full_name, password=password)
    elif user.email.lower() != invitation.email.lower():
        raise DomainError(
            f"This invitation was sent to {invitation.email}; sign in with that address."
        )
    if not Membership.objects.filter(user=user, organization=invitation.organization).exists():
        membership_create(user=user, organization=invitation.organization)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return user

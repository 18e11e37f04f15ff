"""Writes for people, organizations and memberships."""

from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import Department, Invitation, Membership, Organization, User
from tandem.accounts.tasks import send_invitation_email
from tandem.core.errors import DomainError

if TYPE_CHECKING:
    from tandem.programs.models import Program


def _normalize_email(email: str) -> str:
    return email.strip().lower()


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), field="password") from None


def user_create(
    *, email: str, full_name: str, password: str | None, confirmed: bool = True
) -> User:
    """Create a person who signs in with this e-mail address.

    `confirmed` says the address is already proven (an invitation link reached it).
    """
    email = _normalize_email(email)
    user = User(email=email, full_name=full_name.strip(), is_active=True)
    if password is not None:
        _check_password(password, user)
    user.set_password(password)
    try:
        # A savepoint, so that a concurrent sign-up with the same address is a clear error.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise DomainError(
            "An account with this e-mail address already exists. Sign in instead.", field="email"
        ) from None
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=confirmed)
    return user


def user_named(user: User) -> str:
    """Name a person so that nobody is mistaken for another: "Uma Kim (uma.kim@example.org)"."""
    return f"{user.full_name} ({user.email})" if user.full_name else user.email


def membership_check_manager(*, membership: Membership, manager: Membership | None) -> None:
    """Refuse a manager from another organization, oneself, or one that closes a loop."""
    if manager is None:
        return
    if manager.organization_id != membership.organization_id:
        raise DomainError("A manager must belong to the same organization.", field="manager")
    if membership.pk is not None and manager.pk == membership.pk:
        raise DomainError("Nobody can be their own manager.", field="manager")
    # Walk up from the proposed manager, reading the current rows; meeting this member
    # again means the new line would be a loop.
    seen: set[int] = set()
    current_id: int | None = manager.pk
    while current_id is not None and current_id not in seen:
        if current_id == membership.pk:
            # Named with their addresses: in a large organization several share a name.
            raise DomainError(
                f"{user_named(manager.user)} already reports to {user_named(membership.user)}, "
                "directly or indirectly; that would make the reporting line a loop.",
                field="manager",
            )
        seen.add(current_id)
        current_id = (
            Membership.objects.filter(pk=current_id).values_list("manager_id", flat=True).first()
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
    if not time_zones.is_valid(time_zone):
        raise DomainError(f"Unknown time zone “{time_zone}”.", field="time_zone")
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
    membership_check_manager(membership=membership, manager=manager)
    membership.manager = manager
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise DomainError(f"{user} is already a member of {organization}.") from None
    return membership


@transaction.atomic
def membership_set_manager(*, membership: Membership, manager: Membership | None) -> Membership:
    """Change whom a member reports to, refusing a reporting line that loops."""
    # Lock the organization's row so two concurrent changes cannot together form a loop.
    Organization.objects.select_for_update().filter(pk=membership.organization_id).first()
    membership_check_manager(membership=membership, manager=manager)
    membership.manager = manager
    membership.save(update_fields=["manager", "updated_at"])
    return membership


def organization_check_email(*, organization: Organization, email: str) -> None:
    """Refuse to add an address outside the organization's e-mail domains to it.

    Every way an admin or a system adds a person asks this, before it looks the address
    up: an address at another domain could belong to anyone, and adding it, or saying
    whether it has an account, would reach past the organization's own people.
    """
    domains = sorted({d.strip().lower().lstrip("@") for d in organization.email_domains or []})
    if not domains:
        raise DomainError(
            f"{organization} has no e-mail domains yet, so nobody can be added to it. "
            "Site staff set them once they know which domains are yours.",
            field="email",
        )
    domain = _normalize_email(email).rsplit("@", 1)[-1]
    if domain not in domains:
        raise DomainError(
            f"{domain} is not one of {organization}'s e-mail domains ({', '.join(domains)}); "
            "only people with an address at those domains can be added.",
            field="email",
        )


def organization_for_email(email: str) -> Organization | None:
    """Return the organization whose open sign-up covers this address's domain."""
    domain = _normalize_email(email).rsplit("@", 1)[-1]
    for organization in Organization.objects.exclude(email_domains=[]).order_by("pk"):
        if domain in organization.email_domains:
            return organization
    return None


@transaction.atomic
def user_email_verified(*, user: User, email: str) -> None:
    """Join the organization that opened sign-up for a person's newly proven address."""
    organization = organization_for_email(email)
    if (
        organization is not None
        and not Membership.objects.filter(user=user, organization=organization).exists()
    ):
        membership_create(user=user, organization=organization)


@transaction.atomic
def invitation_create(
    *,
    organization: Organization,
    email: str,
    invited_by: User,
    program: "Program | None" = None,
) -> Invitation:
    """Invite one e-mail address to a program, or to the organization when none is given."""
    email = _normalize_email(email)
    if program is None:
        # Accepting makes the person a member, so the organization's own rule applies.
        organization_check_email(organization=organization, email=email)
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


def _invited_account(*, email: str, full_name: str, password: str) -> User:
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        return user_create(email=email, full_name=full_name, password=password)
    if EmailAddress.objects.filter(user=existing, verified=True).exists():
        raise DomainError(
            f"There is already an account for {email}. Sign in with it, then open this link again."
        )
    # Nobody ever proved this address, so the account may be someone else's sign-up with
    # a password of their choosing: the invitee, who now proves it, takes it over.
    _check_password(password, existing)
    existing.full_name = full_name.strip()
    existing.set_password(password)
    existing.save(update_fields=["full_name", "password"])
    EmailAddress.objects.filter(user=existing).delete()
    EmailAddress.objects.create(user=existing, email=existing.email, primary=True, verified=True)
    return existing


@transaction.atomic
def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    full_name: str = "",
    password: str = "",
) -> User:
    """Use an invitation, creating the account if needed.

    A program invitation opens that one program; only an organization invitation makes
    the person a member of the organization.
    """
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_usable:
        raise DomainError("This invitation has already been used or has expired.")
    member = user is not None and (
        Membership.objects.filter(user=user, organization=invitation.organization).exists()
    )
    if invitation.program_id is None and not member:
        # Asked again on use, before any account is made: the organization's domains may
        # have changed since the invitation was sent.
        organization_check_email(organization=invitation.organization, email=invitation.email)
    if user is None:
        # The link reached this mailbox, which proves the address.
        user = _invited_account(email=invitation.email, full_name=full_name, password=password)
    elif user.email.lower() != invitation.email.lower():
        raise DomainError(
            f"This invitation was sent to {invitation.email}; sign in with that address."
        )
    if (
        invitation.program_id is None
        and not Membership.objects.filter(user=user, organization=invitation.organization).exists()
    ):
        membership_create(user=user, organization=invitation.organization)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return user

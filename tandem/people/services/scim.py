"""Writes an identity provider makes through SCIM, and the tokens it makes them with."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tandem.accounts import time_zones
from tandem.accounts.models import Department, Membership, Organization, User
from tandem.accounts.services import membership_create, organization_check_email, user_create
from tandem.core.errors import DomainError
from tandem.people.models import ScimGroup, ScimToken, ScimUser
from tandem.people.services.erasure import erased_in_organization
from tandem.people.services.leaving import memberships_leave
from tandem.people.services.members import (
    membership_change_manager,
    membership_check_keeps_an_admin,
    membership_make_current,
    people_imported_emit,
)
from tandem.people.services.structure import department_create, department_rename
from tandem.security.models import SecurityEvent
from tandem.security.services import security_event_record


class ScimConflict(DomainError):
    """The value is already taken by another resource (SCIM scimType "uniqueness")."""


class ScimImmutable(DomainError):
    """The attribute may not be changed through this organization (scimType "mutability")."""


class Keep:
    """Marks an attribute the provider did not assert: its current value stays."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()


@dataclass
class UserChanges:
    """What a provider asserts about a person; KEEP leaves an attribute as it is."""

    email: str | Keep = KEEP
    full_name: str | Keep = KEEP
    active: bool | Keep = KEEP
    title: str | Keep = KEEP
    time_zone: str | Keep = KEEP
    department: str | Keep = KEEP  # a department's name; "" for none
    manager_id: int | Keep | None = KEEP
    external_id: str | Keep = KEEP


@dataclass
class GroupChanges:
    """What a provider asserts about a department and who is in it."""

    name: str | Keep = KEEP
    external_id: str | Keep = KEEP
    # Exactly these members (replace), or members to add and to take out.
    member_ids: list[int] | Keep = KEEP
    add_ids: list[int] = field(default_factory=list)
    remove_ids: list[int] = field(default_factory=list)


# Tokens.

LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def scim_token_create(
    *,
    organization: Organization,
    name: str,
    created_by: User | None,
    request: HttpRequest | None = None,
) -> tuple[ScimToken, str]:
    """Make a token for this organization and return it with its secret, shown only now."""
    name = name.strip()
    if not name:
        raise DomainError(
            "Give the token a name, such as the system that will use it.", field="name"
        )
    if ScimToken.objects.filter(
        organization=organization, name__iexact=name, revoked_at__isnull=True
    ).exists():
        raise DomainError(f"A token named “{name}” already exists.", field="name")
    secret = ScimToken.new_secret()
    token = ScimToken.objects.create(
        organization=organization,
        name=name,
        secret_hash=ScimToken.hash_secret(secret),
        created_by=created_by,
    )
    # The log names the token; its secret is kept nowhere but in the provider.
    security_event_record(
        kind=SecurityEvent.Kind.SCIM_TOKEN_CREATED,
        request=request,
        user=created_by,
        organization_id=organization.pk,
        detail={"name": token.name},
    )
    return token, secret


@transaction.atomic
def scim_token_revoke(
    *, token: ScimToken, by: User | None = None, request: HttpRequest | None = None
) -> ScimToken:
    """Stop a token from working, at once and for good."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        security_event_record(
            kind=SecurityEvent.Kind.SCIM_TOKEN_REVOKED,
            request=request,
            user=by,
            organization_id=token.organization_id,
            detail={"name": token.name},
        )
    return token


def scim_token_authenticate(*, secret: str) -> ScimToken | None:
    """Return the usable token with this secret, noting when it was last used."""
    if not secret.startswith(ScimToken.SECRET_PREFIX) or len(secret) > 200:
        return None
    token = (
        ScimToken.objects.select_related("organization")
        .filter(secret_hash=ScimToken.hash_secret(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    # Write at most once a minute, so a busy sync does not rewrite the row on every call.
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_PRECISION:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# Users.


def _check_email(organization: Organization, email: str) -> str:
    email = email.strip().lower()
    if len(email) > User._meta.get_field("email").max_length:  # type: ignore[operator]
        raise DomainError("userName is too long for an e-mail address.", field="email")
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError("userName must be the person's e-mail address.", field="email") from None
    # Provisioning is for the organization's own people, by the rule every other way in asks.
    organization_check_email(organization=organization, email=email)
    return email


def _check_text(value: str, *, limit: int, what: str) -> str:
    value = value.strip()
    if len(value) > limit:
        raise DomainError(f"{what} is longer than {limit} characters.", field=what)
    return value


def _department_named(organization: Organization, name: str) -> Department | None:
    name = " ".join(name.split())
    if not name:
        return None
    department = Department.objects.filter(organization=organization, name__iexact=name).first()
    return department or department_create(organization=organization, name=name)


def _manager(organization: Organization, manager_id: int | None) -> Membership | None:
    if manager_id is None:
        return None
    manager = (
        Membership.objects.select_related("user")
        .filter(organization=organization, pk=manager_id)
        .exclude(scim__deleted_at__isnull=False)
        .first()
    )
    if manager is None:
        raise DomainError(f"No member with id {manager_id} in this organization.", field="manager")
    return manager


def _leave(membership: Membership) -> None:
    # The members page's rule: the identity provider cannot take away the last admin either.
    membership_check_keeps_an_admin(
        membership=membership,
        losing="the identity provider deactivates or deletes them",
    )
    memberships_leave(
        memberships=[membership], by=None, reason="Deactivated by the identity provider"
    )


@transaction.atomic
def scim_user_create(*, organization: Organization, changes: UserChanges) -> Membership:
    """Make a person a member of the organization, creating their account if needed."""
    if isinstance(changes.email, Keep):
        raise DomainError("userName is required.", field="email")
    email = _check_email(organization, changes.email)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        membership = (
            Membership.objects.select_related("scim")
            .filter(user=user, organization=organization)
            .first()
        )
        if membership is not None:
            record = getattr(membership, "scim", None)
            if record is None or record.deleted_at is None:
                raise ScimConflict(f"{email} is already provisioned.", field="email")
            # The provider deleted this person earlier and now brings them back.
            record.deleted_at = None
            record.save(update_fields=["deleted_at"])
            if isinstance(changes.active, Keep):
                changes.active = True
            return scim_user_update(membership=membership, changes=changes)
    else:
        erased = erased_in_organization(organization=organization, emails=[email])
        if erased:
            # As an import does: someone erased on request comes back only by their own choice.
            raise ScimConflict(
                f"{email} was erased from this organization on request on "
                f"{erased[email]:%Y-%m-%d}; Tandem does not bring them back. An admin can "
                "invite them if they want to return.",
                field="email",
            )
        full_name = changes.full_name if not isinstance(changes.full_name, Keep) else ""
        full_name = _check_text(full_name, limit=150, what="name") or email.split("@")[0]
        # No password, and the address is not yet proven: the person signs in through the
        # organization's single sign-on, or proves the mailbox before choosing a password.
        try:
            user = user_create(email=email, full_name=full_name, password=None, confirmed=False)
        except DomainError:
            # Another call provisioned the same address a moment ago.
            raise ScimConflict(f"{email} is already provisioned.", field="email") from None
    time_zone = "UTC" if isinstance(changes.time_zone, Keep) else changes.time_zone.strip()
    membership = membership_create(
        user=user,
        organization=organization,
        time_zone=time_zone or "UTC",
        title=""
        if isinstance(changes.title, Keep)
        else _check_text(changes.title, limit=120, what="title"),
        department=None
        if isinstance(changes.department, Keep)
        else _department_named(organization, changes.department),
    )
    if not isinstance(changes.manager_id, Keep) and changes.manager_id is not None:
        # The pages' rule: a current member of this organization, and no loop.
        membership_change_manager(
            membership=membership, manager=_manager(organization, changes.manager_id)
        )
    ScimUser.objects.create(
        membership=membership,
        external_id=""
        if isinstance(changes.external_id, Keep)
        else _check_text(changes.external_id, limit=255, what="externalId"),
    )
    people_imported_emit(
        organization_id=organization.pk, source="scim", membership_ids=[membership.pk]
    )
    if changes.active is False:
        _leave(membership)
    return membership


def _change_email(membership: Membership, email: str) -> None:
    user = membership.user
    email = _check_email(membership.organization, email)
    if email == user.email.lower():
        return
    if Membership.objects.filter(user=user).exclude(pk=membership.pk).exists():
        raise ScimImmutable(
            "This person also belongs to another organization; only they can change their "
            "e-mail address.",
            field="email",
        )
    if User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ScimConflict(f"{email} is already provisioned.", field="email")
    user.email = email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError:
        raise ScimConflict(f"{email} is already provisioned.", field="email") from None
    # The sign-in's own record of addresses follows; the new one is not yet proven.
    EmailAddress.objects.filter(user=user).delete()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)


@transaction.atomic
def scim_user_update(*, membership: Membership, changes: UserChanges) -> Membership:
    """Apply what the provider asserts about a member; what it leaves out stays as it is."""
    organization = membership.organization
    if not isinstance(changes.email, Keep):
        _change_email(membership, changes.email)
    if not isinstance(changes.full_name, Keep):
        full_name = _check_text(changes.full_name, limit=150, what="name")
        if full_name and full_name != membership.user.full_name:
            membership.user.full_name = full_name
            membership.user.save(update_fields=["full_name"])
    fields: list[str] = []
    if not isinstance(changes.title, Keep):
        membership.title = _check_text(changes.title, limit=120, what="title")
        fields.append("title")
    if not isinstance(changes.time_zone, Keep):
        zone = changes.time_zone.strip() or "UTC"
        if not time_zones.is_valid(zone):
            raise DomainError(f"Unknown time zone “{zone}”.", field="time_zone")
        membership.time_zone = zone
        fields.append("time_zone")
    if not isinstance(changes.department, Keep):
        membership.department = _department_named(organization, changes.department)
        fields.append("department")
    # Saved even when nothing above changed, so lastModified and the version move on.
    membership.save(update_fields=[*fields, "updated_at"])
    if not isinstance(changes.manager_id, Keep):
        manager = _manager(organization, changes.manager_id)
        if manager != membership.manager:
            # The pages' rule: a current member of this organization, and no loop.
            membership_change_manager(membership=membership, manager=manager)
    if not isinstance(changes.external_id, Keep):
        external_id = _check_text(changes.external_id, limit=255, what="externalId")
        ScimUser.objects.update_or_create(
            membership=membership, defaults={"external_id": external_id}
        )
    if changes.active is True and membership.status != Membership.Status.ACTIVE:
        membership = membership_make_current(membership=membership)
    elif changes.active is False and membership.status == Membership.Status.ACTIVE:
        _leave(membership)
    return membership


@transaction.atomic
def scim_user_delete(*, membership: Membership) -> None:
    """Make the person alumni and hide them from the provider; nothing is erased."""
    if membership.status == Membership.Status.ACTIVE:
        _leave(membership)
    ScimUser.objects.update_or_create(
        membership=membership, defaults={"deleted_at": timezone.now()}
    )


# Groups.


def _group_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError("displayName is required.", field="displayName")
    return name


def _members(organization: Organization, ids: Iterable[int]) -> list[Membership]:
    wanted = set(ids)
    found = list(
        Membership.objects.filter(organization=organization, pk__in=wanted).exclude(
            scim__deleted_at__isnull=False
        )
    )
    missing = wanted - {m.pk for m in found}
    if missing:
        listed = ", ".join(str(i) for i in sorted(missing)[:5])
        raise DomainError(f"No member with id {listed} in this organization.", field="members")
    return found


def _move(memberships: Iterable[Membership], department: Department | None) -> None:
    target = department.pk if department is not None else None
    now = timezone.now()
    moved = [m for m in memberships if m.department_id != target]
    for membership in moved:
        membership.department = department
        membership.updated_at = now
    if moved:
        # In bulk, and each move still in the audit trail with why it was made.
        bulk_update_with_history(
            moved,
            Membership,
            ["department", "updated_at"],
            batch_size=1000,
            default_change_reason="Moved by the identity provider",
        )


@transaction.atomic
def scim_group_create(*, organization: Organization, changes: GroupChanges) -> Department:
    """Create a department; its members move into it from wherever they were."""
    if isinstance(changes.name, Keep):
        raise DomainError("displayName is required.", field="displayName")
    name = _group_name(changes.name)
    if Department.objects.filter(organization=organization, name__iexact=name).exists():
        raise ScimConflict(f"A department named “{name}” already exists.", field="displayName")
    department = department_create(organization=organization, name=name)
    ScimGroup.objects.create(
        department=department,
        external_id=""
        if isinstance(changes.external_id, Keep)
        else _check_text(changes.external_id, limit=255, what="externalId"),
    )
    member_ids = [] if isinstance(changes.member_ids, Keep) else changes.member_ids
    _move(_members(organization, [*member_ids, *changes.add_ids]), department)
    return department


@transaction.atomic
def scim_group_update(*, department: Department, changes: GroupChanges) -> Department:
    """Rename a department or change who is in it; a person added here leaves their old one."""
    organization = department.organization
    if not isinstance(changes.name, Keep):
        name = _group_name(changes.name)
        if name != department.name:
            taken = Department.objects.filter(organization=organization, name__iexact=name)
            if taken.exclude(pk=department.pk).exists():
                raise ScimConflict(
                    f"A department named “{name}” already exists.", field="displayName"
                )
            department_rename(department=department, name=name)
    if not isinstance(changes.member_ids, Keep):
        keep = _members(organization, changes.member_ids)
        keep_ids = {m.pk for m in keep}
        _move(department.members.exclude(pk__in=keep_ids), None)
        _move(keep, department)
    if changes.remove_ids:
        _move(department.members.filter(pk__in=changes.remove_ids), None)
    if changes.add_ids:
        _move(_members(organization, changes.add_ids), department)
    record, _ = ScimGroup.objects.get_or_create(department=department)
    if not isinstance(changes.external_id, Keep):
        record.external_id = _check_text(changes.external_id, limit=255, what="externalId")
    record.updated_at = timezone.now()
    record.save()
    return department


@transaction.atomic
def scim_group_delete(*, department: Department) -> None:
    """Delete a department; its members stay, in no department."""
    _move(department.members.all(), None)
    department.delete()

"""Read the organization's members and departments as SCIM Users and Groups."""

import hashlib
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, QuerySet

from tandem.accounts.models import Department, Membership, Organization
from tandem.people.models import ScimUser
from tandem.people.scim import schemas

ALWAYS_RETURNED = {"schemas", "id"}


def users_of(organization: Organization) -> QuerySet[Membership]:
    """Return the organization's members the provider may see, to filter, count and page."""
    # A member the provider deleted stays as alumni, but the provider no longer sees them.
    deleted = ScimUser.objects.filter(membership=OuterRef("pk"), deleted_at__isnull=False)
    return (
        Membership.objects.filter(organization=organization).exclude(Exists(deleted)).order_by("pk")
    )


def user_details(memberships: QuerySet[Membership]) -> QuerySet[Membership]:
    """Load what a User's representation shows, in one query."""
    return memberships.select_related("user", "department", "manager__user", "scim")


def groups_of(organization: Organization) -> QuerySet[Department]:
    """Return the organization's departments, to filter, count and page."""
    return Department.objects.filter(organization=organization).order_by("pk")


def group_details(departments: QuerySet[Department], *, with_members: bool) -> QuerySet[Department]:
    """Load what a Group's representation shows: one query, and one more for members."""
    departments = departments.select_related("scim").annotate(
        scim_member_count=Count("members"), scim_member_changed=Max("members__updated_at")
    )
    if with_members:
        deleted = ScimUser.objects.filter(membership=OuterRef("pk"), deleted_at__isnull=False)
        members = Membership.objects.exclude(Exists(deleted)).select_related("user").order_by("pk")
        departments = departments.prefetch_related(Prefetch("members", queryset=members))
    return departments


def _version(*parts: object) -> str:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:20]
    return f'W/"{digest}"'


def _stamp(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def user_version(membership: Membership) -> str:
    """Return the version of a User: it moves whenever anything the User shows changes."""
    user = membership.user
    record = getattr(membership, "scim", None)
    # The department's and the manager's names are shown but kept on other rows, which
    # can change without this membership being saved.
    return _version(
        membership.updated_at.timestamp(),
        user.email,
        user.full_name,
        membership.department.name if membership.department else "",
        membership.manager.user.full_name if membership.manager else "",
        record.external_id if record else "",
    )


def user_resource(membership: Membership, base_url: str) -> dict[str, Any]:
    """Return a member as a SCIM User with the enterprise extension."""
    user = membership.user
    record = getattr(membership, "scim", None)
    enterprise: dict[str, Any] = {}
    if membership.department is not None:
        enterprise["department"] = membership.department.name
    if membership.manager is not None:
        enterprise["manager"] = {
            "value": str(membership.manager_id),
            "$ref": f"{base_url}Users/{membership.manager_id}",
            "displayName": membership.manager.user.full_name,
        }
    resource: dict[str, Any] = {
        "schemas": [schemas.USER, schemas.ENTERPRISE_USER],
        "id": str(membership.pk),
    }
    if record is not None and record.external_id:
        resource["externalId"] = record.external_id
    resource |= {
        "userName": user.email,
        "name": {"formatted": user.full_name},
        "displayName": user.full_name,
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "active": membership.status == Membership.Status.ACTIVE,
        "timezone": membership.time_zone,
    }
    if membership.title:
        resource["title"] = membership.title
    if enterprise:
        resource[schemas.ENTERPRISE_USER] = enterprise
    resource["meta"] = {
        "resourceType": "User",
        "created": _stamp(membership.created_at),
        "lastModified": _stamp(membership.updated_at),
        "location": f"{base_url}Users/{membership.pk}",
        "version": user_version(membership),
    }
    return resource


def group_version(department: Department) -> str:
    record = getattr(department, "scim", None)
    return _version(
        department.name,
        record.external_id if record else "",
        getattr(department, "scim_member_count", ""),
        getattr(department, "scim_member_changed", ""),
    )


def group_resource(department: Department, base_url: str, *, with_members: bool) -> dict[str, Any]:
    """Return a department as a SCIM Group, listing its members when they were loaded."""
    record = getattr(department, "scim", None)
    resource: dict[str, Any] = {"schemas": [schemas.GROUP], "id": str(department.pk)}
    if record is not None and record.external_id:
        resource["externalId"] = record.external_id
    resource["displayName"] = department.name
    if with_members:
        resource["members"] = [
            {
                "value": str(member.pk),
                "$ref": f"{base_url}Users/{member.pk}",
                "display": member.user.full_name,
                "type": "User",
            }
            for member in department.members.all()
        ]
    meta: dict[str, Any] = {"resourceType": "Group"}
    if record is not None:
        # Departments made in Tandem's own pages have no recorded times.
        meta["created"] = _stamp(record.created_at)
        meta["lastModified"] = _stamp(record.updated_at)
    meta["location"] = f"{base_url}Groups/{department.pk}"
    meta["version"] = group_version(department)
    resource["meta"] = meta
    return resource


# attributes and excludedAttributes (RFC 7644 §3.4.2.5).

Path = tuple[str, ...]


def attribute_paths(text: str | None, core_schema: str) -> list[Path] | None:
    """Read a comma-separated list of attribute names into lower-case paths."""
    if text is None or not text.strip():
        return None
    core = core_schema.lower() + ":"
    extension = schemas.ENTERPRISE_USER.lower()
    paths: list[Path] = []
    for item in text.split(",")[:50]:
        name = item.strip().lower()
        if name.startswith(core):
            name = name[len(core) :]
        if name == extension:
            paths.append((extension,))
        elif name.startswith(extension + ":"):
            paths.append((extension, *name[len(extension) + 1 :].split(".", 1)))
        elif name:
            paths.append(tuple(name.split(".", 1)))
    return paths


def _pick(node: dict[str, Any], paths: list[Path], *, keep: bool, top: bool) -> dict[str, Any]:
    picked: dict[str, Any] = {}
    for key, value in node.items():
        lowered = key.lower()
        if top and lowered in ALWAYS_RETURNED:
            picked[key] = value
            continue
        named = [path for path in paths if path[0] == lowered]
        if any(len(path) == 1 for path in named):  # the whole attribute is named
            if keep:
                picked[key] = value
            continue
        if not named:
            if not keep:
                picked[key] = value
            continue
        inner = [path[1:] for path in named]
        if isinstance(value, dict):
            picked[key] = _pick(value, inner, keep=keep, top=False)
        elif isinstance(value, list):
            picked[key] = [
                _pick(item, inner, keep=keep, top=False) if isinstance(item, dict) else item
                for item in value
            ]
        elif not keep:
            picked[key] = value
    return picked


def project(
    resource: dict[str, Any], *, attributes: list[Path] | None, excluded: list[Path] | None
) -> dict[str, Any]:
    """Keep only the asked-for attributes, or drop the excluded ones; id always stays."""
    if attributes:
        return _pick(resource, attributes, keep=True, top=True)
    if excluded:
        return _pick(resource, excluded, keep=False, top=True)
    return resource


def wants_members(attributes: list[Path] | None, excluded: list[Path] | None) -> bool:
    """Tell whether a Group answer needs its member list, which may be long."""
    if attributes:
        return any(path[0] == "members" for path in attributes)
    if excluded:
        return not any(path == ("members",) for path in excluded)
    return True

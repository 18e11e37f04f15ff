"""Read what a provider sends (a whole resource, or PATCH operations) into changes to apply.

A whole resource (POST, PUT) asserts the attributes it holds; those it leaves out keep their
value, as RFC 7644 §3.5.1 allows. PATCH (§3.5.2) turns each operation into the same changes.
"""

from typing import Any

from django.db.models import Q

from tandem.people.scim import schemas
from tandem.people.scim.filters import Attribute, InvalidFilter, filter_q
from tandem.people.scim.responses import ScimError, invalid_value
from tandem.people.services.scim import GroupChanges, UserChanges

MAX_OPERATIONS = 200
MAX_MEMBERS = 1000

_ENTERPRISE = schemas.ENTERPRISE_USER.lower()
_CORE_USER = schemas.USER.lower() + ":"
_CORE_GROUP = schemas.GROUP.lower() + ":"
_READ_ONLY = {"id", "meta", "schemas", "groups", "password"}


def invalid_syntax(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidSyntax")


def _text(value: Any, what: str, *, clearable: bool = True) -> str:
    if value is None and clearable:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid_value(f"{what} must be a string.")
    return str(value)


def _boolean(value: Any) -> bool:
    # Some providers send "True" and "False" as strings in PATCH.
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise invalid_value("active must be true or false.")


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise invalid_value(f"{what} must be an id.")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit() and 0 < len(text) <= 18):
        raise invalid_value(f"“{text[:40]}” is not an id of this organization.")
    return int(text)


def _manager_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, dict):
        inner = {k.lower(): v for k, v in value.items()}
        if inner.get("value") in (None, ""):
            return None
        return _id(inner["value"], "manager.value")
    return _id(value, "manager")


def _email_of(emails: Any) -> str:
    if not isinstance(emails, list) or not emails:
        raise invalid_value("emails must be a list of addresses.")
    chosen = next(
        (e for e in emails if isinstance(e, dict) and e.get("primary") is True), emails[0]
    )
    if not isinstance(chosen, dict):
        raise invalid_value("Each e-mail must be an object with a value.")
    return _text(chosen.get("value"), "emails.value", clearable=False)


def _name_of(name: Any) -> str | None:
    if not isinstance(name, dict):
        raise invalid_value("name must be an object.")
    parts = {k.lower(): v for k, v in name.items()}
    if parts.get("formatted"):
        return _text(parts["formatted"], "name.formatted")
    joined = " ".join(
        _text(parts.get(key), f"name.{key}") for key in ("givenname", "familyname")
    ).strip()
    return joined or None


def _check_schemas(body: dict[str, Any], expected: str) -> None:
    listed = body.get("schemas")
    if listed is None:
        return
    if not isinstance(listed, list) or expected not in listed:
        raise invalid_syntax(f"schemas must list {expected}.")


def json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid_syntax("The request body must be a JSON object.")
    return body


# Users.


def _set_user(changes: UserChanges, name: str, value: Any) -> None:
    """Set one attribute, named in lower case, with the enterprise URN before a colon."""
    if name in ("username",):
        changes.email = _text(value, "userName", clearable=False)
    elif name == "emails":
        changes.email = _email_of(value)
    elif name == "emails.value":
        changes.email = _text(value, "emails.value", clearable=False)
    elif name == "name":
        full = _name_of(value)
        if full:
            changes.full_name = full
    elif name in ("name.formatted", "displayname"):
        changes.full_name = _text(value, name, clearable=False)
    elif name in ("name.givenname", "name.familyname"):
        pass  # Tandem keeps the name whole; name.formatted or displayName carry it.
    elif name == "title":
        changes.title = _text(value, "title")
    elif name == "timezone":
        changes.time_zone = _text(value, "timezone")
    elif name == "active":
        changes.active = _boolean(value)
    elif name == "externalid":
        changes.external_id = _text(value, "externalId")
    elif name == _ENTERPRISE:
        if not isinstance(value, dict):
            raise invalid_value(f"{schemas.ENTERPRISE_USER} must be an object.")
        for key, inner in value.items():
            _set_user(changes, f"{_ENTERPRISE}:{str(key).lower()}", inner)
    elif name == f"{_ENTERPRISE}:department":
        changes.department = _text(value, "department")
    elif name in (f"{_ENTERPRISE}:manager", f"{_ENTERPRISE}:manager.value"):
        changes.manager_id = _manager_id(value)
    elif name.split(".")[0] in _READ_ONLY:
        raise ScimError(400, f"{name} cannot be changed.", "mutability")
    elif name.startswith(_ENTERPRISE):
        pass  # other enterprise attributes (employeeNumber, costCenter…) are not kept
    # Any other attribute (phoneNumbers, addresses, locale…) Tandem does not keep.


def user_changes(body: Any) -> UserChanges:
    """Read a whole User (POST, PUT) into changes."""
    body = json_object(body)
    _check_schemas(body, schemas.USER)
    changes = UserChanges()
    lowered = {str(k).lower(): v for k, v in body.items()}
    for key, value in lowered.items():
        if key in _READ_ONLY or key in ("username", "emails", "name", "displayname"):
            continue
        _set_user(changes, key, value)
    # The name: formatted first, then given and family names, then displayName.
    for key in ("displayname", "name"):
        if key in lowered and lowered[key] is not None:
            _set_user(changes, key, lowered[key])
    if lowered.get("emails"):
        _set_user(changes, "emails", lowered["emails"])
    if "username" in lowered:
        _set_user(changes, "username", lowered["username"])
    return changes


def _user_path(path: str) -> str:
    name = path.strip().lower()
    if name.startswith(_CORE_USER):
        name = name[len(_CORE_USER) :]
    if name.startswith("emails["):
        # One work address: whichever filter names it, it is that one.
        closing = name.find("]")
        rest = name[closing + 1 :] if closing != -1 else ""
        return "emails" + rest if rest in ("", ".value") else "emails.unknown"
    return name


_USER_CLEARABLE = {
    "title": "",
    "timezone": "UTC",
    "externalid": "",
    f"{_ENTERPRISE}:department": "",
    f"{_ENTERPRISE}:manager": None,
    f"{_ENTERPRISE}:manager.value": None,
}
_USER_KNOWN = {
    "username",
    "emails",
    "emails.value",
    "name",
    "name.formatted",
    "name.givenname",
    "name.familyname",
    "displayname",
    "active",
    _ENTERPRISE,
    *_USER_CLEARABLE,
}


def _operations(body: Any) -> list[tuple[str, str | None, Any]]:
    body = json_object(body)
    _check_schemas(body, schemas.PATCH_OP)
    operations = body.get("Operations", body.get("operations"))
    if not isinstance(operations, list) or not operations:
        raise invalid_syntax("Operations must be a list of operations.")
    if len(operations) > MAX_OPERATIONS:
        raise invalid_value(f"Send at most {MAX_OPERATIONS} operations at once.")
    read: list[tuple[str, str | None, Any]] = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise invalid_syntax("Each operation must be an object.")
        fields = {str(k).lower(): v for k, v in operation.items()}
        op = fields.get("op")
        path = fields.get("path")
        if not isinstance(op, str) or op.lower() not in ("add", "replace", "remove"):
            raise invalid_syntax("op must be add, replace or remove.")
        if path is not None and (not isinstance(path, str) or len(path) > 500):
            raise ScimError(400, "path must be a string.", "invalidPath")
        if op.lower() != "remove" and "value" not in fields:
            raise invalid_value(f"The {op} operation needs a value.")
        read.append((op.lower(), path or None, fields.get("value")))
    return read


def user_patch(body: Any) -> UserChanges:
    """Read PATCH operations on a User into changes."""
    changes = UserChanges()
    for op, path, value in _operations(body):
        if path is None:
            if op == "remove":
                raise ScimError(400, "A remove operation needs a path.", "noTarget")
            if not isinstance(value, dict):
                raise invalid_value("Without a path, the value must be an object of attributes.")
            for key, inner in value.items():
                _set_user(changes, _user_path(str(key)), inner)
            continue
        name = _user_path(path)
        if name.split(".")[0] in _READ_ONLY:
            raise ScimError(400, f"{path} cannot be changed.", "mutability")
        if name not in _USER_KNOWN:
            raise ScimError(400, f"“{path}” is not an attribute Tandem keeps.", "invalidPath")
        if op == "remove":
            if name not in _USER_CLEARABLE:
                raise ScimError(400, f"{path} is required and cannot be removed.", "mutability")
            _set_user(changes, name, _USER_CLEARABLE[name])
        else:
            _set_user(changes, name, value)
    return changes


# Groups.


def _member_ids(value: Any) -> list[int]:
    if value is None:
        return []
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        raise invalid_value("members must be a list of objects with a value.")
    if len(value) > MAX_MEMBERS:
        raise invalid_value(f"Send at most {MAX_MEMBERS} members at once.")
    ids = []
    for member in value:
        if not isinstance(member, dict):
            raise invalid_value("Each member must be an object with a value.")
        ids.append(_id({k.lower(): v for k, v in member.items()}.get("value"), "members.value"))
    return ids


def group_changes(body: Any) -> GroupChanges:
    """Read a whole Group (POST, PUT) into changes."""
    body = json_object(body)
    _check_schemas(body, schemas.GROUP)
    lowered = {str(k).lower(): v for k, v in body.items()}
    changes = GroupChanges()
    if "displayname" in lowered:
        changes.name = _text(lowered["displayname"], "displayName", clearable=False)
    if "externalid" in lowered:
        changes.external_id = _text(lowered["externalid"], "externalId")
    if "members" in lowered:
        changes.member_ids = _member_ids(lowered["members"])
    return changes


MEMBER_ATTRIBUTES = {
    "members.value": Attribute("pk", "id"),
    "members.display": Attribute("user__full_name"),
}


def member_filter(path: str) -> Q:
    """Read a path such as members[value eq "42"] into a query over memberships."""
    try:
        return filter_q(path, MEMBER_ATTRIBUTES, core_schema=schemas.GROUP)
    except InvalidFilter as error:
        raise ScimError(400, str(error), "invalidPath") from None


def _set_group(changes: GroupChanges, op: str, name: str, value: Any) -> None:
    if name == "displayname":
        changes.name = _text(value, "displayName", clearable=False)
    elif name == "externalid":
        changes.external_id = _text(value, "externalId")
    elif name == "members":
        ids = _member_ids(value)
        if op == "add":
            changes.add_ids.extend(ids)
        else:
            changes.member_ids = ids
            changes.add_ids.clear()
    elif name.split(".")[0] in _READ_ONLY:
        raise ScimError(400, f"{name} cannot be changed.", "mutability")
    else:
        raise ScimError(400, f"“{name}” is not an attribute of a Group.", "invalidPath")


def group_patch(body: Any) -> tuple[GroupChanges, list[Q]]:
    """Read PATCH operations on a Group into changes, and filters of members to take out."""
    changes = GroupChanges()
    removals: list[Q] = []
    for op, path, value in _operations(body):
        if path is None:
            if op == "remove":
                raise ScimError(400, "A remove operation needs a path.", "noTarget")
            if not isinstance(value, dict):
                raise invalid_value("Without a path, the value must be an object of attributes.")
            for key, inner in value.items():
                _set_group(changes, op, _group_path(str(key)), inner)
            continue
        name = _group_path(path)
        if op != "remove":
            _set_group(changes, op, name, value)
        elif name.startswith("members["):
            removals.append(member_filter(path.strip()))
        elif name == "members" and value is not None:
            # Some providers name the members to take out in the value instead of the path.
            changes.remove_ids.extend(_member_ids(value))
        elif name == "members":
            changes.member_ids = []
            changes.add_ids.clear()
        elif name == "externalid":
            changes.external_id = ""
        elif name == "displayname":
            raise ScimError(400, "displayName is required and cannot be removed.", "mutability")
        else:
            _set_group(changes, op, name, value)
    return changes, removals


def _group_path(path: str) -> str:
    name = path.strip()
    if name.lower().startswith(_CORE_GROUP):
        name = name[len(_CORE_GROUP) :]
    return name if name.lower().startswith("members[") else name.lower()

"""The SCIM endpoints under /scim/v2/. A bearer token names the organization; no cookies."""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from tandem.accounts.models import Department, Membership
from tandem.core.errors import DomainError
from tandem.core.http import id_from
from tandem.people.models import ScimToken
from tandem.people.scim import changes, filters, rate_limit, resources, schemas
from tandem.people.scim.responses import (
    UNAUTHENTICATED,
    ScimError,
    error_response,
    invalid_value,
    not_found,
    scim_response,
)
from tandem.people.services.members import LastAdmin
from tandem.people.services.scim import (
    ScimConflict,
    ScimImmutable,
    scim_group_create,
    scim_group_delete,
    scim_group_update,
    scim_token_authenticate,
    scim_user_create,
    scim_user_delete,
    scim_user_update,
)

View = Callable[..., HttpResponse]


def _authenticate(request: HttpRequest) -> ScimToken:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise ScimError(401, UNAUTHENTICATED)
    token = scim_token_authenticate(secret=secret.strip())
    if token is None:
        raise ScimError(401, "This token is not valid: it is unknown or was revoked.")
    return token


def scim_endpoint(*methods: str) -> Callable[[View], View]:
    """Authenticate by bearer token, allow these methods, and answer every error in SCIM."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                token = _authenticate(request)
                rate_limit.consume(request, token)
                if request.method not in methods:
                    raise ScimError(405, f"{request.method} is not allowed here.")
                return view(request, token, *args, **kwargs)
            except ScimError as error:
                return error_response(error)
            except ScimConflict as error:
                return error_response(ScimError(409, error.message, "uniqueness"))
            except ScimImmutable as error:
                return error_response(ScimError(400, error.message, "mutability"))
            except LastAdmin as error:
                # Refused for the organization's state, not for the request's form.
                return error_response(ScimError(409, error.message))
            except DomainError as error:
                return error_response(invalid_value(error.message))

        return wrapper

    return decorate


def _base_url(request: HttpRequest) -> str:
    # The address the provider called, as the Provisioning page shows it: SITE_URL may name
    # another host or port that the provider cannot reach. Django checks the host against
    # ALLOWED_HOSTS.
    return request.build_absolute_uri(reverse("scim:users").removesuffix("Users"))


def _body(request: HttpRequest) -> Any:
    try:
        raw = request.body
    except RequestDataTooBig:
        raise ScimError(413, "The request body is too large.") from None
    try:
        body = json.loads(raw)
        holds_nul = _holds_nul(body)
    except (ValueError, RecursionError):
        raise changes.invalid_syntax("The request body is not valid JSON.") from None
    if holds_nul:
        # No database text column can store one (PostgreSQL refuses it outright).
        raise invalid_value("The request holds a NUL character (\\u0000); Tandem cannot keep it.")
    return body


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def _number(request: HttpRequest, name: str, default: int) -> int:
    raw = request.GET.get(name)
    if raw is None or raw == "":
        return default
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 9):
        raise invalid_value(f"{name} must be a whole number.")
    return int(raw)


def _projection(
    request: HttpRequest, core_schema: str
) -> tuple[list[resources.Path] | None, list[resources.Path] | None]:
    return (
        resources.attribute_paths(request.GET.get("attributes"), core_schema),
        resources.attribute_paths(request.GET.get("excludedAttributes"), core_schema),
    )


def _check_version(request: HttpRequest, version: str) -> None:
    wanted = request.headers.get("If-Match")
    if wanted is None or wanted.strip() == "*":
        return
    if version not in {tag.strip() for tag in wanted.split(",")}:
        raise ScimError(412, "The resource changed since it was read; read it again.")


def _list(
    request: HttpRequest,
    rows: QuerySet[Any],
    details: Callable[[QuerySet[Any]], QuerySet[Any]],
    serialise: Callable[[Any], dict[str, Any]],
    *,
    attributes: dict[str, filters.Attribute],
    core_schema: str,
) -> HttpResponse:
    text = request.GET.get("filter")
    if text:
        try:
            rows = rows.filter(filters.filter_q(text, attributes, core_schema=core_schema))
        except filters.InvalidFilter as error:
            raise ScimError(400, str(error), "invalidFilter") from None
    start = max(1, _number(request, "startIndex", 1))
    count = min(max(0, _number(request, "count", schemas.DEFAULT_COUNT)), schemas.MAX_RESULTS)
    total = rows.count()
    page = []
    if count > 0 and start <= total:
        # The page's ids first, on the narrow query; then only those rows, in full.
        ids = list(rows.values_list("pk", flat=True)[start - 1 : start - 1 + count])
        page = list(details(rows.model.objects.filter(pk__in=ids)).order_by("pk"))
    shown, hidden = _projection(request, core_schema)
    return scim_response(
        {
            "schemas": [schemas.LIST_RESPONSE],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": len(page),
            "Resources": [
                resources.project(serialise(row), attributes=shown, excluded=hidden) for row in page
            ],
        }
    )


# Discovery.


@scim_endpoint("GET")
def service_provider_config(request: HttpRequest, token: ScimToken) -> HttpResponse:
    documentation = request.build_absolute_uri(
        reverse("people:scim_tokens", args=[token.organization_id])
    )
    return scim_response(schemas.service_provider_config(_base_url(request), documentation))


def _list_of(items: list[dict[str, Any]]) -> HttpResponse:
    return scim_response(
        {
            "schemas": [schemas.LIST_RESPONSE],
            "totalResults": len(items),
            "startIndex": 1,
            "itemsPerPage": len(items),
            "Resources": items,
        }
    )


@scim_endpoint("GET")
def resource_types(request: HttpRequest, token: ScimToken, name: str = "") -> HttpResponse:
    types = schemas.resource_types(_base_url(request))
    if not name:
        return _list_of(types)
    for resource_type in types:
        if resource_type["id"] == name:
            return scim_response(resource_type)
    raise not_found()


@scim_endpoint("GET")
def schema_list(request: HttpRequest, token: ScimToken, uri: str = "") -> HttpResponse:
    if not uri:
        return _list_of(
            [schemas.schema_document(u, _base_url(request)) for u in schemas.SCHEMA_DOCUMENTS]
        )
    if uri not in schemas.SCHEMA_DOCUMENTS:
        raise not_found()
    return scim_response(schemas.schema_document(uri, _base_url(request)))


# Users.


def _user(token: ScimToken, user_id: str) -> Membership:
    pk = id_from(user_id)
    users = resources.user_details(resources.users_of(token.organization))
    membership = None if pk is None else users.filter(pk=pk).first()
    if membership is None:
        raise not_found()
    return membership


def _user_answer(
    request: HttpRequest, token: ScimToken, pk: int, *, status: int = 200
) -> HttpResponse:
    membership = _user(token, str(pk))
    resource = resources.user_resource(membership, _base_url(request))
    return _resource_answer(request, resource, *_projection(request, schemas.USER), status=status)


def _unchanged_for(request: HttpRequest, version: str) -> bool:
    """Say whether a GET names, in If-None-Match, the version the provider already holds."""
    held = request.headers.get("If-None-Match")
    if request.method != "GET" or held is None:
        return False
    # Weak comparison, as RFC 9110 §13.1.2 asks: every version here is a weak one.
    tags = {tag.strip().removeprefix("W/") for tag in held.split(",")}
    return "*" in tags or version.removeprefix("W/") in tags


def _resource_answer(
    request: HttpRequest,
    resource: dict[str, Any],
    shown: list[resources.Path] | None,
    hidden: list[resources.Path] | None,
    *,
    status: int,
) -> HttpResponse:
    """Answer with one resource, as asked to show it, with its version (and, new, where)."""
    headers = {"ETag": resource["meta"]["version"]}
    if _unchanged_for(request, headers["ETag"]):
        return scim_response(None, status=304, headers=headers)
    if status == 201:
        headers["Location"] = resource["meta"]["location"]
    return scim_response(
        resources.project(resource, attributes=shown, excluded=hidden),
        status=status,
        headers=headers,
    )


@scim_endpoint("GET", "POST")
def users(request: HttpRequest, token: ScimToken) -> HttpResponse:
    if request.method == "POST":
        membership = scim_user_create(
            organization=token.organization, changes=changes.user_changes(_body(request))
        )
        return _user_answer(request, token, membership.pk, status=201)
    base = _base_url(request)
    return _list(
        request,
        resources.users_of(token.organization),
        resources.user_details,
        lambda membership: resources.user_resource(membership, base),
        attributes=filters.USER_ATTRIBUTES,
        core_schema=schemas.USER,
    )


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, token: ScimToken, user_id: str) -> HttpResponse:
    membership = _user(token, user_id)
    if request.method == "GET":
        return _user_answer(request, token, membership.pk)
    _check_version(request, resources.user_version(membership))
    if request.method == "DELETE":
        scim_user_delete(membership=membership)
        return scim_response(None, status=204)
    body = _body(request)
    found = changes.user_changes(body) if request.method == "PUT" else changes.user_patch(body)
    scim_user_update(membership=membership, changes=found)
    return _user_answer(request, token, membership.pk)


# Groups.


def _group(token: ScimToken, group_id: str, *, with_members: bool) -> Department:
    pk = id_from(group_id)
    groups = resources.group_details(
        resources.groups_of(token.organization), with_members=with_members
    )
    department = None if pk is None else groups.filter(pk=pk).first()
    if department is None:
        raise not_found()
    return department


def _group_answer(
    request: HttpRequest, token: ScimToken, pk: int, *, status: int = 200
) -> HttpResponse:
    shown, hidden = _projection(request, schemas.GROUP)
    with_members = resources.wants_members(shown, hidden)
    department = _group(token, str(pk), with_members=with_members)
    resource = resources.group_resource(department, _base_url(request), with_members=with_members)
    return _resource_answer(request, resource, shown, hidden, status=status)


@scim_endpoint("GET", "POST")
def groups(request: HttpRequest, token: ScimToken) -> HttpResponse:
    if request.method == "POST":
        department = scim_group_create(
            organization=token.organization, changes=changes.group_changes(_body(request))
        )
        return _group_answer(request, token, department.pk, status=201)
    base = _base_url(request)
    with_members = resources.wants_members(*_projection(request, schemas.GROUP))
    return _list(
        request,
        resources.groups_of(token.organization),
        lambda rows: resources.group_details(rows, with_members=with_members),
        lambda department: resources.group_resource(department, base, with_members=with_members),
        attributes=filters.GROUP_ATTRIBUTES,
        core_schema=schemas.GROUP,
    )


@scim_endpoint("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, token: ScimToken, group_id: str) -> HttpResponse:
    if request.method == "GET":
        department = _group(token, group_id, with_members=False)
        return _group_answer(request, token, department.pk)
    department = _group(token, group_id, with_members=False)
    _check_version(request, resources.group_version(department))
    if request.method == "DELETE":
        scim_group_delete(department=department)
        return scim_response(None, status=204)
    body = _body(request)
    if request.method == "PUT":
        found = changes.group_changes(body)
    else:
        found, removals = changes.group_patch(body)
        for removal in removals:
            ids = list(department.members.filter(removal).values_list("pk", flat=True))
            if not ids:
                raise ScimError(400, "No member matches the path's filter.", "noTarget")
            found.remove_ids.extend(ids)
    scim_group_update(department=department, changes=found)
    return _group_answer(request, token, department.pk)

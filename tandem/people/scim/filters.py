"""Turn a SCIM filter (RFC 7644 §3.4.2.2) into a Django query, refusing what it cannot mean.

scim2-filter-parser reads the text into a tree. Its own Django translation is not used:
it drops comparisons on attributes it does not know, so `nickName eq "x"` would match
everyone, and its grammar gives "and" and "or" the same precedence. The translation below
knows every attribute it accepts, refuses the others with invalidFilter, and groups an
unbracketed chain so that "and" binds tighter than "or", as the RFC says.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower
from django.utils.dateparse import parse_datetime
from scim2_filter_parser import ast as scim_ast  # type: ignore[import-untyped]
from scim2_filter_parser.lexer import SCIMLexer  # type: ignore[import-untyped]
from scim2_filter_parser.parser import SCIMParser  # type: ignore[import-untyped]

from tandem.accounts.models import Membership, User
from tandem.people.scim import schemas

MAX_FILTER_LENGTH = 1000
MAX_COMPARISONS = 30


class InvalidFilter(Exception):
    """The filter cannot be read or asks for something this provider does not offer."""


Kind = Literal["text", "exact_text", "email", "boolean", "id", "datetime", "constant", "subquery"]


@dataclass(frozen=True)
class Attribute:
    """How one filterable attribute maps onto the database."""

    lookup: str
    kind: Kind = "text"
    constant: str | bool | None = None
    # For "subquery": turn the compared id into a query of matching primary keys.
    subquery: Callable[[int], Any] | None = None


def _members_of(membership_id: int) -> Any:
    return Membership.objects.filter(pk=membership_id).values("department_id")


_ENTERPRISE = schemas.ENTERPRISE_USER.lower()

USER_ATTRIBUTES: dict[str, Attribute] = {
    "id": Attribute("pk", "id"),
    "username": Attribute("user__email", "email"),
    "emails": Attribute("user__email", "email"),
    "emails.value": Attribute("user__email", "email"),
    "emails.type": Attribute("", "constant", constant="work"),
    "emails.primary": Attribute("", "constant", constant=True),
    "externalid": Attribute("scim__external_id", "exact_text"),
    "active": Attribute("status", "boolean"),
    "displayname": Attribute("user__full_name"),
    "name.formatted": Attribute("user__full_name"),
    "title": Attribute("title"),
    "timezone": Attribute("time_zone"),
    "meta.created": Attribute("created_at", "datetime"),
    "meta.lastmodified": Attribute("updated_at", "datetime"),
    f"{_ENTERPRISE}:department": Attribute("department__name"),
    f"{_ENTERPRISE}:manager": Attribute("manager_id", "id"),
    f"{_ENTERPRISE}:manager.value": Attribute("manager_id", "id"),
}

GROUP_ATTRIBUTES: dict[str, Attribute] = {
    "id": Attribute("pk", "id"),
    "displayname": Attribute("name"),
    "externalid": Attribute("scim__external_id", "exact_text"),
    "members": Attribute("members", "subquery", subquery=_members_of),
    "members.value": Attribute("members", "subquery", subquery=_members_of),
    "meta.created": Attribute("scim__created_at", "datetime"),
    "meta.lastmodified": Attribute("scim__updated_at", "datetime"),
}

_TEXT_LOOKUPS = {
    "eq": "iexact",
    "co": "icontains",
    "sw": "istartswith",
    "ew": "iendswith",
    "gt": "gt",
    "ge": "gte",
    "lt": "lt",
    "le": "lte",
}
_EXACT_TEXT_LOOKUPS = {**_TEXT_LOOKUPS, "eq": "exact", "co": "contains", "sw": "startswith"}
_EXACT_TEXT_LOOKUPS["ew"] = "endswith"
_ORDER_LOOKUPS = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}


def filter_q(text: str, attributes: dict[str, Attribute], *, core_schema: str) -> Q:
    """Return the query a SCIM filter asks for, or raise InvalidFilter."""
    if len(text) > MAX_FILTER_LENGTH:
        raise InvalidFilter(f"The filter is longer than {MAX_FILTER_LENGTH} characters.")
    try:
        tree = SCIMParser().parse(SCIMLexer().tokenize(text))
    except Exception:
        # The parser is third-party code reading hostile text: any failure is a bad filter.
        raise InvalidFilter("The filter could not be read; check its syntax.") from None
    if tree is None:
        raise InvalidFilter("The filter is empty.")
    translation = _Translation(attributes, core_schema=core_schema.lower())
    try:
        return translation.filter(tree, namespace="")
    except RecursionError:
        raise InvalidFilter("The filter is nested too deeply.") from None


class _Translation:
    def __init__(self, attributes: dict[str, Attribute], *, core_schema: str) -> None:
        self.attributes = attributes
        self.core_schema = core_schema
        self.comparisons = 0

    def filter(self, node: Any, *, namespace: str) -> Q:
        if not isinstance(node, scim_ast.Filter):
            raise InvalidFilter("The filter could not be read; check its syntax.")
        if node.namespace is not None:
            namespace = self.path_name(node.namespace, namespace="")
        expr = node.expr
        if isinstance(expr, scim_ast.LogExpr):
            query = self.chain(expr, namespace=namespace)
        elif isinstance(expr, scim_ast.Filter):
            query = self.filter(expr, namespace=namespace)
        elif isinstance(expr, scim_ast.AttrExpr):
            query = self.comparison(expr, namespace=namespace)
        else:
            raise InvalidFilter("The filter could not be read; check its syntax.")
        return ~query if node.negated else query

    def chain(self, expr: Any, *, namespace: str) -> Q:
        # The parser reads "a or b and c" as "(a or b) and c". Undo that: collect the
        # unbracketed chain of operands, then join with "and" first and "or" second.
        operands: list[Any] = []
        operators: list[str] = []
        self.flatten(expr, operands, operators)
        groups: list[Q] = [self.filter(operands[0], namespace=namespace)]
        for operator, operand in zip(operators, operands[1:], strict=True):
            query = self.filter(operand, namespace=namespace)
            if operator == "and":
                groups[-1] &= query
            else:
                groups.append(query)
        result = groups[0]
        for group in groups[1:]:
            result |= group
        return result

    def flatten(self, expr: Any, operands: list[Any], operators: list[str]) -> None:
        for index, side in enumerate((expr.expr1, expr.expr2)):
            if index == 1:
                operators.append(str(expr.op).lower())
            unbracketed = (
                isinstance(side, scim_ast.Filter)
                and isinstance(side.expr, scim_ast.LogExpr)
                and not side.negated
                and side.namespace is None
            )
            if unbracketed:
                self.flatten(side.expr, operands, operators)
            else:
                operands.append(side)

    def path_name(self, path: Any, *, namespace: str) -> str:
        if not isinstance(path, scim_ast.AttrPath) or not isinstance(path.attr_name, str):
            raise InvalidFilter("The filter could not be read; check its syntax.")
        name = path.attr_name.lower()
        if path.sub_attr is not None:
            name = f"{name}.{str(path.sub_attr.value).lower()}"
        if namespace:
            name = f"{namespace}.{name}"
        uri = (path.uri or "").rstrip(":").lower()
        if uri and uri != self.core_schema:
            name = f"{uri}:{name}"
        return name

    def comparison(self, expr: Any, *, namespace: str) -> Q:
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise InvalidFilter(f"The filter has more than {MAX_COMPARISONS} comparisons.")
        path = expr.attr_path
        if isinstance(path.attr_name, scim_ast.Filter):
            # emails[type eq "work"].value eq "x": the parser moved ".value" onto "emails".
            inner = path.attr_name
            holder = inner.namespace
            if not isinstance(holder, scim_ast.AttrPath):
                raise InvalidFilter("The filter could not be read; check its syntax.")
            plain = scim_ast.AttrPath(holder.attr_name, None, holder.uri)
            outer = self.path_name(plain, namespace=namespace)
            bracket = self.filter(scim_ast.Filter(inner.expr, inner.negated, None), namespace=outer)
            return bracket & self.compare(self.path_name(holder, namespace=namespace), expr)
        return self.compare(self.path_name(path, namespace=namespace), expr)

    def compare(self, name: str, expr: Any) -> Q:
        attribute = self.attributes.get(name)
        if attribute is None:
            raise InvalidFilter(f"Filtering on “{name}” is not supported.")
        operator = str(expr.value).lower()
        raw = None if expr.comp_value is None else str(expr.comp_value.value)
        if operator == "pr":
            return _present(attribute)
        if raw is None:
            raise InvalidFilter(f"The operator “{operator}” needs a value.")
        if operator == "ne":
            return ~_compare(attribute, "eq", raw)
        return _compare(attribute, operator, raw)


def _present(attribute: Attribute) -> Q:
    if attribute.kind in ("constant", "boolean") or attribute.lookup == "pk":
        return Q()  # every resource has an id, an e-mail type and an active flag
    if attribute.kind in ("text", "exact_text", "email"):
        return Q(**{f"{attribute.lookup}__isnull": False}) & ~Q(**{attribute.lookup: ""})
    if attribute.kind == "subquery":
        # A join would repeat a department once per member; ask whether one exists.
        return Q(Exists(Membership.objects.filter(department=OuterRef("pk"))))
    return Q(**{f"{attribute.lookup}__isnull": False})


def _unsupported(operator: str, attribute: Attribute) -> InvalidFilter:
    return InvalidFilter(f"The operator “{operator}” does not apply to this attribute.")


def _compare(attribute: Attribute, operator: str, raw: str) -> Q:
    kind = attribute.kind
    if kind == "email" and operator == "eq":
        # Through the index on the lower-cased address, which keeps addresses unique.
        users = User.objects.annotate(address=Lower("email")).filter(address=raw.lower())
        return Q(user__in=users.values("pk"))
    if kind in ("text", "exact_text", "email"):
        lookups = _EXACT_TEXT_LOOKUPS if kind == "exact_text" else _TEXT_LOOKUPS
        if operator not in lookups:
            raise InvalidFilter(f"The operator “{operator}” is not supported.")
        return Q(**{f"{attribute.lookup}__{lookups[operator]}": raw})
    if kind == "boolean":
        if operator != "eq" or raw.lower() not in ("true", "false"):
            raise _unsupported(operator, attribute)
        active = Q(status=Membership.Status.ACTIVE)
        return active if raw.lower() == "true" else ~active
    if kind == "constant":
        if operator != "eq":
            raise _unsupported(operator, attribute)
        matches = raw.lower() == str(attribute.constant).lower()
        return Q() if matches else Q(pk__in=[])
    if kind in ("id", "subquery"):
        if operator != "eq":
            raise _unsupported(operator, attribute)
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
            return Q(pk__in=[])  # an id this provider never gave out
        if kind == "subquery" and attribute.subquery is not None:
            return Q(pk__in=attribute.subquery(int(raw)))
        return Q(**{attribute.lookup: int(raw)})
    if kind == "datetime":
        if operator not in _ORDER_LOOKUPS:
            raise _unsupported(operator, attribute)
        moment = _datetime(raw)
        return Q(**{f"{attribute.lookup}__{_ORDER_LOOKUPS[operator]}": moment})
    raise InvalidFilter("Filtering on this attribute is not supported.")


def _datetime(raw: str) -> datetime:
    try:
        moment = parse_datetime(raw)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidFilter(
            f"“{raw}” is not a date and time with a zone, like 2026-01-31T09:00:00Z."
        )
    return moment

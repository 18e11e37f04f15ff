"""Reads for the members pages: the list, its export, one person's reporting line."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from django.db import connection
from django.db.models import F, OrderBy, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Concat, Lower
from django.utils import timezone

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.people.models import MemberExport
from tandem.programs.models import Enrollment, Program

# Sort keys people can choose, each (expression, descending). Each ends on the primary key
# so that the order is total: a page starts right after the last row of the one before.
MEMBER_SORTS: dict[str, tuple[tuple[Any, bool], ...]] = {
    "name": ((F("user__full_name"), False), (F("pk"), False)),
    "-name": ((F("user__full_name"), True), (F("pk"), True)),
    "email": ((F("user__email"), False), (F("pk"), False)),
    "title": ((F("title"), False), (F("user__full_name"), False), (F("pk"), False)),
    # People with no department come first on every database (NULLs sort apart otherwise).
    "department": (
        (Coalesce("department__name", Value("")), False),
        (F("user__full_name"), False),
        (F("pk"), False),
    ),
    "newest": ((F("created_at"), True), (F("pk"), True)),
}

# Words of a search that count; each must appear in the name, the address or the title.
SEARCH_WORDS = 5


@dataclass(frozen=True)
class MemberFilters:
    """What the admin asked the members list for; empty values mean "any"."""

    q: str = ""
    department: Department | None = None
    no_department: bool = False
    status: str = ""
    role: str = ""
    no_manager: bool = False
    may_run_programs: bool = False
    sort: str = "name"

    def narrows(self) -> bool:
        """Say whether a filter other than the status may leave few rows."""
        return bool(
            self.q
            or self.department
            or self.no_department
            or self.role
            or self.no_manager
            or self.may_run_programs
        )

    def to_stored(self) -> dict[str, Any]:
        """Return the filters as JSON values, to apply again later (by an export task)."""
        stored = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "department"}
        stored["department_id"] = self.department.pk if self.department else None
        return stored

    @classmethod
    def from_stored(
        cls, stored: dict[str, Any], *, organization: Organization
    ) -> "MemberFilters | None":
        """Return the stored filters again, or None if their department is gone."""
        fields = {k: v for k, v in stored.items() if k in cls.__dataclass_fields__}
        department_id = stored.get("department_id")
        if department_id is not None:
            fields["department"] = organization.departments.filter(pk=department_id).first()
            if fields["department"] is None:
                return None
        return cls(**fields)


def _sort_keys(filters: MemberFilters) -> tuple[tuple[Any, bool], ...]:
    keys = MEMBER_SORTS.get(filters.sort, MEMBER_SORTS["name"])
    if filters.narrows() and keys[0][0] == F("user__full_name"):
        # Walking the name index until fifty rows match is quick for the whole list and slow
        # for a filter few rows pass, which the planner cannot always tell apart ("no
        # manager": one row in 100,000). Sorting by an expression the index cannot serve
        # makes it filter first and sort the few rows left; the order is the same.
        keys = ((Concat("user__full_name", Value("")), keys[0][1]), *keys[1:])
    return keys


def _sort_names(filters: MemberFilters) -> list[tuple[str, bool]]:
    return [(f"sort_{i}", descending) for i, (_, descending) in enumerate(_sort_keys(filters))]


def _word_matches(word: str, *, title: bool = True) -> Q:
    """Match the memberships whose name, address (or title) holds the word, in any case."""
    if connection.vendor != "postgresql":
        # SQLite has no index for LIKE '%word%'; one pass over the joined rows is quickest.
        matches = Q(user__full_name__icontains=word) | Q(user__email__icontains=word)
        return matches | Q(title__icontains=word) if title else matches
    # Lower-cased on both sides, as the trigram indexes are built (migration people 0005),
    # so that LIKE '%word%' reads an index instead of every row. Each column is asked apart
    # and the answers joined: with an OR of the three, the planner scans the tables, which
    # it wrongly thinks cheaper than three index lookups (bench/members_list.py).
    word = word.lower()
    by_name = _ids(User.objects.alias(lowered=Lower("full_name")).filter(lowered__contains=word))
    by_email = _ids(User.objects.alias(lowered=Lower("email")).filter(lowered__contains=word))
    people = by_name.union(by_email, all=True)
    if not title:
        return Q(user__in=people)
    by_title = Membership.objects.alias(lowered=Lower("title")).filter(lowered__contains=word)
    by_person = Membership.objects.filter(user__in=people)
    return Q(pk__in=_ids(by_person).union(_ids(by_title), all=True))


def _ids(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.order_by().values("pk")


def members_filtered(*, organization: Organization, filters: MemberFilters) -> QuerySet[Membership]:
    """Return the organization's memberships that match the filters, in the chosen order."""
    return _sorted(_members_matching(organization=organization, filters=filters), filters)


def _sorted(members: QuerySet[Membership], filters: MemberFilters) -> QuerySet[Membership]:
    keys = _sort_keys(filters)
    members = members.annotate(**{f"sort_{i}": expr for i, (expr, _) in enumerate(keys)})
    return members.order_by(*_ordering(_sort_names(filters), reverse=False))


def _members_matching(
    *, organization: Organization, filters: MemberFilters
) -> QuerySet[Membership]:
    members = Membership.objects.filter(organization=organization)
    for word in filters.q.split()[:SEARCH_WORDS]:
        members = members.filter(_word_matches(word))
    if filters.department is not None:
        members = members.filter(department=filters.department)
    elif filters.no_department:
        members = members.filter(department__isnull=True)
    if filters.status:
        members = members.filter(status=filters.status)
    if filters.role:
        members = members.filter(role=filters.role)
    if filters.no_manager:
        members = members.filter(manager__isnull=True)
    if filters.may_run_programs:
        members = members.filter(may_run_programs=True)
    return members


def _ordering(names: list[tuple[str, bool]], *, reverse: bool) -> list[OrderBy]:
    return [
        F(name).desc() if descending != reverse else F(name).asc() for name, descending in names
    ]


# Counting every match costs a read of all of them; past this many, the list says "more
# than" instead, which is as useful to a person and bounded in time.
COUNT_EXACT_UP_TO = 10_000


@dataclass(frozen=True)
class MembersPage:
    """One page of the members list, found from a neighbouring row rather than by offset."""

    object_list: list[Membership]
    has_previous: bool
    has_next: bool
    count: int
    count_is_exact: bool

    def __iter__(self) -> Iterator[Membership]:
        return iter(self.object_list)

    @property
    def first_pk(self) -> int | None:
        return self.object_list[0].pk if self.object_list else None

    @property
    def last_pk(self) -> int | None:
        return self.object_list[-1].pk if self.object_list else None


def members_page(
    *,
    organization: Organization,
    filters: MemberFilters,
    size: int,
    after: int | None = None,
    before: int | None = None,
    last: bool = False,
) -> MembersPage:
    """Return the page after or before a member's row (the first or last page without one).

    The rows are found by seeking to the neighbour's sort key, which an index serves, so
    the thousandth page costs what the first does; an OFFSET would read every row it skips.
    """
    members = members_filtered(organization=organization, filters=filters)
    names = _sort_names(filters)
    cursor = after if after is not None else before
    backwards = before is not None or (last and after is None)
    rows = members_page_rows(members)
    if cursor is not None:
        # The neighbour's place in the order, whether or not it still matches the filters.
        neighbour = _sorted(
            Membership.objects.filter(organization=organization, pk=cursor), filters
        )
        values = neighbour.values_list(*(name for name, _ in names)).first()
        if values is None:  # Gone, or never in this organization: start from the start.
            cursor, backwards = None, False
        else:
            rows = rows.filter(_beyond(names, values, backwards=backwards))
    if backwards:
        rows = rows.order_by(*_ordering(names, reverse=True))
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    if backwards:
        found.reverse()
    matching = _members_matching(organization=organization, filters=filters)
    count = matching.order_by()[: COUNT_EXACT_UP_TO + 1].count()
    return MembersPage(
        object_list=found,
        has_previous=more if backwards else cursor is not None,
        has_next=cursor is not None if backwards else more,
        count=min(count, COUNT_EXACT_UP_TO),
        count_is_exact=count <= COUNT_EXACT_UP_TO,
    )


def _beyond(names: list[tuple[str, bool]], values: tuple[Any, ...], *, backwards: bool) -> Q:
    """Match the rows after these sort values (before them, going backwards)."""

    def later(descending: bool) -> str:
        return "lt" if descending != backwards else "gt"

    *heads, (tail, tail_descending) = names
    condition = Q(**{f"{tail}__{later(tail_descending)}": values[-1]})
    for (name, descending), value in zip(heads[::-1], values[-2::-1], strict=True):
        condition = Q(**{f"{name}__{later(descending)}": value}) | (Q(**{name: value}) & condition)
    # The same bound on the first key alone lets the database start its index walk there.
    first, first_descending = names[0]
    bound = f"{first}__{later(first_descending)}e"
    return Q(**{bound: values[0]}) & condition


def members_page_rows(members: QuerySet[Membership]) -> QuerySet[Membership]:
    """Return the list's columns only, in one query with the people, departments and managers."""
    return members.select_related("user", "department", "manager__user").only(
        "role",
        "status",
        "title",
        "time_zone",
        "may_run_programs",
        "organization_id",
        "user__full_name",
        "user__email",
        "department__name",
        "manager__user__full_name",
    )


@dataclass
class ProgramRoles:
    """A person's roles in the organization's programs: ("Mentor", "New-hire mentoring")."""

    roles: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{role} in {program}" for role, program in self.roles)


ROLE_LABELS = (
    ("is_mentor", "Mentor"),
    ("is_mentee", "Mentee"),
    ("is_peer", "Peer"),
    ("is_coach", "Coach"),
)


def program_roles_of(*, organization: Organization, user_ids: list[int]) -> dict[int, ProgramRoles]:
    """Return each person's active roles in the organization's own programs, in one query."""
    roles: dict[int, ProgramRoles] = defaultdict(ProgramRoles)
    enrollments = (
        Enrollment.objects.filter(
            user_id__in=user_ids,
            program__organization=organization,
            status=Enrollment.Status.ACTIVE,
        )
        .exclude(program__status=Program.Status.ARCHIVED)
        .values_list(
            "user_id", "program__name", "program__format", *(flag for flag, _ in ROLE_LABELS)
        )
        .order_by("program__name")
    )
    for user_id, program_name, program_format, *flags in enrollments:
        for (flag, label), on in zip(ROLE_LABELS, flags, strict=True):
            if on:
                # A coaching program's mentee is the coach's client.
                coaching = program_format == Program.Format.COACHING and flag == "is_mentee"
                roles[user_id].roles.append(("Client" if coaching else label, program_name))
    return roles


EXPORT_HEADERS = [
    "Name",
    "E-mail",
    "Department",
    "Title",
    "Manager",
    "Manager e-mail",
    "Time zone",
    "Location",
    "Status",
    "Role",
    "May run programs",
    "Program roles",
]

EXPORT_CHUNK = 2000


def members_export_rows(members: QuerySet[Membership]) -> Iterator[list[str]]:
    """Yield one row per member for the export, reading the people in chunks."""
    # Plain tuples, not model instances: building five objects a row is most of the cost.
    rows = members.values_list(
        "organization_id",
        "user_id",
        "user__full_name",
        "user__email",
        "department__name",
        "title",
        "manager__user__full_name",
        "manager__user__email",
        "time_zone",
        "location",
        "status",
        "role",
        "may_run_programs",
    )
    chunk: list[tuple[Any, ...]] = []
    for row in rows.iterator(chunk_size=EXPORT_CHUNK):
        chunk.append(row)
        if len(chunk) == EXPORT_CHUNK:
            yield from _export_chunk(chunk)
            chunk = []
    if chunk:
        yield from _export_chunk(chunk)


STATUS_LABELS = dict(Membership.Status.choices)
ROLE_LABELS_BY_VALUE = dict(Membership.Role.choices)


def _export_chunk(chunk: list[tuple[Any, ...]]) -> Iterator[list[str]]:
    roles = program_roles_of(
        organization=Organization(pk=chunk[0][0]), user_ids=[row[1] for row in chunk]
    )
    for (
        _,
        user_id,
        name,
        email,
        department,
        title,
        manager,
        manager_email,
        time_zone,
        location,
        status,
        role,
        may_run_programs,
    ) in chunk:
        yield [
            name,
            email,
            department or "",
            title,
            manager or "",
            manager_email or "",
            time_zone,
            location,
            STATUS_LABELS.get(status, status),
            ROLE_LABELS_BY_VALUE.get(role, role),
            "yes" if may_run_programs or role == Membership.Role.ADMIN else "no",
            str(roles.get(user_id, "")),
        ]


EXPORTS_SHOWN = 5


def member_exports_recent(*, organization: Organization, user: User) -> list[MemberExport]:
    """Return the unexpired members exports this admin asked for here, newest first."""
    return list(
        MemberExport.objects.filter(
            organization=organization, requested_by=user, expires_at__gt=timezone.now()
        ).order_by("-created_at", "-pk")[:EXPORTS_SHOWN]
    )


# The reporting line. Loops are refused on every write, but a walk stops at this depth
# anyway so that a row written some other way cannot make a page spin.
MAX_CHAIN = 50


def member_chain(membership: Membership) -> list[Membership]:
    """Return the managers above this member, nearest first, up to the top."""
    chain: list[Membership] = []
    seen = {membership.pk}
    current_id = membership.manager_id
    while current_id is not None and current_id not in seen and len(chain) < MAX_CHAIN:
        manager = (
            Membership.objects.select_related("user", "department")
            .only("title", "status", "manager_id", "user__full_name", "department__name")
            .get(pk=current_id)
        )
        chain.append(manager)
        seen.add(manager.pk)
        current_id = manager.manager_id
    return chain


DIRECT_REPORTS_SHOWN = 200


def member_direct_reports(membership: Membership) -> list[Membership]:
    """Return up to DIRECT_REPORTS_SHOWN people who report to this member, by name."""
    return list(
        membership.reports.select_related("user", "department").order_by("user__full_name", "pk")[
            :DIRECT_REPORTS_SHOWN
        ]
    )


CANDIDATES_SHOWN = 10


def members_matching(
    *, organization_id: int, q: str, exclude_pk: int | None = None
) -> list[Membership]:
    """Return a few current members of the organization whose name or address matches."""
    words = q.split()[:SEARCH_WORDS]
    if not words:
        return []
    candidates = Membership.objects.filter(
        organization_id=organization_id, status=Membership.Status.ACTIVE
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    for word in words:
        candidates = candidates.filter(_word_matches(word, title=False))
    return list(
        candidates.select_related("user", "department").order_by("user__full_name", "pk")[
            :CANDIDATES_SHOWN
        ]
    )

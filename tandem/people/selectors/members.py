"""Reads for the members pages: the list, its export, one person's reporting line."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from tandem.accounts.models import Department, Membership, Organization
from tandem.programs.models import Enrollment, Program

# Sort keys people can choose; each ends on the primary key so pages never overlap.
MEMBER_SORTS: dict[str, tuple[Any, ...]] = {
    "name": ("user__full_name", "pk"),
    "-name": ("-user__full_name", "-pk"),
    "email": ("user__email", "pk"),
    "title": ("title", "user__full_name", "pk"),
    "department": ("department__name", "user__full_name", "pk"),
    "newest": ("-created_at", "-pk"),
}


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


def members_filtered(*, organization: Organization, filters: MemberFilters) -> QuerySet[Membership]:
    """Return the organization's memberships that match the filters, in the chosen order."""
    members = Membership.objects.filter(organization=organization)
    if filters.q:
        # Each word must appear in the name, the address or the title.
        for word in filters.q.split()[:5]:
            members = members.filter(
                Q(user__full_name__icontains=word)
                | Q(user__email__icontains=word)
                | Q(title__icontains=word)
            )
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
    order = MEMBER_SORTS.get(filters.sort, MEMBER_SORTS["name"])
    if filters.narrows() and order[0].lstrip("-") == "user__full_name":
        # Walking the name index until fifty rows match is quick for the whole list and slow
        # for a filter few rows pass, which the planner cannot always tell apart ("no
        # manager": one row in 100,000). Sorting by an expression the index cannot serve
        # makes it filter first and sort the few rows left; the order is the same.
        name = Concat("user__full_name", Value(""))
        order = (name.desc() if order[0].startswith("-") else name.asc(), *order[1:])
    return members.order_by(*order)


class TwoEndedPaginator(Paginator):
    """Read pages past the middle from the other end, in reverse order, then turn them round.

    An offset costs as many rows as it skips; counting from the nearer end halves the
    deepest page's cost and makes the last page as quick as the first.
    """

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = self.object_list
        if bottom > self.count // 2 and isinstance(rows, QuerySet) and rows.ordered:
            backwards = list(rows.reverse()[self.count - top : self.count - bottom])
            return Page(backwards[::-1], number, self)
        return super().page(number)


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
        .values_list("user_id", "program__name", *(flag for flag, _ in ROLE_LABELS))
        .order_by("program__name")
    )
    for user_id, program_name, *flags in enrollments:
        for (_, label), on in zip(ROLE_LABELS, flags, strict=True):
            if on:
                roles[user_id].roles.append((label, program_name))
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
    words = q.split()[:5]
    if not words:
        return []
    candidates = Membership.objects.filter(
        organization_id=organization_id, status=Membership.Status.ACTIVE
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    for word in words:
        candidates = candidates.filter(
            Q(user__full_name__icontains=word) | Q(user__email__icontains=word)
        )
    return list(
        candidates.select_related("user", "department").order_by("user__full_name", "pk")[
            :CANDIDATES_SHOWN
        ]
    )

"""Import people, departments and reporting lines from a CSV or XLSX file, all or nothing.

Reading the file (tablib) gives columns and rows of text; ``import_plan`` compares them with
the organization as it stands and says what would be created, changed, left alone and
made alumni, or why the file cannot be imported, row by row. ``import_apply`` recomputes
the plan under a lock of the organization and writes it in bulk, in one transaction: the
cost is a fixed number of queries plus one per batch, whatever the number of rows.
"""

import datetime
import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import Department, Membership, Organization, User
from tandem.accounts.services import organization_check_email
from tandem.core.errors import DomainError
from tandem.people.services.erasure import erased_in_organization
from tandem.people.services.import_files import COLUMNS, Table
from tandem.people.services.import_writes import PlanWriter
from tandem.people.services.leaving import memberships_leave
from tandem.people.services.members import people_imported_emit

LIMITS = {"full_name": 150, "department": 120, "title": 120, "location": 120, "email": 254}
LABELS = {
    "role": "role",
    "status": "status",
    "department": "department",
    "title": "title",
    "manager": "manager",
    "time_zone": "time zone",
    "location": "location",
}
ROLES = {"member": Membership.Role.MEMBER, "admin": Membership.Role.ADMIN}


@dataclass(frozen=True)
class RowError:
    line: int | None  # the row in the file, the header being row 1; None for the whole file
    message: str


@dataclass
class Change:
    line: int
    email: str
    name: str
    fields: list[tuple[str, str, str]]  # (what, old, new) as people read them


@dataclass
class _Target:
    """What one row asks for: a membership as it should be after the import."""

    line: int
    email: str
    full_name: str
    user_id: int | None
    membership_id: int | None
    values: dict[str, Any]  # role, status, department (a name key or None), title, ...
    manager_email: str | None
    changed: set[str] = field(default_factory=set)


@dataclass
class ImportPlan:
    """What an import would do, or why it cannot."""

    errors: list[RowError] = field(default_factory=list)
    new_people: list[tuple[int, str, str]] = field(default_factory=list)  # line, email, name
    joining: list[tuple[int, str, str]] = field(default_factory=list)  # existing accounts
    new_departments: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    leavers: list[Membership] = field(default_factory=list)
    # Rows of people erased on request, left alone: line, e-mail, when they were erased.
    erased: list[tuple[int, str, datetime.datetime]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    targets: list[_Target] = field(default_factory=list)
    # The organization as the plan found it, which the apply step writes over.
    current: "_Current | None" = None

    @property
    def has_changes(self) -> bool:
        return bool(
            self.new_people or self.joining or self.new_departments or self.changes or self.leavers
        )


class ImportRefused(DomainError):
    """The file has errors; nothing was imported."""

    def __init__(self, plan: ImportPlan) -> None:
        count = len(plan.errors)
        super().__init__(
            f"The file has {count} error{'s' if count != 1 else ''}; nothing was imported."
        )
        self.plan = plan


# Planning -----------------------------------------------------------------------------


@dataclass
class _Current:
    """The organization as it stands: members by e-mail, and departments by name."""

    members: dict[str, Membership]
    emails: dict[int, str]  # membership id -> e-mail
    departments: dict[str, Department]  # casefolded name -> department
    accounts: dict[str, tuple[int, str]]  # e-mail -> (user id, name), people not yet members
    # e-mail -> when; people once in the organization who were erased on request, and whose
    # address no account or membership holds now.
    erased: dict[str, datetime.datetime] = field(default_factory=dict)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _outside(organization: Organization, email: str) -> str | None:
    """Say why this address may not be added to the organization, or None when it may."""
    try:
        organization_check_email(organization=organization, email=email)
    except DomainError as error:
        return error.message
    return None


def _current(organization: Organization, emails: Iterable[str]) -> _Current:
    memberships = Membership.objects.filter(organization=organization).select_related("user")
    members = {m.user.email.lower(): m for m in memberships}
    emails_by_id = {m.pk: email for email, m in members.items()}
    departments = {d.name.casefold(): d for d in organization.departments.all()}
    # Addresses that may not join are never looked up: the preview must not tell whether
    # someone at another organization has an account, nor what their name is.
    missing = sorted({e for e in emails if e not in members and _outside(organization, e) is None})
    accounts: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(missing, 5000):
        found = (
            User.objects.alias(address=Lower("email"))
            .filter(address__in=chunk)
            .values_list("pk", "email", "full_name")
        )
        accounts.update({email.lower(): (pk, name) for pk, email, name in found})
    erased = erased_in_organization(
        organization=organization, emails=[e for e in missing if e not in accounts]
    )
    return _Current(members, emails_by_id, departments, accounts, erased)


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


@functools.cache
def _zones() -> dict[str, str]:
    """Map each known zone name, lower-cased, to its proper spelling."""
    names = [zone for _, zones in time_zones.time_zone_choices() for zone, _ in zones]
    return {name.lower(): name for name in names}


class _Planner:
    """Compare a table with the organization, one row at a time, then across rows."""

    def __init__(self, organization: Organization, table: Table, *, allow_new: bool) -> None:
        self.organization = organization
        self.present = set(table.columns)
        self.allow_new = allow_new
        self.rows = [
            (line, {c: row[i] if i < len(row) else "" for i, c in enumerate(table.columns)})
            for line, row in enumerate(table.rows, start=2)
        ]
        self.file_emails = {values.get("email", "").lower() for _, values in self.rows}
        self.current = _current(organization, self.file_emails)
        self.department_keys = {d.pk: key for key, d in self.current.departments.items()}
        self.new_departments: dict[str, str] = {}  # key -> the first spelling in the file
        self.first_line: dict[str, int] = {}
        self.plan = ImportPlan(ignored_columns=[c for c in table.columns if c not in COLUMNS])

    def error(self, line: int | None, message: str) -> None:
        self.plan.errors.append(RowError(line, message))

    def run(self, *, mark_leavers: bool, by: User | None) -> ImportPlan:
        for line, values in self.rows:
            target = self.target(line, values)
            if target is not None:
                self.plan.targets.append(target)
        # Nobody can report to a person who is left alone: they will not be a member.
        self.file_emails -= {email for _, email, _ in self.plan.erased}
        by_email = {t.email: t for t in self.plan.targets}
        self.check_managers(by_email, mark_leavers)
        self.check_loops(by_email)
        if mark_leavers:
            self.plan.leavers = [
                m
                for email, m in self.current.members.items()
                if m.status == Membership.Status.ACTIVE and email not in self.file_emails
            ]
        if by is not None:
            self.check_own_access(by, by_email, mark_leavers)
        self.describe()
        self.plan.errors.sort(key=lambda e: e.line or 0)
        return self.plan

    def target(self, line: int, values: dict[str, str]) -> _Target | None:
        errors = len(self.plan.errors)
        raw = values.get("email", "")
        email = raw.lower()
        if not email:
            self.error(line, "The e-mail address is missing.")
            return None
        if len(email) > LIMITS["email"] or not _is_email(email):
            self.error(line, f"“{raw}” is not a valid e-mail address.")
            return None
        if email in self.first_line:
            first = self.first_line[email]
            self.error(first, f"{email} appears again on row {line}; list each person once.")
            self.error(line, f"{email} already appears on row {first}; list each person once.")
            return None
        self.first_line[email] = line
        member = self.current.members.get(email)
        outside = None if member is not None else _outside(self.organization, email)
        if outside is not None:
            # Said before anything about the address, which stays unknown to the preview.
            self.error(line, outside)
            return None
        account = self.current.accounts.get(email)
        erased_at = self.current.erased.get(email)
        if erased_at is not None:
            # They asked to be erased: a file from the HR system does not bring them back.
            # Joining again is their own choice, by an invitation they accept.
            self.plan.erased.append((line, email, erased_at))
            return None
        name = values.get("full_name", "")
        if member is None and account is None and not name:
            self.error(line, f"{email} is new to Tandem: give their full name.")
        for key, limit in LIMITS.items():
            if len(values.get(key, "")) > limit:
                self.error(line, f"The {key.replace('_', ' ')} is longer than {limit} characters.")
        zone = values.get("time_zone", "")
        if zone and zone.lower() not in _zones():
            self.error(
                line,
                f"“{zone}” is not a time zone we know; write a name such as Europe/Paris "
                "or America/New_York.",
            )
        role = values.get("role", "").lower()
        if role and role not in ROLES:
            self.error(line, f"“{values['role']}” is not a role: write member or admin.")
        department = values.get("department", "")
        key = department.casefold()
        if department and key not in self.current.departments:
            if self.allow_new:
                self.new_departments.setdefault(key, department)
            else:
                self.error(
                    line,
                    f"There is no department “{department}”. Correct the name, or tick "
                    "“create departments that are not there yet”.",
                )
        manager = values.get("manager_email", "").lower()
        if manager and not _is_email(manager):
            self.error(line, f"The manager's address “{manager}” is not a valid e-mail address.")
        elif manager and manager == email:
            self.error(line, f"{email} is listed as their own manager.")
        if len(self.plan.errors) > errors:
            return None
        return self.build(line, email, name, values, member, account)

    def build(
        self,
        line: int,
        email: str,
        name: str,
        values: dict[str, str],
        member: Membership | None,
        account: tuple[int, str] | None,
    ) -> _Target:
        def given(column: str, old: Any, default: Any) -> Any:
            if column in self.present:
                return values[column]
            return old if member is not None else default

        zone = values.get("time_zone", "")
        role = values.get("role", "").lower()
        department = member and self.department_keys.get(member.department_id or 0)
        final = {
            "role": ROLES[role] if role else (member.role if member else Membership.Role.MEMBER),
            "status": Membership.Status.ACTIVE,
            "department": (given("department", department, "") or "").casefold() or None,
            "title": given("title", member and member.title, ""),
            "time_zone": _zones()[zone.lower()]
            if zone
            else (member.time_zone if member else "UTC"),
            "location": given("location", member and member.location, ""),
        }
        old_manager = member and self.current.emails.get(member.manager_id or 0)
        manager = (given("manager_email", old_manager, "") or "").lower() or None
        target = _Target(
            line=line,
            email=email,
            full_name=name if member is None and account is None else "",
            user_id=member.user_id if member else account[0] if account else None,
            membership_id=member.pk if member else None,
            values=final,
            manager_email=manager,
        )
        if member is not None:
            old = {
                "role": member.role,
                "status": member.status,
                "department": department or None,
                "title": member.title,
                "time_zone": member.time_zone,
                "location": member.location,
            }
            target.changed = {k for k, v in final.items() if old[k] != v}
            if manager != (old_manager or None):
                target.changed.add("manager")
        return target

    def manager_of(self, email: str, by_email: dict[str, _Target]) -> str | None:
        target = by_email.get(email)
        if target is not None:
            return target.manager_email
        member = self.current.members.get(email)
        return self.current.emails.get(member.manager_id or 0) if member else None

    def check_managers(self, by_email: dict[str, _Target], mark_leavers: bool) -> None:
        for target in by_email.values():
            manager = target.manager_email
            if manager is None or manager in self.file_emails:
                continue
            member = self.current.members.get(manager)
            if manager in self.current.erased:
                self.error(
                    target.line,
                    f"The manager {manager} was erased on request and is left alone; choose "
                    "another manager.",
                )
            elif member is None or member.status != Membership.Status.ACTIVE:
                self.error(
                    target.line,
                    f"The manager {manager} is neither in the file nor a current member of "
                    f"{self.organization.name}.",
                )
            elif mark_leavers:
                self.error(
                    target.line,
                    f"The manager {manager} is not in the file, so with “this file is everyone” "
                    "ticked they would become alumni. Add them to the file.",
                )

    def check_loops(self, by_email: dict[str, _Target]) -> None:
        """Find every loop in the reporting lines the import would leave, in one pass."""
        state: dict[str, int] = {}  # 1: on the path being walked, 2: known to end
        for start in by_email:
            path: list[str] = []
            node: str | None = start
            while node is not None and node not in state:
                state[node] = 1
                path.append(node)
                node = self.manager_of(node, by_email)
            if node is not None and state[node] == 1:
                self.report_loop(path[path.index(node) :], by_email)
            for visited in path:
                state[visited] = 2

    def report_loop(self, loop: list[str], by_email: dict[str, _Target]) -> None:
        lines = [by_email[e].line for e in loop if e in by_email]
        if not lines:
            return  # a loop already in the database, which the file does not touch

        def who(email: str) -> str:
            target = by_email.get(email)
            return f"{email} (row {target.line})" if target else f"{email} (not in the file)"

        chain = " → ".join(who(e) for e in [*loop, loop[0]])
        self.error(
            min(lines),
            f"The reporting lines go round in a loop: {chain}. Someone in it must report "
            "to someone outside it.",
        )

    def check_own_access(self, by: User, by_email: dict[str, _Target], mark_leavers: bool) -> None:
        email = by.email.lower()
        mine = by_email.get(email)
        if mark_leavers and email not in self.file_emails:
            self.error(
                None,
                f"You ({email}) are not in the file: with “this file is everyone” ticked you "
                "would become alumni and lose access. Add yourself to the file.",
            )
        elif mine is not None and mine.values["role"] != Membership.Role.ADMIN:
            self.error(mine.line, "This row would take away your own admin role; leave it admin.")

    def describe(self) -> None:
        plan = self.plan
        names: dict[str, str] = {key: d.name for key, d in self.current.departments.items()}
        names.update(self.new_departments)
        # What the correct rows would do: a row with any problem does nothing.
        wrong = {error.line for error in plan.errors}
        used = {t.values["department"] for t in plan.targets if t.line not in wrong}
        plan.new_departments = sorted(v for k, v in self.new_departments.items() if k in used)
        for target in plan.targets:
            if target.line in wrong:
                continue
            if target.user_id is None:
                plan.new_people.append((target.line, target.email, target.full_name))
            elif target.membership_id is None:
                name = self.current.accounts[target.email][1]
                plan.joining.append((target.line, target.email, name))
            elif target.changed:
                member = self.current.members[target.email]
                old_manager = self.current.emails.get(member.manager_id or 0)
                old = {
                    "department": names.get(
                        self.department_keys.get(member.department_id or 0, "")
                    ),
                    "manager": old_manager,
                }
                new = {
                    "department": names.get(target.values["department"] or ""),
                    "manager": target.manager_email,
                }
                # Related rows are named from the maps above, never fetched one by one.
                fields = [
                    (
                        LABELS[f],
                        _shown(f, old[f] if f in old else getattr(member, f)),
                        _shown(f, new[f] if f in new else target.values[f]),
                    )
                    for f in LABELS
                    if f in target.changed
                ]
                plan.changes.append(
                    Change(target.line, target.email, member.user.full_name, fields)
                )
            else:
                plan.unchanged += 1


def _shown(what: str, value: Any) -> str:
    if what == "role":
        return str(Membership.Role(value).label)
    if what == "status":
        return str(Membership.Status(value).label)
    return str(value or "—")


def import_plan(
    *,
    organization: Organization,
    table: Table,
    mark_leavers: bool = False,
    allow_new_departments: bool = False,
    by: User | None = None,
) -> ImportPlan:
    """Say what importing this table would create, change, leave alone and make alumni."""
    planner = _Planner(organization, table, allow_new=allow_new_departments)
    plan = planner.run(mark_leavers=mark_leavers, by=by)
    plan.current = planner.current
    return plan


@transaction.atomic
def import_apply(
    *,
    organization: Organization,
    table: Table,
    by: User | None,
    file_name: str,
    mark_leavers: bool = False,
    allow_new_departments: bool = False,
    send_invitations: bool = False,
) -> ImportPlan:
    """Import a table in one transaction: everything it asks for, or, on any error, nothing."""
    # Lock the organization's row so that no other change to its reporting lines (another
    # import, a manager set by hand) can interleave with this one and close a loop.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    plan = import_plan(
        organization=organization,
        table=table,
        mark_leavers=mark_leavers,
        allow_new_departments=allow_new_departments,
        by=by,
    )
    if plan.errors:
        raise ImportRefused(plan)
    if not plan.has_changes:
        return plan
    # One reason per import, so that the audit trail can show each import as one event.
    reason = f"Import of {file_name[:60]} at {timezone.now():%Y-%m-%d %H:%M:%S} UTC"
    writer = PlanWriter(organization, plan, by, reason)
    departments = writer.departments()
    added = writer.memberships(departments, writer.users())
    if added:
        people_imported_emit(organization_id=organization.pk, source="file", membership_ids=added)
    if plan.leavers:
        memberships_leave(memberships=plan.leavers, by=by, reason=writer.reason)
    if send_invitations and plan.new_people and by is not None:
        from tandem.people.tasks import invite_imported_people

        emails = [email for _, email, _ in plan.new_people]
        transaction.on_commit(
            lambda: invite_imported_people.enqueue(organization.pk, by.pk, emails)
        )
    return plan

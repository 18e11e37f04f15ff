"""Write an import's plan in bulk: departments, accounts, memberships, then reporting lines."""

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tandem.accounts.models import Department, Membership, Organization, User

if TYPE_CHECKING:
    from tandem.people.services.imports import ImportPlan, _Target

BATCH = 1000


def _bulk_create(objs: list[Any], *, by: User | None, reason: str) -> list[Any]:
    if not objs:
        return []
    model = type(objs[0])
    if hasattr(model, "history"):
        # The audit trail records the import in bulk, with who did it and from which file.
        return bulk_create_with_history(
            objs, model, batch_size=BATCH, default_user=by, default_change_reason=reason
        )
    return list(model.objects.bulk_create(objs, batch_size=BATCH))


def _bulk_update(objs: list[Any], fields: list[str], *, by: User | None, reason: str) -> None:
    if not objs:
        return
    model = type(objs[0])
    if hasattr(model, "history"):
        bulk_update_with_history(
            objs, model, fields, batch_size=BATCH, default_user=by, default_change_reason=reason
        )
    else:
        model.objects.bulk_update(objs, fields, batch_size=BATCH)


@dataclass
class PlanWriter:
    organization: Organization
    plan: "ImportPlan"
    by: User | None
    reason: str
    now: Any = field(default_factory=timezone.now)

    def departments(self) -> dict[str, int]:
        _bulk_create(
            [Department(organization=self.organization, name=n) for n in self.plan.new_departments],
            by=self.by,
            reason=self.reason,
        )
        return {d.name.casefold(): d.pk for d in self.organization.departments.all()}

    def users(self) -> dict[str, int]:
        # No usable password: new people sign in through an invitation, a reset or SSO. (The
        # same mark as make_password(None), from one call to the system's randomness each.)
        people = [
            User(email=email, full_name=name, password=_unusable_password())
            for _, email, name in self.plan.new_people
        ]
        created = _bulk_create(people, by=self.by, reason=self.reason)
        ids = {u.email: u.pk for u in created if u.pk is not None}
        if len(ids) < len(people):  # a database that does not return new ids
            emails = [e for _, e, _ in self.plan.new_people]
            for start in range(0, len(emails), 5000):
                chunk = emails[start : start + 5000]
                ids.update(User.objects.filter(email__in=chunk).values_list("email", "pk"))
        # The sign-in library's record of the address: theirs, not yet proven.
        _bulk_create(
            [EmailAddress(user_id=ids[e], email=e, primary=True, verified=False) for e in ids],
            by=self.by,
            reason=self.reason,
        )
        return ids

    def memberships(self, departments: dict[str, int], users: dict[str, int]) -> None:
        current = self.plan.current
        assert current is not None
        ids = {email: m.pk for email, m in current.members.items()}
        fresh = {t.email: t for t in self.plan.targets if t.membership_id is None}
        # Managers are created before their reports, a level of the hierarchy at a time, so
        # each membership is written once, with its manager: one insert per level and batch.
        for level in _levels(fresh):
            rows = []
            for target in level:
                values = dict(target.values)
                department = values.pop("department")
                rows.append(
                    Membership(
                        user_id=target.user_id or users[target.email],
                        organization=self.organization,
                        department_id=departments[department] if department else None,
                        manager_id=ids[target.manager_email] if target.manager_email else None,
                        **values,
                    )
                )
            created = _bulk_create(rows, by=self.by, reason=self.reason)
            if any(m.pk is None for m in created):  # a database that returns no new ids
                by_user = dict(
                    Membership.objects.filter(organization=self.organization).values_list(
                        "user_id", "pk"
                    )
                )
                for membership in created:
                    membership.pk = by_user[membership.user_id]
            ids.update({t.email: m.pk for t, m in zip(level, created, strict=True)})
        self.update_members(departments, ids)

    def update_members(self, departments: dict[str, int], ids: dict[str, int]) -> None:
        current = self.plan.current
        assert current is not None
        # Rows changing the same fields are updated together, so each bulk update carries
        # only the fields that change; updated_at, the same for all, is set separately.
        groups: dict[tuple[str, ...], list[Membership]] = {}
        for target in self.plan.targets:
            if target.membership_id is None or not target.changed:
                continue
            membership = current.members[target.email]
            for name in target.changed:
                if name == "manager":
                    membership.manager_id = (
                        ids[target.manager_email] if target.manager_email else None
                    )
                elif name == "department":
                    key = target.values["department"]
                    membership.department_id = departments[key] if key else None
                else:
                    setattr(membership, name, target.values[name])
            membership.updated_at = self.now
            groups.setdefault(tuple(sorted(target.changed)), []).append(membership)
        for fields, members in groups.items():
            _bulk_update(members, list(fields), by=self.by, reason=self.reason)
            pks = [m.pk for m in members]
            for start in range(0, len(pks), BATCH):
                Membership.objects.filter(pk__in=pks[start : start + BATCH]).update(
                    updated_at=self.now
                )


def _unusable_password() -> str:
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _levels(fresh: dict[str, "_Target"]) -> list[list["_Target"]]:
    """Group new memberships by how many new managers stand above them (0: none)."""
    depth: dict[str, int] = {}
    for email in fresh:
        path = []
        node: str | None = email
        while node in fresh and node not in depth:
            path.append(node)
            node = fresh[node].manager_email
        # The plan refused loops, so every walk ends outside the new people or at a known depth.
        base = depth[node] + 1 if node in depth else 0
        for step, name in enumerate(reversed(path)):
            depth[name] = base + step
    levels: list[list[_Target]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for email, target in fresh.items():
        levels[depth[email]].append(target)
    return levels

"""Write an import's plan in bulk: departments, accounts, memberships, then reporting lines."""

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.core.bulk import history_rows_insert, rows_insert

if TYPE_CHECKING:
    from tandem.people.services.imports import ImportPlan, _Target

BATCH = 1000


@dataclass
class PlanWriter:
    organization: Organization
    plan: "ImportPlan"
    by: User | None
    reason: str
    now: Any = field(default_factory=timezone.now)

    def departments(self) -> dict[str, int]:
        rows: list[dict[str, Any]] = [
            {"organization_id": self.organization.pk, "name": name}
            for name in self.plan.new_departments
        ]
        ids = rows_insert(Department, rows, key="name")
        for row in rows:
            row["id"] = ids[row["name"]]
        self._history(Department, rows)
        return {d.name.casefold(): d.pk for d in self.organization.departments.all()}

    def users(self) -> dict[str, int]:
        # No usable password: new people sign in through an invitation, a reset or SSO. (The
        # same mark as make_password(None), from one call to the system's randomness each.)
        ids = rows_insert(
            User,
            [
                {
                    "email": email,
                    "full_name": name,
                    "password": _unusable_password(),
                    "date_joined": self.now,
                }
                for _, email, name in self.plan.new_people
            ],
            key="email",
        )
        # The sign-in library's record of the address: theirs, not yet proven.
        rows_insert(
            EmailAddress,
            [{"user_id": ids[e], "email": e, "primary": True, "verified": False} for e in ids],
        )
        return ids

    def memberships(self, departments: dict[str, int], users: dict[str, int]) -> list[int]:
        """Write the new memberships and the changes to current ones; return the new ids."""
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
                    {
                        **values,
                        "user_id": target.user_id or users[target.email],
                        "organization_id": self.organization.pk,
                        "department_id": departments[department] if department else None,
                        "manager_id": ids[target.manager_email] if target.manager_email else None,
                        "created_at": self.now,
                        "updated_at": self.now,
                    }
                )
            created = rows_insert(Membership, rows, key="user_id")
            for target, row in zip(level, rows, strict=True):
                row["id"] = ids[target.email] = created[row["user_id"]]
            self._history(Membership, rows)
        self.update_members(departments, ids)
        return [ids[email] for email in fresh]

    def _history(self, model: type[Any], rows: list[dict[str, Any]]) -> None:
        # The audit trail records the import in bulk, with who did it and from which file.
        by_id = self.by.pk if self.by else None
        history_rows_insert(
            model, rows, history_type="+", by_id=by_id, reason=self.reason, when=self.now
        )

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
            bulk_update_with_history(
                members,
                Membership,
                list(fields),
                batch_size=BATCH,
                default_user=self.by,
                default_change_reason=self.reason,
            )
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

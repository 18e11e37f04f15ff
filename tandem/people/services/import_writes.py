"""Write an import's plan in bulk: departments, accounts, memberships, then reporting lines."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from tandem.accounts.models import Department, Membership, Organization, User

if TYPE_CHECKING:
    from tandem.people.services.imports import ImportPlan

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
        # No usable password: new people sign in through an invitation, a reset or SSO.
        people = [
            User(email=email, full_name=name, password=make_password(None))
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
        fresh = [t for t in self.plan.targets if t.membership_id is None]
        rows = []
        for target in fresh:
            values = dict(target.values)
            department = values.pop("department")
            rows.append(
                Membership(
                    user_id=target.user_id or users[target.email],
                    organization=self.organization,
                    department_id=departments[department] if department else None,
                    # A manager who is new too gets an id only once created, below.
                    manager_id=ids.get(target.manager_email or ""),
                    **values,
                )
            )
        created = _bulk_create(rows, by=self.by, reason=self.reason)
        if any(m.pk is None for m in created):  # a database that does not return new ids
            by_user = dict(
                Membership.objects.filter(organization=self.organization).values_list(
                    "user_id", "pk"
                )
            )
            for membership in created:
                membership.pk = by_user[membership.user_id]
        ids.update({t.email: m.pk for t, m in zip(fresh, created, strict=True)})
        later = []
        for target, membership in zip(fresh, created, strict=True):
            if target.manager_email and membership.manager_id is None:
                membership.manager_id = ids[target.manager_email]
                membership.updated_at = self.now
                later.append(membership)
        _bulk_update(later, ["manager", "updated_at"], by=self.by, reason=self.reason)
        self.update_members(departments, ids)

    def update_members(self, departments: dict[str, int], ids: dict[str, int]) -> None:
        current = self.plan.current
        assert current is not None
        changed, fields = [], {"updated_at"}
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
            fields |= target.changed
            changed.append(membership)
        _bulk_update(changed, sorted(fields), by=self.by, reason=self.reason)

"""The plain-row inserts under the people import write what the ORM would have written."""

from datetime import UTC, datetime
from typing import Any

from tandem.accounts.models import Membership, User
from tandem.core.bulk import history_rows_insert, rows_insert
from tandem.people.models import ImportBatch
from tandem.testing.fixtures import World


def test_rows_come_back_as_the_orm_reads_them(world: World) -> None:
    when = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)
    ids = rows_insert(
        User,
        [
            {"email": f"p{i}@northwind.test", "full_name": f"Person {i}", "date_joined": when}
            for i in range(1500)  # more than one statement on every database
        ],
        key="email",
    )
    assert len(ids) == 1500
    person = User.objects.get(pk=ids["p1234@northwind.test"])
    assert (person.full_name, person.date_joined, person.is_active) == ("Person 1234", when, True)

    batch_ids = rows_insert(
        ImportBatch,
        [
            {
                "organization_id": world.org.pk,
                "file_name": "staff.csv",
                "columns": ["email", "title"],
                "rows": [["a@northwind.test", "Analyst"]],
            }
        ],
        key="file_name",
    )
    batch = ImportBatch.objects.get(pk=batch_ids["staff.csv"])
    assert batch.rows == [["a@northwind.test", "Analyst"]]
    assert batch.mark_leavers is False and batch.created_at is not None


def test_history_rows_name_who_and_why(world: World) -> None:
    user_id = rows_insert(User, [{"email": "new@northwind.test"}], key="email")
    row: dict[str, Any] = {
        "user_id": user_id["new@northwind.test"],
        "organization_id": world.org.pk,
        "role": Membership.Role.ADMIN,
        "title": "Analyst",
    }
    row["id"] = rows_insert(Membership, [row], key="user_id")[row["user_id"]]
    history_rows_insert(
        Membership,
        [row],
        history_type="+",
        by_id=world.admin.pk,
        reason="Import of staff.csv",
        when=datetime(2026, 3, 1, tzinfo=UTC),
    )
    membership = Membership.objects.get(pk=row["id"])
    assert (membership.role, membership.status, membership.time_zone) == ("admin", "active", "UTC")
    record = membership.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "+",
        world.admin,
        "Import of staff.csv",
    )
    assert (record.title, record.role) == ("Analyst", "admin")

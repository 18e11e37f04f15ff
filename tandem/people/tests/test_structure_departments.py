"""Departments: list with counts, add, rename, remove when empty or after moving people."""

import pytest

from tandem.accounts.models import Department, Membership
from tandem.testing.fixtures import World, client_for


def _url(world: World, rest: str = "") -> str:
    return f"/organizations/{world.org.pk}/departments/{rest}"


def test_departments_are_listed_with_their_current_members_and_alumni(
    world: World, django_assert_max_num_queries: object
) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    Department.objects.create(organization=world.org, name="Finance")
    Department.objects.create(organization=world.other_org, name="Nursing")
    Membership.objects.filter(user__in=[world.mentor, world.mentee]).update(department=ops)
    Membership.objects.filter(user=world.mentee).update(status="alumni")
    client = client_for(world.admin)
    client.get(_url(world))
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(_url(world))
    rows = [(d.name, d.current, d.alumni) for d in response.context["departments"]]
    assert rows == [("Finance", 0, 0), ("Operations", 1, 1)]
    assert "Nursing" not in response.content.decode()


def test_admin_adds_a_department(world: World) -> None:
    response = client_for(world.admin).post(_url(world), {"name": "  Customer   care "})
    assert response.status_code == 302
    assert Department.objects.filter(organization=world.org, name="Customer care").exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [("", "required"), ("   ", "required"), ("x" * 121, "120"), ("operations", "already has")],
)
def test_a_bad_or_taken_name_is_a_clear_error(world: World, name: str, error: str) -> None:
    Department.objects.create(organization=world.org, name="Operations")
    response = client_for(world.admin).post(_url(world), {"name": name})
    assert response.status_code == 400
    assert error in " ".join(response.context["form"].errors["name"])
    assert Department.objects.filter(organization=world.org).count() == 1


def test_the_same_name_may_exist_in_another_organization(world: World) -> None:
    Department.objects.create(organization=world.other_org, name="Operations")
    assert client_for(world.admin).post(_url(world), {"name": "Operations"}).status_code == 302


def test_admin_renames_a_department(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    response = client_for(world.admin).post(_url(world, f"{ops.pk}/"), {"name": "Ops & Service"})
    assert response.status_code == 302
    ops.refresh_from_db()
    assert ops.name == "Ops & Service"


def test_renaming_to_a_taken_name_is_refused(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    Department.objects.create(organization=world.org, name="Finance")
    response = client_for(world.admin).post(_url(world, f"{ops.pk}/"), {"name": "FINANCE"})
    assert response.status_code == 400
    assert "already has a department called" in response.content.decode()
    ops.refresh_from_db()
    assert ops.name == "Operations"
    # Changing only the case of its own name is fine.
    assert (
        client_for(world.admin).post(_url(world, f"{ops.pk}/"), {"name": "OPERATIONS"}).status_code
        == 302
    )


def test_an_empty_department_is_removed(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    response = client_for(world.admin).post(_url(world, f"{ops.pk}/remove/"))
    assert response.status_code == 302
    assert not Department.objects.filter(pk=ops.pk).exists()


def test_a_department_with_people_is_removed_only_after_moving_them(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    fin = Department.objects.create(organization=world.org, name="Finance")
    Membership.objects.filter(user__in=[world.mentor, world.mentee]).update(department=ops)
    Membership.objects.filter(user=world.mentee).update(status="alumni")
    client = client_for(world.admin)
    response = client.post(_url(world, f"{ops.pk}/remove/"))
    assert response.status_code == 400
    assert "2 members are still in Operations" in response.content.decode()
    assert Department.objects.filter(pk=ops.pk).exists()
    response = client.post(_url(world, f"{ops.pk}/remove/"), {"move_to": fin.pk})
    assert response.status_code == 302
    assert not Department.objects.filter(pk=ops.pk).exists()
    assert Membership.objects.filter(department=fin).count() == 2
    # Each move is in the audit trail, with who made it and why.
    moves = Membership.history.filter(department_id=fin.pk, history_type="~")
    assert moves.count() == 2
    assert {(m.history_user, m.history_change_reason) for m in moves} == {
        (world.admin, "Operations removed")
    }


@pytest.mark.parametrize("target", ["self", "other_org", "abc", "99999"])
def test_members_move_only_to_another_department_of_the_organization(
    world: World, target: str
) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    theirs = Department.objects.create(organization=world.other_org, name="Nursing")
    Membership.objects.filter(user=world.mentor).update(department=ops)
    move_to = {"self": ops.pk, "other_org": theirs.pk}.get(target, target)
    response = client_for(world.admin).post(_url(world, f"{ops.pk}/remove/"), {"move_to": move_to})
    assert response.status_code == 400
    assert Department.objects.filter(pk=ops.pk).exists()
    assert Membership.objects.get(user=world.mentor).department == ops


def test_the_remove_page_answers_only_post(world: World) -> None:
    ops = Department.objects.create(organization=world.org, name="Operations")
    assert client_for(world.admin).get(_url(world, f"{ops.pk}/remove/")).status_code == 405

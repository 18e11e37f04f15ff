"""Who may run programs: admins always, and the members an admin names; one rule for all."""

import pytest

from tandem.accounts.models import Membership, User
from tandem.core.errors import DomainError
from tandem.policy.access import organizations_where_may_create_programs
from tandem.programs.models import Program
from tandem.programs.services import program_create
from tandem.testing.fixtures import World, client_for

PROGRAM = {
    "name": "Returners' circle",
    "tagline": "",
    "description": "",
    "format": "one_to_one",
    "status": "active",
    "audience": "organization",
    "enrollment_opens_on": "",
    "enrollment_closes_on": "",
    "matching_mode": "choice",
    "mentors_per_mentee": "1",
    "default_cadence": "monthly",
    "default_length_months": "6",
}


def _url(world: World, rest: str = "") -> str:
    return f"/organizations/{world.org.pk}/program-runners/{rest}"


def _grant(world: World, user: User) -> Membership:
    membership = Membership.objects.get(user=user, organization=world.org)
    response = client_for(world.admin).post(_url(world, f"{membership.pk}/"), {"allowed": "yes"})
    assert response.status_code == 302
    membership.refresh_from_db()
    return membership


def test_admin_names_a_member_who_may_then_create_and_run_a_program(world: World) -> None:
    client = client_for(world.member)
    assert client.get("/programs/new/").status_code == 404
    assert client.post("/programs/new/", PROGRAM).status_code == 404
    assert _grant(world, world.member).may_run_programs
    assert "New program" in client.get("/").content.decode()
    response = client.post("/programs/new/", PROGRAM)
    program = Program.objects.get(name="Returners' circle")
    assert response["Location"] == f"/programs/{program.pk}/manage/"
    assert program.organization == world.org
    assert list(program.admins.all()) == [world.member]
    assert client.get(f"/programs/{program.pk}/manage/").status_code == 200


def test_the_runners_page_lists_them_and_finds_members_to_name(world: World) -> None:
    _grant(world, world.member)
    client = client_for(world.admin)
    response = client.get(_url(world))
    assert [m.user for m in response.context["runners"]] == [world.member]
    response = client.get(_url(world, "?q=haddad"))
    assert [c.user for c in response.context["candidates"]] == [world.mentor]
    assert "Let Mo Haddad run programs" in response.content.decode()


def test_stopping_a_runner_stops_new_programs_but_keeps_the_ones_they_run(world: World) -> None:
    membership = _grant(world, world.member)
    client = client_for(world.member)
    client.post("/programs/new/", PROGRAM)
    program = Program.objects.get(name="Returners' circle")
    response = client_for(world.admin).post(_url(world, f"{membership.pk}/"), {"allowed": "no"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert not membership.may_run_programs
    assert client.post("/programs/new/", {**PROGRAM, "name": "Another"}).status_code == 404
    assert client.get(f"/programs/{program.pk}/manage/").status_code == 200


def test_a_runner_cannot_create_programs_in_another_organization(world: World) -> None:
    _grant(world, world.member)
    client = client_for(world.member)
    response = client.post(f"/programs/new/?organization={world.other_org.pk}", PROGRAM)
    assert response.status_code == 404
    assert not Program.objects.filter(name="Returners' circle").exists()


def test_a_runner_who_leaves_may_no_longer_create_programs(world: World) -> None:
    membership = _grant(world, world.member)
    Membership.objects.filter(pk=membership.pk).update(status="alumni")
    assert world.org not in organizations_where_may_create_programs(world.member)
    assert client_for(world.member).get("/programs/new/").status_code == 404


def test_alumni_cannot_be_named(world: World) -> None:
    membership = Membership.objects.get(user=world.member)
    Membership.objects.filter(pk=membership.pk).update(status="alumni")
    response = client_for(world.admin).post(
        _url(world, f"{membership.pk}/"), {"allowed": "yes"}, follow=True
    )
    assert "not a current member" in response.content.decode()
    membership.refresh_from_db()
    assert not membership.may_run_programs


@pytest.mark.parametrize("who", ["admin", "member", "outsider"])
def test_the_create_service_asks_the_same_rule(world: World, who: str) -> None:
    user = getattr(world, who)
    allowed = world.org in organizations_where_may_create_programs(user)
    assert allowed == (who == "admin")
    if allowed:
        assert program_create(organization=world.org, created_by=user, name="Service-made").pk
    else:
        with pytest.raises(DomainError):
            program_create(organization=world.org, created_by=user, name="Service-made")
        assert not Program.objects.filter(name="Service-made").exists()


def test_a_program_admin_who_is_not_a_runner_cannot_create_programs(world: World) -> None:
    # Running one program someone else created does not let a person create new ones.
    world.program.admins.add(world.mentor)
    assert world.org not in organizations_where_may_create_programs(world.mentor)
    assert client_for(world.mentor).get("/programs/new/").status_code == 404

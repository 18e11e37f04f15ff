"""Partner organizations: one side proposes, the other accepts or declines; either ends it."""

import pytest

from tandem.people.models import PartnershipRequest
from tandem.policy.access import programs_visible_to
from tandem.programs.models import Program
from tandem.testing.fixtures import World, client_for


def _url(world: World, rest: str = "", org: object = None) -> str:
    return f"/organizations/{(org or world.org).pk}/partners/{rest}"  # type: ignore[attr-defined]


def _propose(world: World, name: str = "riverside") -> PartnershipRequest:
    response = client_for(world.admin).post(_url(world), {"organization": name, "message": "Hi!"})
    assert response.status_code == 302
    return PartnershipRequest.objects.get(from_organization=world.org)


@pytest.mark.parametrize("name", ["riverside", "Riverside Health", " riverside health "])
def test_admin_proposes_a_partnership_by_name_or_short_name(world: World, name: str) -> None:
    request = _propose(world, name)
    assert request.to_organization == world.other_org
    assert request.status == PartnershipRequest.Status.PENDING
    assert request.proposed_by == world.admin
    assert not world.org.partners.exists()


def test_the_other_admin_accepts_and_both_become_partners(world: World) -> None:
    request = _propose(world)
    client = client_for(world.outsider)
    page = client.get(_url(world, org=world.other_org)).content.decode()
    assert "Northwind Transit Agency" in page and "Hi!" in page
    response = client.post(
        _url(world, f"requests/{request.pk}/", org=world.other_org), {"answer": "accept"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == PartnershipRequest.Status.ACCEPTED
    assert request.decided_by == world.outsider
    assert list(world.org.partners.all()) == [world.other_org]
    assert list(world.other_org.partners.all()) == [world.org]


def test_the_other_admin_declines(world: World) -> None:
    request = _propose(world)
    client_for(world.outsider).post(
        _url(world, f"requests/{request.pk}/", org=world.other_org), {"answer": "decline"}
    )
    request.refresh_from_db()
    assert request.status == PartnershipRequest.Status.DECLINED
    assert not world.org.partners.exists()


def test_the_proposer_cannot_accept_their_own_request(world: World) -> None:
    request = _propose(world)
    response = client_for(world.admin).post(
        _url(world, f"requests/{request.pk}/"), {"answer": "accept"}, follow=True
    )
    assert "Only the organization that was asked can answer" in response.content.decode()
    assert not world.org.partners.exists()


def test_the_proposer_withdraws_and_the_other_cannot(world: World) -> None:
    request = _propose(world)
    response = client_for(world.outsider).post(
        _url(world, f"requests/{request.pk}/", org=world.other_org),
        {"answer": "withdraw"},
        follow=True,
    )
    assert "Only the organization that asked" in response.content.decode()
    client_for(world.admin).post(_url(world, f"requests/{request.pk}/"), {"answer": "withdraw"})
    request.refresh_from_db()
    assert request.status == PartnershipRequest.Status.WITHDRAWN


def test_an_answered_request_cannot_be_answered_again(world: World) -> None:
    request = _propose(world)
    client = client_for(world.outsider)
    url = _url(world, f"requests/{request.pk}/", org=world.other_org)
    client.post(url, {"answer": "decline"})
    response = client.post(url, {"answer": "accept"}, follow=True)
    assert "already declined" in response.content.decode()
    assert not world.org.partners.exists()


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "required"),
        ("Nowhere Inc", "No organization on Tandem is called"),
        ("northwind", "cannot partner with itself"),
        ("x" * 151, "150"),
    ],
)
def test_a_bad_proposal_is_a_form_error(world: World, name: str, error: str) -> None:
    response = client_for(world.admin).post(_url(world), {"organization": name})
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not PartnershipRequest.objects.exists()


def test_asking_twice_or_asking_back_is_refused_clearly(world: World) -> None:
    _propose(world)
    response = client_for(world.admin).post(_url(world), {"organization": "riverside"})
    assert "already asked" in response.content.decode()
    response = client_for(world.outsider).post(
        _url(world, org=world.other_org), {"organization": "northwind"}
    )
    assert "already asked to partner with you" in response.content.decode()
    assert PartnershipRequest.objects.count() == 1


def test_an_existing_partner_cannot_be_asked_again(world: World) -> None:
    world.org.partners.add(world.other_org)
    response = client_for(world.admin).post(_url(world), {"organization": "riverside"})
    assert "already a partner" in response.content.decode()


def test_either_side_ends_a_partnership_and_shared_programs_close(world: World) -> None:
    world.org.partners.add(world.other_org)
    Program.objects.filter(pk=world.program.pk).update(audience=Program.Audience.PARTNERS)
    world.program.partner_organizations.add(world.other_org)
    assert world.program in programs_visible_to(world.outsider)
    response = client_for(world.outsider).post(
        _url(world, f"{world.org.pk}/end/", org=world.other_org)
    )
    assert response.status_code == 302
    assert not world.org.partners.exists()
    assert world.program not in programs_visible_to(world.outsider)


def test_ending_a_partnership_that_does_not_exist_is_missing(world: World) -> None:
    response = client_for(world.admin).post(_url(world, f"{world.other_org.pk}/end/"))
    assert response.status_code == 404


def test_an_unknown_answer_changes_nothing(world: World) -> None:
    request = _propose(world)
    client_for(world.outsider).post(
        _url(world, f"requests/{request.pk}/", org=world.other_org), {"answer": "maybe"}
    )
    request.refresh_from_db()
    assert request.status == PartnershipRequest.Status.PENDING

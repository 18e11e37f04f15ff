"""The pages: delete my account, and an organization admin erasing a leaver."""

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client
from django.urls import reverse

from tandem.accounts.models import Membership, User
from tandem.people.services.erasure import ERASED_NAME, user_is_erased
from tandem.people.tests.erasure_setup import story_of_mia
from tandem.relationships.models import Relationship
from tandem.testing.factories import MembershipFactory
from tandem.testing.fixtures import World, client_for

DELETE = reverse("account_delete")


def _erase_url(world: World, user: User) -> str:
    membership = Membership.objects.get(user=user, organization=world.org)
    return reverse("people:member_erase", args=[world.org.pk, membership.pk])


def _erased(user: User) -> bool:
    return user_is_erased(User.objects.get(pk=user.pk))


def test_the_page_says_what_goes_and_what_stays(world: World) -> None:
    story_of_mia(world)
    page = client_for(world.mentee).get(DELETE).content.decode()
    assert "What is deleted" in page and "What your partners keep" in page
    assert "Former member" in page and "left as they were written" in page
    assert "1 open relationship will close" in page
    assert reverse("relationships:export") in page


def test_the_journal_links_to_it(world: World) -> None:
    page = client_for(world.mentee).get(reverse("relationships:journal")).content.decode()
    assert DELETE in page


@pytest.mark.skipif(
    not apps.is_installed("allauth.account"), reason="the form asks for the password instead"
)
def test_a_session_that_did_not_just_sign_in_must_sign_in_again(world: World) -> None:
    client = Client()
    client.force_login(world.mentee)
    response = client.get(DELETE)
    assert response.status_code == 302
    assert reverse("account_reauthenticate") in response["Location"]
    client.post(DELETE, {"confirm": "delete my account"})
    assert not _erased(world.mentee)


def test_nothing_happens_without_the_typed_confirmation(world: World) -> None:
    client = client_for(world.mentee)
    response = client.post(DELETE, {"confirm": "yes", "password": "wrong"})
    assert response.status_code == 200
    assert "exactly" in response.content.decode()
    assert not _erased(world.mentee)


def test_deleting_my_account_erases_me_signs_me_out_and_says_goodbye(
    world: World, django_capture_on_commit_callbacks
) -> None:
    story = story_of_mia(world)
    address = world.mentee.email
    client = client_for(world.mentee)
    data = {"confirm": "Delete my account", "password": "correct horse battery"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DELETE, data)
    assert response.status_code == 302
    assert _erased(world.mentee)
    assert any(m.to == [address] and "deleted" in m.subject for m in mail.outbox)
    # Signed out: private pages ask to sign in again.
    assert client.get(reverse("relationships:list")).status_code == 302
    # Mo still reads what they shared, under the former member's name.
    page = client_for(world.mentor).get(
        reverse("relationships:detail", args=[story.relationship.pk])
    )
    assert page.status_code == 200
    assert ERASED_NAME in page.content.decode()


def test_an_org_admin_erases_a_leaver_with_a_reason(
    world: World, django_capture_on_commit_callbacks
) -> None:
    story_of_mia(world)
    url = _erase_url(world, world.mentee)
    admin = client_for(world.admin)
    page = admin.get(url).content.decode()
    assert "Erase Mia Santos" in page
    response = admin.post(url, {"reason": "", "confirm": "erase"})
    assert response.status_code == 200 and not _erased(world.mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"reason": "Asked by e-mail on 3 March", "confirm": "erase"})
    assert response.status_code == 302
    assert _erased(world.mentee)
    assert any("administrator" in m.body for m in mail.outbox if "deleted" in m.subject)


def test_only_admins_of_the_organization_reach_the_page(world: World) -> None:
    url = _erase_url(world, world.mentee)
    for person in (world.outsider, world.member, world.mentor):
        client = client_for(person)
        assert client.get(url).status_code == 404, person.email
        assert client.post(url, {"reason": "x", "confirm": "erase"}).status_code == 404
    # A membership of another organization, reached through this organization's address.
    theirs = Membership.objects.get(user=world.outsider)
    foreign = reverse("people:member_erase", args=[world.org.pk, theirs.pk])
    assert client_for(world.admin).get(foreign).status_code == 404
    assert not any(_erased(u) for u in (world.mentee, world.outsider))


def test_an_admin_cannot_erase_themselves_or_site_staff_here(world: World) -> None:
    admin = client_for(world.admin)
    own = _erase_url(world, world.admin)
    assert "Delete my account" in admin.get(own).content.decode()
    assert admin.post(own, {"reason": "x", "confirm": "erase"}).status_code == 403
    User.objects.filter(pk=world.member.pk).update(is_staff=True)
    staff = _erase_url(world, world.member)
    assert "site staff" in admin.get(staff).content.decode()
    assert admin.post(staff, {"reason": "x", "confirm": "erase"}).status_code == 403
    assert not _erased(world.admin) and not _erased(world.member)


def test_a_member_of_another_organization_only_leaves_this_one(world: World) -> None:
    story = story_of_mia(world)
    MembershipFactory.create(user=world.mentee, organization=world.other_org)
    url = _erase_url(world, world.mentee)
    admin = client_for(world.admin)
    page = admin.get(url).content.decode()
    assert "also belongs to another organization" in page
    assert "Riverside" not in page  # which one is none of this admin's business
    response = admin.post(url, {"reason": "Left the agency", "confirm": "erase"})
    assert response.status_code == 302
    assert not _erased(world.mentee)
    assert Membership.objects.get(user=world.mentee, organization=world.org).status == "alumni"
    story.relationship.refresh_from_db()
    assert story.relationship.status == Relationship.Status.CLOSED


def test_the_member_page_offers_erasure_but_not_for_oneself(world: World) -> None:
    admin = client_for(world.admin)
    mia = Membership.objects.get(user=world.mentee)
    page = admin.get(reverse("people:member", args=[world.org.pk, mia.pk])).content.decode()
    assert _erase_url(world, world.mentee) in page
    own = Membership.objects.get(user=world.admin)
    page = admin.get(reverse("people:member", args=[world.org.pk, own.pk])).content.decode()
    assert _erase_url(world, world.admin) not in page

"""Open sign-up: anyone at an organization's domain, once the address is confirmed."""

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from tandem.accounts.models import Membership, User
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

NEW = {"full_name": "Nia Brooks", "email": "nia@northwind.test", "password": "gentle river 42"}


@pytest.fixture
def open_world(world: World) -> World:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    return world


def _sign_up(data: dict[str, str], capture: Any) -> tuple[Client, str]:
    client = Client()
    with capture(execute=True):
        response = client.post("/accounts/signup/", data)
    return client, response.content.decode()


def _link(body: object) -> str:
    match = re.search(r"http://[^/\s]+(/accounts/confirm/\S+/)", str(body))
    assert match, body
    return match.group(1)


def test_sign_up_sends_a_confirmation_and_the_link_joins_the_organization(
    open_world: World, django_capture_on_commit_callbacks
) -> None:
    client, page = _sign_up(NEW, django_capture_on_commit_callbacks)
    assert "Check your inbox" in page
    user = User.objects.get(email="nia@northwind.test")
    assert not user.is_active
    assert not Membership.objects.filter(user=user).exists()
    assert (
        Client()
        .post("/accounts/login/", {"email": NEW["email"], "password": NEW["password"]})
        .status_code
        == 200
    )

    response = client.get(_link(mail.outbox[-1].body))
    assert response["Location"] == "/"
    user.refresh_from_db()
    assert user.is_active and user.email_confirmed_at is not None
    assert Membership.objects.filter(user=user, organization=open_world.org).exists()
    assert open_world.program.name in client.get("/").content.decode()


def test_a_confirmation_link_works_once(
    open_world: World, django_capture_on_commit_callbacks
) -> None:
    client, _ = _sign_up(NEW, django_capture_on_commit_callbacks)
    link = _link(str(mail.outbox[-1].body))
    client.get(link)
    assert Client().get(link).status_code == 400
    assert Client().get("/accounts/confirm/bm9wZQ/nonsense/").status_code == 400


def test_signing_up_with_a_taken_address_reveals_nothing_and_mails_the_owner(
    open_world: World, django_capture_on_commit_callbacks
) -> None:
    owner = open_world.mentee
    owner.email_confirmed_at = owner.date_joined
    owner.save()
    _, page = _sign_up(
        {**NEW, "email": "MIA.MENTEE@northwind.test"}, django_capture_on_commit_callbacks
    )
    assert "Check your inbox" in page
    assert mail.outbox[-1].to == ["mia.mentee@northwind.test"]
    assert "already have one" in mail.outbox[-1].body
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert owner.full_name == "Mia Santos"


def test_an_unconfirmed_sign_up_does_not_reserve_the_address(
    open_world: World, django_capture_on_commit_callbacks
) -> None:
    _sign_up({**NEW, "full_name": "Squatter"}, django_capture_on_commit_callbacks)
    client, _ = _sign_up(NEW, django_capture_on_commit_callbacks)
    client.get(_link(mail.outbox[-1].body))
    user = User.objects.get(email="nia@northwind.test")
    assert user.full_name == "Nia Brooks"
    assert user.check_password(NEW["password"])


def test_sign_up_with_an_unknown_domain_explains_what_to_do(world: World) -> None:
    response = Client().post("/accounts/signup/", {**NEW, "email": "nia@elsewhere.test"})
    page = response.content.decode()
    assert "Ask your program admin for an invitation link" in page
    assert 'value="Nia Brooks"' in page
    assert not User.objects.filter(email="nia@elsewhere.test").exists()


def test_sign_up_refuses_a_weak_password_next_to_the_field(open_world: World) -> None:
    response = Client().post("/accounts/signup/", {**NEW, "password": "12345678"})
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(email="nia@northwind.test").exists()


def test_password_reset_mails_a_link_that_sets_a_new_password(
    world: World,
) -> None:
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "Mia.Mentee@northwind.test"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    path = re.search(r"http://[^/\s]+(/accounts/password/reset/\S+/)", str(mail.outbox[-1].body))
    assert path
    form_page = client.get(path.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand new harbour", "new_password2": "brand new harbour"},
    )
    world.mentee.refresh_from_db()
    assert world.mentee.check_password("brand new harbour")

"""Open sign-up: anyone at an organization's domain, once they prove the address."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tandem.accounts.models import Membership, User
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

# Sign-in e-mails go out through the task worker, which runs after each request here.
pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

NEW = {"full_name": "Nia Brooks", "email": "nia@northwind.test", "password1": "gentle river 42"}


@pytest.fixture
def open_world(world: World) -> World:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    return world


def code_in(message: mail.EmailMessage) -> str:
    """Return the verification code an e-mail carries."""
    match = re.search(r"Your code: (\S+)", str(message.body))
    assert match, message.body
    return match.group(1)


def same_page(page: str, email: str) -> str:
    """Return a page without what differs between any two visitors: address, CSRF token."""
    return re.sub(r'value="\w{64}"', "", page.replace(email, "X"))


def sign_up(client: Client, data: dict[str, str]) -> str:
    response = client.post("/accounts/signup/", data)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/accounts/confirm-email/"
    return client.get(response["Location"]).content.decode()


def test_sign_up_asks_for_a_code_and_the_code_joins_the_organization(open_world: World) -> None:
    client = Client()
    page = sign_up(client, NEW)
    assert "nia@northwind.test" in page
    user = User.objects.get(email="nia@northwind.test")
    assert user.full_name == "Nia Brooks"
    assert not EmailAddress.objects.get(user=user).verified
    assert not Membership.objects.filter(user=user).exists()
    assert client.get("/").context["user"].is_anonymous

    response = client.post("/accounts/confirm-email/", {"code": code_in(mail.outbox[-1])})
    assert response["Location"] == "/"
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary
    assert Membership.objects.filter(user=user, organization=open_world.org).exists()
    assert client.get("/").context["user"] == user
    assert open_world.program.name in client.get("/").content.decode()


def test_an_unproven_account_cannot_sign_in_with_its_password(open_world: World) -> None:
    sign_up(Client(), NEW)
    cache.clear()  # Later than the pause allauth keeps between two codes for one address.
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": NEW["email"], "password": NEW["password1"]}
    )
    # A sign-in asks for a fresh code first, and lets nobody in without it.
    assert response["Location"] == "/accounts/confirm-email/"
    assert client.get("/").context["user"].is_anonymous


def test_a_wrong_code_does_not_verify_and_three_wrong_codes_end_the_attempt(
    open_world: World,
) -> None:
    client = Client()
    sign_up(client, NEW)
    for _ in range(3):
        client.post("/accounts/confirm-email/", {"code": "WRONG1"})
    right = code_in(mail.outbox[-1])
    client.post("/accounts/confirm-email/", {"code": right})
    assert not EmailAddress.objects.filter(email=NEW["email"], verified=True).exists()
    assert client.get("/").context["user"].is_anonymous


def test_signing_up_with_a_taken_address_reveals_nothing_and_mails_the_owner(
    open_world: World,
) -> None:
    taken = sign_up(Client(), {**NEW, "email": "MIA.MENTEE@northwind.test"})
    fresh = sign_up(Client(), NEW)
    # Both answers are the same page, with only the address (and the CSRF token) differing.
    assert same_page(taken, "mia.mentee@northwind.test") == same_page(fresh, NEW["email"])
    owner_mail, new_mail = mail.outbox[-2:]
    assert owner_mail.to == ["mia.mentee@northwind.test"]
    assert "already exists" in owner_mail.body
    assert new_mail.to == [NEW["email"]]
    owner = open_world.mentee
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert owner.full_name == "Mia Santos"


def test_sign_up_with_an_unknown_domain_explains_what_to_do(world: World) -> None:
    response = Client().post("/accounts/signup/", {**NEW, "email": "nia@elsewhere.test"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ask your program admin for an invitation link" in page
    assert 'value="Nia Brooks"' in page
    assert not User.objects.filter(email="nia@elsewhere.test").exists()
    assert not mail.outbox


def test_sign_up_refuses_a_weak_password_next_to_the_field(open_world: World) -> None:
    response = Client().post("/accounts/signup/", {**NEW, "password1": "12345678"})
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="nia@northwind.test").exists()


def test_sign_up_page_asks_for_name_address_and_password(db: None) -> None:
    page = Client().get("/accounts/signup/").content.decode()
    for label in ("Full name", "Work e-mail address", "Password"):
        assert label in page


def test_password_reset_mails_a_link_that_sets_a_new_password(world: World) -> None:
    client = Client()
    response = client.post("/accounts/password/reset/", {"email": "Mia.Mentee@northwind.test"})
    assert response["Location"] == "/accounts/password/reset/done/"
    path = re.search(
        r"http://[^/\s]+(/accounts/password/reset/key/\S+/)", str(mail.outbox[-1].body)
    )
    assert path, mail.outbox[-1].body
    form_page = client.get(path.group(1), follow=True)
    assert client.get("/").context["user"].is_anonymous
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "brand new harbour", "password2": "brand new harbour"},
    )
    world.mentee.refresh_from_db()
    assert world.mentee.check_password("brand new harbour")
    # The reset link proves the mailbox but does not sign anyone in.
    assert client.get("/").context["user"].is_anonymous

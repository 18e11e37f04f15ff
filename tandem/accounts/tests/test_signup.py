from django.test import Client

from tandem.accounts.models import Membership, User
from tandem.testing.fixtures import World


def test_sign_up_with_an_organization_domain_joins_that_organization(world: World) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {"full_name": "Nia Brooks", "email": "nia@northwind.test", "password": "gentle river 42"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nia@northwind.test")
    assert Membership.objects.filter(user=user, organization=world.org).exists()
    assert world.program.name in client.get("/").content.decode()


def test_sign_up_with_an_unknown_domain_explains_what_to_do(world: World) -> None:
    response = Client().post(
        "/accounts/signup/",
        {"full_name": "Nia Brooks", "email": "nia@elsewhere.test", "password": "gentle river 42"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ask your program admin for an invitation link" in page
    assert 'value="Nia Brooks"' in page
    assert not User.objects.filter(email="nia@elsewhere.test").exists()


def test_sign_up_refuses_a_weak_password_next_to_the_field(world: World) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    response = Client().post(
        "/accounts/signup/",
        {"full_name": "Nia Brooks", "email": "nia@northwind.test", "password": "12345678"},
    )
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(email="nia@northwind.test").exists()


def test_sign_up_with_a_taken_address_says_so(world: World) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    response = Client().post(
        "/accounts/signup/",
        {"full_name": "Mia", "email": "MIA.MENTEE@northwind.test", "password": "gentle river 42"},
    )
    assert "already exists" in response.context["form"].errors["email"][0]

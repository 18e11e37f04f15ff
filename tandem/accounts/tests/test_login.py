import pytest
from django.test import Client

from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World


def test_sign_in_with_email_in_any_case(world: World) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"email": "MIA.Mentee@Northwind.test", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/").context["user"] == world.mentee


def test_wrong_password_shows_an_error_and_keeps_the_address(world: World) -> None:
    response = Client().post(
        "/accounts/login/", {"email": "mia.mentee@northwind.test", "password": "nope"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "do not match an account" in page
    assert 'value="mia.mentee@northwind.test"' in page


def test_sign_in_returns_to_the_page_asked_for(world: World) -> None:
    target = f"/programs/{world.program.pk}/"
    response = Client().post(
        f"/accounts/login/?next={target}",
        {"email": "mia.mentee@northwind.test", "password": PASSWORD, "next": target},
    )
    assert response["Location"] == target


def test_sign_in_ignores_an_offsite_next(world: World) -> None:
    response = Client().post(
        "/accounts/login/",
        {"email": world.mentee.email, "password": PASSWORD, "next": "https://evil.test/"},
    )
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_sign_out_needs_post_and_ends_the_session(world: World) -> None:
    client = Client()
    client.force_login(world.mentee)
    assert client.get("/accounts/logout/").status_code == 405
    client.post("/accounts/logout/")
    assert client.get(f"/programs/{world.program.pk}/").status_code == 302

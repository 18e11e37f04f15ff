"""Sign-in by e-mail address and password through allauth."""

import pytest
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.test import Client

from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World


def _sign_in(client: Client, email: str, password: str, next_url: str = "") -> object:
    path = f"/accounts/login/?next={next_url}" if next_url else "/accounts/login/"
    return client.post(path, {"login": email, "password": password})


def test_sign_in_with_email_in_any_case(world: World) -> None:
    client = Client()
    response = _sign_in(client, "MIA.Mentee@Northwind.test", PASSWORD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/").context["user"] == world.mentee
    world.mentee.refresh_from_db()
    assert world.mentee.last_login is not None


def test_the_sign_in_page_asks_for_the_address_and_password(db: None) -> None:
    page = Client().get("/accounts/login/").content.decode()
    assert "E-mail address" in page and "Password" in page
    assert "Forgot your password?" in page
    assert "Create an account" in page


def test_wrong_password_shows_an_error_and_keeps_the_address(world: World) -> None:
    client = Client()
    response = _sign_in(client, "mia.mentee@northwind.test", "nope")
    page = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert "not correct" in page
    assert 'value="mia.mentee@northwind.test"' in page
    assert client.get("/").context["user"].is_anonymous


def test_sign_in_returns_to_the_page_asked_for(world: World) -> None:
    target = f"/programs/{world.program.pk}/"
    response = _sign_in(Client(), "mia.mentee@northwind.test", PASSWORD, next_url=target)
    assert response["Location"] == target  # type: ignore[index]


def test_sign_in_ignores_an_offsite_next(world: World) -> None:
    response = _sign_in(Client(), world.mentee.email, PASSWORD, next_url="https://evil.test/")
    assert response["Location"] == "/"  # type: ignore[index]


def test_sign_in_and_its_failures_send_the_signals_the_security_log_hears(
    world: World,
) -> None:
    heard: list[str] = []

    def on_login(sender: object, user: object, **kwargs: object) -> None:
        heard.append(f"in:{user}")

    def on_failure(sender: object, credentials: dict[str, str], **kwargs: object) -> None:
        heard.append(f"failed:{credentials.get('email')}")

    user_logged_in.connect(on_login, weak=False, dispatch_uid="test-login")
    user_login_failed.connect(on_failure, weak=False, dispatch_uid="test-failure")
    try:
        _sign_in(Client(), world.mentee.email, "nope")
        _sign_in(Client(), world.mentee.email, PASSWORD)
    finally:
        user_logged_in.disconnect(dispatch_uid="test-login")
        user_login_failed.disconnect(dispatch_uid="test-failure")
    assert heard == [f"failed:{world.mentee.email}", f"in:{world.mentee}"]


@pytest.mark.django_db
def test_sign_out_needs_post_and_ends_the_session(world: World) -> None:
    client = Client()
    client.force_login(world.mentee)
    client.get("/accounts/logout/")
    assert client.get("/").context["user"] == world.mentee
    client.post("/accounts/logout/")
    assert client.get(f"/programs/{world.program.pk}/").status_code == 302


def test_an_inactive_person_cannot_sign_in(world: World) -> None:
    world.mentee.is_active = False
    world.mentee.save(update_fields=["is_active"])
    client = Client()
    _sign_in(client, world.mentee.email, PASSWORD)
    assert client.get("/").context["user"].is_anonymous

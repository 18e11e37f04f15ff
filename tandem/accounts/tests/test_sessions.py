"""Sessions: an idle timeout, a fresh password before the export, and nothing cached."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts import middleware
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World, client_for


def _signed_in(world: World) -> Client:
    client = Client()
    client.post("/accounts/login/", {"login": world.mentee.email, "password": PASSWORD})
    return client


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def test_a_session_ends_after_an_hour_without_a_request(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = _signed_in(world)
    expires = _session(client).expire_date
    assert timedelta(minutes=59) < expires - timezone.now() <= timedelta(minutes=60)

    # A request a minute or more after the last one pushes the end an hour past it.
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    later = time.time() + middleware.SESSION_TOUCH_SECONDS
    monkeypatch.setattr(middleware, "_now", lambda: later)
    assert client.get("/relationships/journal/").status_code == 200
    assert _session(client).expire_date - timezone.now() > timedelta(minutes=59)

    # An hour idle, and the person is signed out.
    Session.objects.filter(pk=_session(client).pk).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/relationships/journal/")
    assert response["Location"].startswith("/accounts/login/")


def test_the_session_cookie_lasts_only_as_long_as_the_browser(world: World) -> None:
    client = _signed_in(world)
    assert client.cookies["sessionid"]["max-age"] == ""
    assert client.cookies["sessionid"]["httponly"]


def test_the_data_export_asks_for_the_password_again(world: World) -> None:
    client = _signed_in(world)
    response = client.get("/relationships/my-data.json")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert "my-data.json" in response["Location"]

    wrong = client.post(response["Location"], {"password": "not it"})
    assert wrong.status_code == 200
    assert client.get("/relationships/my-data.json").status_code == 302

    back = client.post(response["Location"], {"password": PASSWORD})
    assert back["Location"] == "/relationships/my-data.json"
    export = client.get("/relationships/my-data.json")
    assert export.status_code == 200
    assert export["Content-Disposition"] == 'attachment; filename="tandem-my-data.json"'
    assert "no-store" in export["Cache-Control"]


def test_private_pages_and_the_sign_in_page_are_never_stored(world: World) -> None:
    client = client_for(world.mentee)
    for path in ("/", "/relationships/journal/", "/accounts/2fa/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path
    assert "no-store" in Client().get("/accounts/login/")["Cache-Control"]


def test_changing_the_password_asks_for_the_current_one(world: World) -> None:
    client = _signed_in(world)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "not it", "password1": "new harbour 77", "password2": "new harbour 77"},
    )
    assert response.status_code == 200
    world.mentee.refresh_from_db()
    assert world.mentee.check_password(PASSWORD)


def test_requests_within_a_minute_do_not_write_the_session(world: World) -> None:
    client = _signed_in(world)
    client.get("/relationships/journal/")
    before = _session(client).expire_date
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/relationships/journal/").status_code == 200
    assert not [
        q for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session')
    ]
    assert _session(client).expire_date == before

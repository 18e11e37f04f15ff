"""A NUL character, which no database column stores, is refused with a message, never a 500."""

from django.test import Client
from django.urls import reverse

from tandem.relationships.models import JournalEntry
from tandem.testing.fixtures import World, client_for


def test_a_nul_in_an_address_or_query_gets_a_plain_400(world: World) -> None:
    for url in (
        reverse("relationships:feed", args=["abc\x00def"]),
        reverse("accounts:invitation", args=["\x00"]),
        reverse("relationships:directory", args=[world.program.pk]) + "?topic=%00",
        reverse("home") + "?next=%2F%00",
    ):
        response = client_for(world.mentee).get(url)
        assert response.status_code == 400, url
        assert response["Content-Type"].startswith("text/plain")
        assert "NUL character" in response.content.decode()


def test_a_nul_in_a_form_field_gets_a_message_beside_the_field(world: World) -> None:
    response = client_for(world.mentee).post(
        reverse("relationships:journal"), {"title": "Week one", "body": "Calm\x00 at last"}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
    assert not JournalEntry.objects.exists()


def test_a_nul_in_a_sign_in_gets_a_message(world: World) -> None:
    response = Client().post(
        reverse("account_login"), {"login": "mia.mentee@northwind.test\x00", "password": "x"}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()

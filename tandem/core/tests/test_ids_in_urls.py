import pytest
from django.test import Client

from tandem.testing.fixtures import World, client_for

LONG_ID = "9" * 20


@pytest.mark.parametrize(
    "url",
    [
        f"/organizations/{LONG_ID}/",
        f"/organizations/{LONG_ID}/members/1/erase/",
        f"/programs/{LONG_ID}/",
        f"/relationships/{LONG_ID}/",
        f"/matching/rounds/{LONG_ID}/",
    ],
)
def test_an_id_too_long_for_any_row_is_not_found(world: World, url: str) -> None:
    client: Client = client_for(world.admin)
    assert client.get(url).status_code == 404
    assert client.post(url, {"x": "1"}).status_code == 404


def test_the_longest_id_a_row_can_have_is_still_looked_up(world: World) -> None:
    client: Client = client_for(world.admin)
    response = client.get(f"/organizations/{'9' * 18}/")
    assert response.status_code == 404
    assert client.get(f"/organizations/{world.org.pk}/").status_code == 200

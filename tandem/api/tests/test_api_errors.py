"""Every answer of the API is JSON in one shape, whatever goes wrong; its docs need no token."""

from django.test import Client

from tandem.api.tests.conftest import assert_error, personal_client
from tandem.testing.fixtures import World


def test_unknown_addresses_wrong_methods_and_bad_bodies_answer_json(world: World) -> None:
    api = personal_client(world.mentee)
    assert_error(api.get("/no/such/thing"), 404)
    wrong = api.client.delete("/api/v1/me")
    assert_error(wrong, 405)
    assert wrong["Allow"] == "GET"
    broken = api.client.post("/api/v1/requests", "{not json", content_type="application/json")
    assert broken.status_code in (400, 422)
    assert_error(broken, broken.status_code)
    assert_error(api.post("/requests", ["a", "list"]), 422)


def test_schema_and_docs_are_served_from_this_site(db: None) -> None:
    client = Client()
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/requests" in paths and "/api/v1/rounds/{round_id}/publish" in paths
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    # No CDN: the strict Content-Security-Policy allows scripts and styles from here only.
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_the_apis_address_says_where_its_reference_is(client: Client) -> None:
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "docs": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
    }
    assert (
        client.get(response.json()["openapi"].removeprefix("http://testserver")).status_code == 200
    )


def test_a_nul_character_in_an_api_address_answers_json(world: World) -> None:
    api = personal_client(world.mentee)
    for path in ("/programs/%00/", "/me?q=%00", "/no/such%00thing"):
        body = assert_error(api.client.get(f"/api/v1{path}"), 400)
        assert "NUL character" in body["detail"]
    assert_error(Client().get("/api/v1/%00"), 400)
    # The pages keep their plain-text answer, the token pages under /api/ among them.
    for path in ("/programs/%00/", "/api/tokens/%00/"):
        page = Client().get(path)
        assert page.status_code == 400 and page["Content-Type"].startswith("text/plain")

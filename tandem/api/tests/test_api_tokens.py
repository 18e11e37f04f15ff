"""Personal and service tokens: made once, hashed, scoped, expiring, revocable, rate limited."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.api.models import ApiToken
from tandem.api.services import personal_token_create
from tandem.api.tests.conftest import ApiClient, assert_error, personal_client, service_client
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for


def test_person_makes_a_token_on_their_account_page_and_sees_it_once(world: World) -> None:
    client = client_for(world.mentee)
    page = client.post(
        reverse("api:tokens"), {"name": "Reporting script", "scope": "read", "expires_on": ""}
    )
    assert page.status_code == 200
    token = ApiToken.objects.get(user=world.mentee)
    html = page.content.decode()
    secret = html.split('id="api-secret" value="')[1].split('"')[0]
    assert secret.startswith("tdm_pat_") and secret.startswith(token.prefix)
    # Only a hash is kept; the secret is in no column.
    assert token.secret_hash == ApiToken.hash_secret(secret)
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert "no-store" in page["Cache-Control"]
    # The list shows the prefix, never the secret again.
    again = client.get(reverse("api:tokens")).content.decode()
    assert token.prefix in again and secret not in again
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.API_TOKEN_CREATED, user=world.mentee
    ).exists()
    me = ApiClient(secret).get("/me")
    assert me.status_code == 200
    assert me.json()["id"] == world.mentee.pk
    assert me.json()["token"] == {
        "name": "Reporting script",
        "kind": "personal",
        "scope": "read",
        "expires_at": None,
        "organization_id": None,
    }


def test_token_form_names_the_field_it_refuses(world: World) -> None:
    client = client_for(world.mentee)
    personal_token_create(user=world.mentee, name="Taken", scope="read")
    for data, field_text in [
        ({"name": "", "scope": "read"}, "This field is required"),
        ({"name": "taken", "scope": "read"}, "already exists"),
        ({"name": "x", "scope": "admin"}, "Select a valid choice"),
        ({"name": "x", "scope": "read", "expires_on": "2001-01-01"}, "after today"),
        ({"name": "x", "scope": "read", "expires_on": "2999-01-01"}, "at most a year"),
        ({"name": "x", "scope": "read", "expires_on": "soon"}, "Enter a valid date"),
    ]:
        page = client.post(reverse("api:tokens"), data)
        assert page.status_code == 200
        assert field_text in page.content.decode(), data
    assert ApiToken.objects.filter(user=world.mentee).count() == 1


def test_revoked_expired_unknown_and_missing_tokens_get_401_json(world: World) -> None:
    token, secret = personal_token_create(user=world.mentee, name="t", scope="read")
    api = ApiClient(secret)
    assert api.get("/me").status_code == 200
    client = client_for(world.mentee)
    confirm = client.get(reverse("api:token_revoke", args=[token.pk]))
    assert confirm.status_code == 200
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.API_TOKEN_REVOKED).exists()
    body = assert_error(api.get("/me"), 401)
    assert "revoked" in body["detail"]

    expiring, secret = personal_token_create(
        user=world.mentee,
        name="e",
        scope="read",
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
    )
    assert ApiClient(secret).get("/me").status_code == 200
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now())
    assert_error(ApiClient(secret).get("/me"), 401)

    assert_error(ApiClient("tdm_pat_nope").get("/me"), 401)
    assert_error(ApiClient("").get("/me"), 401)
    response = ApiClient("x" * 5000).get("/me")
    assert_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_someone_elses_token(world: World) -> None:
    token, _ = personal_token_create(user=world.mentee, name="mine", scope="read")
    client = client_for(world.mentor)
    assert client.post(reverse("api:token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_read_token_may_not_write(ready: World) -> None:
    api = personal_client(ready.mentee, scope="read")
    body = assert_error(api.post("/requests", {}), 403)
    assert "only read" in body["detail"]


def test_service_token_is_made_by_org_admins_only_and_logged(world: World) -> None:
    url = reverse("api:service_tokens", args=[world.org.pk])
    assert client_for(world.mentor).get(url).status_code == 404
    assert client_for(world.outsider).get(url).status_code == 404
    page = client_for(world.admin).post(url, {"name": "HR sync", "scope": "write"})
    assert page.status_code == 200
    token = ApiToken.objects.get(organization=world.org)
    assert token.user is None and token.created_by == world.admin
    secret = page.content.decode().split('id="api-secret" value="')[1].split('"')[0]
    assert secret.startswith("tdm_svc_")
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.API_TOKEN_CREATED)
    assert event.organization == world.org and event.detail["kind"] == "service"
    me = ApiClient(secret).get("/me").json()
    assert me["token"]["kind"] == "service" and me["email"] is None
    # Another organization's admin cannot revoke it.
    revoke = reverse("api:service_token_revoke", args=[world.org.pk, token.pk])
    assert client_for(world.outsider).post(revoke).status_code == 404
    assert client_for(world.admin).post(revoke).status_code == 302
    assert_error(ApiClient(secret).get("/me"), 401)


def test_service_token_stops_when_its_maker_is_no_longer_admin(world: World) -> None:
    api = service_client(world.org, world.admin)
    assert api.get("/me").status_code == 200
    Membership.objects.filter(user=world.admin, organization=world.org).update(
        role=Membership.Role.MEMBER
    )
    assert_error(api.get("/me"), 401)


def test_each_token_is_rate_limited(world: World, settings: pytest.FixtureRequest) -> None:
    settings.API_RATE_LIMIT = "3/m/key"  # type: ignore[attr-defined]
    api = personal_client(world.mentee, scope="read")
    other = personal_client(world.mentor, scope="read")
    for _ in range(3):
        assert api.get("/me").status_code == 200
    response = api.get("/me")
    assert_error(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert other.get("/me").status_code == 200

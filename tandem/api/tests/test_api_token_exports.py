"""Token lists as downloads: names, scopes and dates, never a token's secret or hash."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tandem.api.models import ApiToken
from tandem.api.services import api_token_revoke, personal_token_create, service_token_create
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

HEADERS = [
    "Name",
    "Scope",
    "Created (UTC)",
    "Created by",
    "Expires (UTC)",
    "Last used (UTC)",
    "Revoked (UTC)",
]


def _rows(response: object) -> tuple[str, list[list[str]]]:
    text = response.content.decode("utf-8-sig")  # type: ignore[attr-defined]
    return text, list(csv.reader(io.StringIO(text)))


def test_a_person_downloads_their_own_tokens_only(world: World) -> None:
    mine, secret = personal_token_create(user=world.mentee, name="Laptop script", scope="read")
    old, _ = personal_token_create(user=world.mentee, name="Old script", scope="write")
    api_token_revoke(token=old, by=world.mentee)
    theirs, _ = personal_token_create(user=world.mentor, name="Mentor's script", scope="read")
    client = client_for(world.mentee)
    page = client.get(reverse("api:tokens"))
    assert reverse("api:tokens_export", args=["csv"]) in page.content.decode()
    response = client.get(reverse("api:tokens_export", args=["csv"]))
    assert response.status_code == 200
    text, rows = _rows(response)
    assert rows[0] == HEADERS
    assert [row[:2] for row in rows[1:]] == [
        ["Laptop script", "Read only"],
        ["Old script", "Read and write"],
    ]
    assert rows[2][6] and not rows[1][6]  # the revoked one says when
    assert "Mentor's script" not in text
    for token in (mine, old):
        assert token.secret_hash not in text and token.prefix not in text
    assert secret not in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.user == world.mentee and event.detail["what"] == "api-tokens"
    assert event.detail["rows"] == 2
    xlsx = client.get(reverse("api:tokens_export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(reverse("api:tokens_export", args=["pdf"])).status_code == 404
    assert theirs.revoked_at is None


def test_an_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    assert Client().get(reverse("api:tokens_export", args=["csv"])).status_code == 302


def _service_url(world: World, file_format: str = "csv") -> str:
    return reverse("api:service_tokens_export", args=[world.org.pk, file_format])


def test_the_org_admin_downloads_the_service_tokens(world: World) -> None:
    token, secret = service_token_create(
        organization=world.org, name="HR sync", scope="write", created_by=world.admin
    )
    service_token_create(
        organization=world.other_org, name="Riverside sync", scope="read", created_by=world.outsider
    )
    client = client_for(world.admin)
    page = client.get(reverse("api:service_tokens", args=[world.org.pk]))
    assert _service_url(world) in page.content.decode()
    text, rows = _rows(client.get(_service_url(world)))
    assert rows[0] == HEADERS
    assert rows[1][:2] == ["HR sync", "Read and write"] and rows[1][3] == world.admin.full_name
    assert len(rows) == 2 and "Riverside" not in text
    assert secret not in text and token.secret_hash not in text and token.prefix not in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.organization_id == world.org.pk and event.detail["what"] == "api-service-tokens"


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_nobody_else_downloads_the_service_tokens(world: World, who: str) -> None:
    service_token_create(
        organization=world.org, name="HR sync", scope="read", created_by=world.admin
    )
    response = client_for(getattr(world, who)).get(_service_url(world))
    assert response.status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()
    assert ApiToken.objects.count() == 1

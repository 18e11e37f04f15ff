"""Making and revoking a SCIM token: a confirmation first, and an entry in the security log."""

import pytest
from django.urls import reverse

from tandem.people.models import ScimToken
from tandem.people.services.scim import scim_token_create
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db
Kind = SecurityEvent.Kind


def _revoke_url(world: World, token: ScimToken) -> str:
    return reverse("people:scim_token_revoke", args=[world.org.pk, token.pk])


def test_making_a_token_is_logged_with_its_name_never_its_secret(world: World) -> None:
    admin = client_for(world.admin)

    response = admin.post(reverse("people:scim_tokens", args=[world.org.pk]), {"name": "Okta"})

    assert response.status_code == 200
    secret = response.context["secret"]
    event = SecurityEvent.objects.get(kind=Kind.SCIM_TOKEN_CREATED)
    assert (event.user, event.organization, event.detail) == (
        world.admin,
        world.org,
        {"name": "Okta"},
    )
    assert secret not in str(event.detail)
    log = admin.get(reverse("people:security", args=[world.org.pk])).content.decode()
    assert "Made a provisioning token" in log and "“Okta”" in log
    assert secret not in log


def test_revoking_asks_first_and_changes_nothing_until_confirmed(world: World) -> None:
    token, _ = scim_token_create(organization=world.org, name="Entra ID", created_by=None)
    admin = client_for(world.admin)

    page = admin.get(_revoke_url(world, token))

    assert page.status_code == 200
    assert "Revoke the token “Entra ID”?" in page.content.decode()
    assert 'method="post"' in page.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
    assert not SecurityEvent.objects.filter(kind=Kind.SCIM_TOKEN_REVOKED).exists()


def test_confirming_revokes_and_logs_who_did_it(world: World) -> None:
    token, _ = scim_token_create(organization=world.org, name="Entra ID", created_by=None)
    admin = client_for(world.admin)

    response = admin.post(_revoke_url(world, token))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = SecurityEvent.objects.get(kind=Kind.SCIM_TOKEN_REVOKED)
    assert (event.user, event.organization, event.detail) == (
        world.admin,
        world.org,
        {"name": "Entra ID"},
    )
    log = admin.get(reverse("people:security", args=[world.org.pk])).content.decode()
    assert "Revoked a provisioning token" in log
    # A second confirmation of the same token changes and logs nothing more.
    again = admin.post(_revoke_url(world, token))
    assert again.status_code == 302
    assert SecurityEvent.objects.filter(kind=Kind.SCIM_TOKEN_REVOKED).count() == 1


def test_the_tokens_page_links_to_the_confirmation_instead_of_revoking(world: World) -> None:
    token, _ = scim_token_create(organization=world.org, name="Okta", created_by=None)

    page = client_for(world.admin).get(reverse("people:scim_tokens", args=[world.org.pk]))

    assert f'href="{_revoke_url(world, token)}"' in page.content.decode()
    assert f'action="{_revoke_url(world, token)}"' not in page.content.decode()


def test_others_cannot_open_the_confirmation(world: World) -> None:
    token, _ = scim_token_create(organization=world.org, name="Okta", created_by=None)

    assert client_for(world.member).get(_revoke_url(world, token)).status_code == 404
    assert client_for(world.outsider).post(_revoke_url(world, token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

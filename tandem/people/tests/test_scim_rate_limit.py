"""Each SCIM token may call so often; past that, 429 in SCIM's format with Retry-After."""

import pytest
from django.core.cache import cache

from tandem.accounts.models import Membership
from tandem.people.tests.scim_setup import USER, northwind_provider, provider_for, scim_error
from tandem.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_limit(settings: object) -> None:
    settings.SCIM_RATE_LIMIT = "3/m/key"  # type: ignore[attr-defined]
    cache.clear()


def test_a_token_over_its_limit_is_answered_429_with_retry_after(world: World) -> None:
    provider = northwind_provider(world)
    for _ in range(3):
        assert provider.get("Users").status_code == 200

    response = provider.post("Users", {"schemas": [USER], "userName": "late@example.com"})

    body = scim_error(response, 429)
    assert "Too many requests" in body["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    assert not Membership.objects.filter(user__email="late@example.com").exists()


def test_each_token_has_its_own_count(world: World) -> None:
    northwind = northwind_provider(world)
    for _ in range(3):
        northwind.get("Users")
    assert northwind.get("Users").status_code == 429

    other = provider_for(world.org, name="Entra ID")

    assert other.get("Users").status_code == 200

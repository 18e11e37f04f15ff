"""The demo's warm introductions: each state alive, the mentee's two, the same per seed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.demo import agency
from tandem.introductions.models import Introduction, Suggestion
from tandem.testing.fixtures import client_for

pytestmark = pytest.mark.django_db
MENTEE = f"mentee@{agency.AGENCY_DOMAIN}"


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run(*args: str) -> None:
    call_command("demo_data", "--people", "150", *args, stdout=StringIO())


def snapshot() -> list[tuple[str, ...]]:
    return sorted(
        (
            i.asker.user.email,
            i.introducer.user.email,
            i.need,
            i.status,
            *(f"{s.person.user.email}:{s.status}" for s in i.suggestions.all()),
        )
        for i in Introduction.objects.select_related("asker__user", "introducer__user")
    )


def test_every_state_is_there_and_the_mentee_has_one_connected_and_one_waiting() -> None:
    run("--seed", "3")
    states = set(Introduction.objects.values_list("status", flat=True))
    assert states == set(Introduction.Status.values)
    suggestion_states = set(Suggestion.objects.values_list("status", flat=True))
    assert suggestion_states == set(Suggestion.Status.values)
    hers = Introduction.objects.filter(asker__user__email=MENTEE)
    assert sorted(hers.values_list("status", flat=True)) == ["asked", "connected"]
    connected = hers.get(status=Introduction.Status.CONNECTED)
    person = connected.suggestions.get(status=Suggestion.Status.AGREED).person.user
    page = client_for(connected.asker.user).get(
        reverse("introductions:detail", args=[connected.pk])
    )
    assert page.status_code == 200
    assert f"Connected with {person.full_name}" in page.content.decode()
    listing = client_for(connected.asker.user).get(reverse("introductions:mine")).content
    assert "Waiting for an answer" in listing.decode()


def test_the_same_seed_gives_the_same_introductions() -> None:
    run("--seed", "3")
    first = snapshot()
    assert len(first) >= 8
    run("--seed", "3", "--flush")
    assert snapshot() == first

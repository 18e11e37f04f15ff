"""A coach's profile: written by the coach alone, read by clients on the card and the page."""

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tandem.coaching.models import CoachProfile
from tandem.coaching.services.profiles import coach_profile_save
from tandem.coaching.tests.contract_support import joins
from tandem.core.errors import DomainError
from tandem.policy.access.coaching import coach_profile_get_own
from tandem.programs.models import EnrollmentTopic
from tandem.relationships.tests.conftest import complete
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory
from tandem.testing.fixtures import client_for

EXTERNAL = {
    "kind": "external",
    "credentials": "ICF MCC (2021); EMCC Senior Practitioner",
    "approach": "Six sessions, one objective at a time, written homework.",
    "hourly_rate": "180",
    "currency": "eur",
    "hours_per_client": "",
    "availability": "Mondays, 8:00 to 12:00",
}


def _url(practice: Practice) -> str:
    return reverse("coaching:coach_profile", args=[practice.coach.pk])


def test_the_coach_writes_their_profile_and_clients_read_it(practice: Practice) -> None:
    complete(practice.coach, practice.world, EnrollmentTopic.Kind.EXPERTISE, "Delegation")
    response = client_for(practice.coach.user).post(_url(practice), EXTERNAL)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "programs:person", args=[practice.program.pk, practice.coach.pk]
    )
    profile = CoachProfile.objects.get(enrollment=practice.coach)
    assert profile.kind == CoachProfile.Kind.EXTERNAL
    assert (profile.hourly_rate, profile.currency) == (Decimal("180"), "EUR")
    assert profile.hours_per_client is None
    assert profile.availability == "Mondays, 8:00 to 12:00"
    page = client_for(practice.client.user).get(response["Location"]).content.decode()
    for shown in ("External coach", "ICF MCC (2021)", "Delegation", "Six sessions", "180 EUR"):
        assert shown in page, shown
    assert "Mondays, 8:00 to 12:00" in page
    assert "Edit your coach profile" not in page


def test_a_coach_without_a_profile_starts_one(practice: Practice) -> None:
    CoachProfile.objects.filter(enrollment=practice.coach).delete()
    client = client_for(practice.coach.user)
    assert client.get(_url(practice)).status_code == 200
    client.post(
        _url(practice),
        {
            **EXTERNAL,
            "kind": "internal",
            "hourly_rate": "",
            "currency": "",
            "hours_per_client": "10",
        },
    )
    profile = CoachProfile.objects.get(enrollment=practice.coach)
    assert (profile.kind, profile.hours_per_client, profile.hourly_rate) == (
        CoachProfile.Kind.INTERNAL,
        Decimal("10"),
        None,
    )


BAD = [
    ({"kind": "freelance"}, "kind"),
    ({"hourly_rate": "-1"}, "hourly_rate"),
    ({"hourly_rate": "a lot"}, "hourly_rate"),
    ({"hourly_rate": "1000000"}, "hourly_rate"),
    ({"hourly_rate": "Infinity"}, "hourly_rate"),
    ({"currency": "eu"}, "currency"),
    ({"currency": "E1R"}, "currency"),
    ({"currency": "EURO"}, "currency"),
    ({"currency": ""}, "currency"),
    ({"hourly_rate": "", "currency": "EUR"}, "hourly_rate"),
    ({"hourly_rate": "", "currency": ""}, "hourly_rate"),
    ({"kind": "internal", "hours_per_client": "8"}, "hourly_rate"),
    ({"kind": "internal", "hourly_rate": "", "currency": ""}, "hours_per_client"),
    ({"hours_per_client": "0.2"}, "hours_per_client"),
    ({"hours_per_client": "300"}, "hours_per_client"),
    ({"hours_per_client": "many"}, "hours_per_client"),
    ({"availability": "x" * 201}, "availability"),
    ({"credentials": "x" * 2001}, "credentials"),
    ({"approach": "x" * 2001}, "approach"),
]


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_bad_input_is_refused_next_to_its_field(
    practice: Practice, changes: dict[str, str], field: str
) -> None:
    before = CoachProfile.objects.values().get(enrollment=practice.coach)
    response = client_for(practice.coach.user).post(_url(practice), {**EXTERNAL, **changes})
    assert response.status_code == 200
    assert field in response.context["form"].errors, response.context["form"].errors
    assert CoachProfile.objects.values().get(enrollment=practice.coach) == before


def test_the_service_refuses_what_the_form_would(practice: Practice) -> None:
    profile = coach_profile_get_own(user=practice.coach.user, enrollment_id=practice.coach.pk)
    good: dict[str, Any] = {
        "kind": "external",
        "credentials": "",
        "approach": "",
        "hourly_rate": Decimal("90"),
        "currency": "usd",
        "hours_per_client": None,
        "availability": "",
    }
    for changes, field in (
        ({"hourly_rate": Decimal("-5")}, "hourly_rate"),
        ({"currency": "dollars"}, "currency"),
        ({"kind": "volunteer"}, "kind"),
        ({"kind": "internal"}, "hourly_rate"),
        ({"hours_per_client": Decimal("0")}, "hours_per_client"),
    ):
        with pytest.raises(DomainError) as refused:
            coach_profile_save(profile=profile, **{**good, **changes})
        assert refused.value.field == field
    saved = coach_profile_save(profile=profile, **good)
    assert (saved.currency, saved.hourly_rate) == ("USD", Decimal("90"))


def test_nobody_else_opens_a_coach_profile(practice: Practice) -> None:
    world = practice.world
    other_coach = EnrollmentFactory.create(
        program=practice.program, is_mentee=False, is_coach=True, capacity=2
    )
    for person in (
        practice.client.user,
        practice.sponsor,
        world.admin,
        world.member,
        world.outsider,
        other_coach.user,
    ):
        client = client_for(person)
        assert client.get(_url(practice)).status_code == 404
        assert client.post(_url(practice), EXTERNAL).status_code == 404
    # The client's own enrollment is not a coach's: it has no coach profile to write.
    own = client_for(practice.client.user).get(
        reverse("coaching:coach_profile", args=[practice.client.pk])
    )
    assert own.status_code == 404
    assert CoachProfile.objects.get(enrollment=practice.coach).kind == CoachProfile.Kind.INTERNAL
    assert not CoachProfile.objects.filter(enrollment=practice.client).exists()


def test_the_program_page_and_own_profile_link_the_coach_profile(practice: Practice) -> None:
    client = client_for(practice.coach.user)
    page = client.get(reverse("programs:detail", args=[practice.program.pk])).content.decode()
    assert _url(practice) in page
    own = client.get(reverse("programs:person", args=[practice.program.pk, practice.coach.pk]))
    assert "Edit your coach profile" in own.content.decode()


def test_the_directory_card_shows_the_coach_profile(practice: Practice) -> None:
    world = practice.world
    complete(practice.coach, world, EnrollmentTopic.Kind.EXPERTISE)
    newcomer = joins(practice, "Nia Newcomer")
    response = client_for(newcomer.user).get(
        reverse("relationships:directory", args=[practice.program.pk])
    )
    page = response.content.decode()
    assert "Find a coach" in page
    for shown in ("ICF PCC (2019)", "Public speaking", "8 hours", "Tuesday and Thursday"):
        assert shown in page, shown

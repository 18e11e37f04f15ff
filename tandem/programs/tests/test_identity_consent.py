"""Self-described identity: private unless the person lets matching use it."""

import re

from tandem.programs.models import Enrollment, IdentityUse
from tandem.testing.fixtures import World, client_for

USE = (
    "Use it to match me with people who ask for this; "
    "people who ask for it may learn that I share it"
)
PRIVATE = "Private: never used"


def _url(world: World) -> str:
    return f"/programs/{world.program.pk}/profile/practicalities/"


def _checked(page: str) -> str:
    """Return the value of the consent radio button the page has selected."""
    chosen = re.findall(r'<input type="radio" name="identity_use" value="(\w+)"[^>]* checked', page)
    assert len(chosen) == 1
    return chosen[0]


def _practicalities(**extra: object) -> dict[str, object]:
    return {
        "meeting_modes": ["video"],
        "preferred_cadence": "monthly",
        "languages": ["en"],
        "time_zone": "UTC",
        "identity_attributes": ["veteran"],
        **extra,
    }


def test_the_form_states_both_choices_and_starts_private(world: World) -> None:
    page = client_for(world.mentee).get(_url(world)).content.decode()
    assert USE in page
    assert PRIVATE in page
    assert _checked(page) == "private"
    assert "never shown to other participants or admins" not in page


def test_identity_shared_without_an_answer_stays_private(world: World) -> None:
    response = client_for(world.mentee).post(_url(world), _practicalities())
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(pk=world.mentee_enrollment.pk)
    assert enrollment.identity_attributes == ["veteran"]
    assert enrollment.identity_use == IdentityUse.PRIVATE
    assert enrollment.consented_identity == frozenset()


def test_a_person_can_let_matching_use_it_and_take_it_back(world: World) -> None:
    client = client_for(world.mentee)
    client.post(_url(world), _practicalities(identity_use="match"))
    enrollment = Enrollment.objects.get(pk=world.mentee_enrollment.pk)
    assert enrollment.identity_use == IdentityUse.MATCH
    assert enrollment.consented_identity == frozenset({"veteran"})
    assert _checked(client.get(_url(world)).content.decode()) == "match"

    client.post(_url(world), _practicalities(identity_use="private"))
    enrollment.refresh_from_db()
    assert enrollment.identity_use == IdentityUse.PRIVATE
    assert enrollment.identity_attributes == ["veteran"]
    assert enrollment.consented_identity == frozenset()


def test_an_unknown_answer_is_refused(world: World) -> None:
    response = client_for(world.mentee).post(_url(world), _practicalities(identity_use="public"))
    assert response.status_code == 200
    assert "identity_use" in response.context["form"].errors
    enrollment = Enrollment.objects.get(pk=world.mentee_enrollment.pk)
    assert enrollment.identity_use == IdentityUse.PRIVATE
    assert enrollment.identity_attributes == []

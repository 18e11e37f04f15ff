"""Who is offered the ask, and "do not match" between the asker and the colleague asked."""

import pytest
from django.test import Client
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.selectors import colleagues_for
from tandem.introductions.tests.conftest import NEED, NOTE, ask, omar
from tandem.programs.models import Enrollment
from tandem.relationships.models import MatchExclusion
from tandem.testing.fixtures import World, client_for


def _profile(world: World, viewer: Client, person: Enrollment) -> str:
    response = viewer.get(reverse("programs:person", args=[world.program.pk, person.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _ask_url(world: World, person: Enrollment) -> str:
    return reverse("introductions:ask", args=[world.program.pk, person.pk])


def test_the_button_shows_to_a_participant_who_may_ask(intro: World) -> None:
    page = _profile(intro, client_for(intro.mentee), intro.mentor_enrollment)
    assert _ask_url(intro, intro.mentor_enrollment) in page
    assert "Ask Mo for an introduction" in page


def test_an_admin_not_taking_part_sees_no_button(intro: World) -> None:
    admin = client_for(intro.admin)
    page = _profile(intro, admin, intro.mentor_enrollment)
    assert _ask_url(intro, intro.mentor_enrollment) not in page
    assert "for an introduction" not in page
    # The page the button would have led to is not theirs.
    assert admin.get(_ask_url(intro, intro.mentor_enrollment)).status_code == 404


def test_no_button_on_your_own_profile_or_while_your_profile_is_unfinished(intro: World) -> None:
    mia = client_for(intro.mentee)
    own = _profile(intro, mia, intro.mentee_enrollment)
    assert "for an introduction" not in own
    Enrollment.objects.filter(pk=intro.mentee_enrollment.pk).update(profile_completed_at=None)
    page = _profile(intro, mia, intro.mentor_enrollment)
    assert _ask_url(intro, intro.mentor_enrollment) not in page


def test_no_button_toward_someone_kept_apart_by_do_not_match(intro: World) -> None:
    MatchExclusion.objects.create(
        mentee=intro.mentee_enrollment, mentor=intro.mentor_enrollment, reason="asked by admin"
    )
    page = _profile(intro, client_for(intro.mentee), intro.mentor_enrollment)
    assert _ask_url(intro, intro.mentor_enrollment) not in page
    # Either way round: Mo cannot ask Mia either.
    page = _profile(intro, client_for(intro.mentor), intro.mentee_enrollment)
    assert _ask_url(intro, intro.mentee_enrollment) not in page


def test_do_not_match_keeps_the_asker_from_the_colleague_on_the_service_path(
    intro: World,
) -> None:
    MatchExclusion.objects.create(
        mentee=intro.mentee_enrollment, mentor=intro.mentor_enrollment, reason="asked by admin"
    )
    with pytest.raises(DomainError, match="Mo cannot be asked for an introduction") as raised:
        ask(intro)
    assert "asked by admin" not in raised.value.message
    assert "match" not in raised.value.message
    assert not Introduction.objects.exists()
    people = colleagues_for(asker=intro.mentee_enrollment)
    assert intro.mentor_enrollment not in people
    assert omar(intro) in people


def test_do_not_match_keeps_the_asker_from_the_colleague_on_the_page_path(intro: World) -> None:
    MatchExclusion.objects.create(
        mentee=intro.mentor_enrollment, mentor=intro.mentee_enrollment, reason="asked by admin"
    )
    mia = client_for(intro.mentee)
    listing = mia.get(reverse("introductions:colleagues", args=[intro.program.pk]))
    assert listing.status_code == 200
    assert "Mo Haddad" not in listing.content.decode()
    assert "Omar Lind" in listing.content.decode()
    url = _ask_url(intro, intro.mentor_enrollment)
    page = mia.get(url)
    assert page.status_code == 200
    assert "Mo cannot be asked for an introduction here." in page.content.decode()
    response = mia.post(url, {"need": NEED})
    assert response.status_code == 200
    assert "Mo cannot be asked for an introduction here." in response.content.decode()
    assert not Introduction.objects.exists()


def test_a_do_not_match_set_after_the_ask_stops_the_suggestions(intro: World) -> None:
    introduction = ask(intro)
    MatchExclusion.objects.create(
        mentee=intro.mentee_enrollment, mentor=intro.mentor_enrollment, reason="asked by admin"
    )
    with pytest.raises(DomainError, match="Mo cannot be asked"):
        services.introduction_suggest(
            introduction=introduction,
            by=intro.mentor,
            suggestions=[services.Suggested(person=omar(intro), note=NOTE)],
        )
    assert not Suggestion.objects.exists()

"""Who may see each kind of introduction object: missing and forbidden look alike."""

import pytest
from django.urls import reverse

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.interviews.models import InterviewOffer
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.tests.conftest import ask, omar, sam, suggested
from tandem.policy.access import introduction_get_for_user, suggestion_get_for_user
from tandem.testing.fixtures import World, client_for


def _people(world: World) -> dict[str, User]:
    return {
        "asker": world.mentee,
        "introducer": world.mentor,
        "suggested": world.other_mentor,
        "stranger": sam(world).user,
        "program_admin": world.admin,
        "member_not_joined": world.member,
        "other_org": world.outsider,
    }


def test_an_introduction_is_for_its_people_only(intro: World) -> None:
    suggestion = suggested(intro)
    introduction = suggestion.introduction
    for name, person in _people(intro).items():
        if name in {"asker", "introducer", "suggested"}:
            found = introduction_get_for_user(user=person, introduction_id=introduction.pk)
            assert found == introduction
        else:
            with pytest.raises(NotFound):
                introduction_get_for_user(user=person, introduction_id=introduction.pk)
    with pytest.raises(NotFound):
        introduction_get_for_user(user=intro.mentee, introduction_id=introduction.pk + 1000)


def test_a_suggestion_reaches_the_asker_only_once_agreed(intro: World) -> None:
    suggestion = suggested(intro)
    before = {"introducer", "suggested"}
    for name, person in _people(intro).items():
        if name in before:
            assert suggestion_get_for_user(user=person, suggestion_id=suggestion.pk) == suggestion
        else:
            with pytest.raises(NotFound):
                suggestion_get_for_user(user=person, suggestion_id=suggestion.pk)
    services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=True)
    for name, person in _people(intro).items():
        if name in before | {"asker"}:
            assert suggestion_get_for_user(user=person, suggestion_id=suggestion.pk) == suggestion
        else:
            with pytest.raises(NotFound):
                suggestion_get_for_user(user=person, suggestion_id=suggestion.pk)


def test_a_declined_suggestion_never_reaches_the_asker(intro: World) -> None:
    suggestion = suggested(intro)
    services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=False)
    with pytest.raises(NotFound):
        suggestion_get_for_user(user=intro.mentee, suggestion_id=suggestion.pk)
    client = client_for(intro.mentee)
    for url_name in ("interview", "request"):
        url = reverse(f"introductions:{url_name}", args=[suggestion.pk])
        assert client.get(url).status_code == 404


def test_every_introduction_page_is_not_found_for_anyone_else(intro: World) -> None:
    suggestion = suggested(intro)
    introduction = suggestion.introduction
    for name, person in _people(intro).items():
        client = client_for(person)
        detail = client.get(reverse("introductions:detail", args=[introduction.pk]))
        allowed = {"asker", "introducer", "suggested"}
        assert detail.status_code == (200 if name in allowed else 404), name
        if name == "introducer":
            continue
        for url_name in ("suggest", "decline"):
            url = reverse(f"introductions:{url_name}", args=[introduction.pk])
            response = client.post(url, {"person": omar(intro).pk, "note": "x" * 40})
            assert response.status_code == 404, (name, url_name)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.CHECKING
    assert Suggestion.objects.count() == 1


def test_only_the_person_suggested_may_answer(intro: World) -> None:
    suggestion = suggested(intro)
    url = reverse("introductions:answer", args=[suggestion.pk])
    for name, person in _people(intro).items():
        if name == "suggested":
            continue
        assert client_for(person).post(url, {"agrees": "yes"}).status_code == 404, name
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ASKED


def test_a_connection_is_for_its_two_people(intro: World) -> None:
    InterviewOffer.objects.create(enrollment=omar(intro), is_offering=True, per_month=2)
    suggestion = suggested(intro)
    for url_name in ("interview", "request"):
        url = reverse(f"introductions:{url_name}", args=[suggestion.pk])
        for person in _people(intro).values():
            # Before consent nobody may start anything from it.
            assert client_for(person).get(url).status_code == 404
    services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=True)
    for url_name in ("interview", "request"):
        url = reverse(f"introductions:{url_name}", args=[suggestion.pk])
        for name, person in _people(intro).items():
            status = client_for(person).get(url).status_code
            assert status == (200 if name in {"asker", "suggested"} else 404), (name, url_name)
        assert client_for(intro.mentor).post(url, {"message": "x" * 60}).status_code == 404


def test_asking_needs_a_place_in_the_program(intro: World) -> None:
    colleagues = reverse("introductions:colleagues", args=[intro.program.pk])
    for person in (intro.member, intro.outsider, intro.admin):
        assert client_for(person).get(colleagues).status_code == 404
    other = ask(intro)
    asker = client_for(intro.mentee)
    # Someone in another organization's program is nobody here.
    outsider_program = intro.other_program.pk
    assert (
        asker.get(
            reverse("introductions:ask", args=[outsider_program, intro.mentor_enrollment.pk])
        ).status_code
        == 404
    )
    assert (
        asker.get(
            reverse("introductions:ask", args=[intro.program.pk, intro.mentee_enrollment.pk])
        ).status_code
        == 404
    )
    assert Introduction.objects.get() == other

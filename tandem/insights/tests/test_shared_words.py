"""Words a mentee shares with their mentor: kept on their own record, withdrawn, erased."""

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.insights.models import SharedWords
from tandem.notifications.models import Notification
from tandem.people.services.erasure import person_erase
from tandem.relationships.models import Relationship
from tandem.relationships.services import relationship_close
from tandem.testing.fixtures import World, client_for

from .builders import pair, person

pytestmark = pytest.mark.django_db

THANKS = "Your patience with my budget talk changed how I present."
WORKED = "Writing the agenda together before each meeting."


def _closed(world: World, *, by_mentee: bool = True, message: str = THANKS) -> Relationship:
    relationship = pair(world, world.mentor_enrollment, world.mentee_enrollment)
    by = world.mentee if by_mentee else world.mentor
    return relationship_close(relationship=relationship, by=by, reason="completed", message=message)


def _legacy(world: World) -> str:
    response = client_for(world.mentor).get(reverse("insights:legacy"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_mentees_closing_note_is_kept_with_who_wrote_it_and_when(world: World) -> None:
    relationship = _closed(world)
    words = SharedWords.objects.get()
    assert (words.relationship_id, words.author_id) == (relationship.pk, world.mentee.pk)
    assert (words.source, words.body) == (SharedWords.Source.CLOSING_NOTE, THANKS)
    assert words.created_at is not None
    page = _legacy(world)
    assert THANKS in page
    # The mentor sees the words, not who wrote them.
    assert world.mentee.display_name not in page


def test_no_words_and_the_mentors_own_note_are_not_kept(world: World) -> None:
    _closed(world, message="")
    other = pair(world, world.mentor_enrollment, person(world, "Ben Ortiz"))
    relationship_close(relationship=other, by=world.mentor, reason="completed", message=THANKS)
    assert not SharedWords.objects.exists()
    assert THANKS not in _legacy(world)


def test_a_reflection_shares_only_what_worked_and_only_when_asked(world: World) -> None:
    relationship = pair(world, world.mentor_enrollment, world.mentee_enrollment)
    relationship_close(relationship=relationship, by=world.mentee, reason="not_a_fit")
    client = client_for(world.mentee)
    url = reverse("relationships:reflect", args=[relationship.pk])
    form = {"keep": WORKED, "different": "Private: more structure", "my_part": "Private: me"}
    client.post(url, {**form, "share_keep_with_mentor": "on"})
    assert SharedWords.objects.get().body == WORKED
    page = _legacy(world)
    assert WORKED in page and "Private:" not in page
    # The box shows ticked when she comes back; unticking it takes the words back.
    assert client.get(url).context["form"].initial["share_keep_with_mentor"] is True
    client.post(url, form)
    assert not SharedWords.objects.exists()
    assert WORKED not in _legacy(world)


def test_the_mentee_sees_and_withdraws_what_she_shared(world: World) -> None:
    _closed(world)
    words = SharedWords.objects.get()
    client = client_for(world.mentee)
    page = client.get(reverse("insights:shared_words"))
    assert page.status_code == 200 and THANKS in page.content.decode()
    withdraw = reverse("insights:shared_words_withdraw", args=[words.pk])
    assert client.get(withdraw).status_code == 405
    response = client.post(withdraw, follow=True)
    assert response.status_code == 200
    assert "no longer sees these words" in response.content.decode()
    assert not SharedWords.objects.exists()
    assert THANKS not in _legacy(world)
    # The note in the mentor's notifications was a message; the impact page never reads it.
    assert Notification.objects.filter(user=world.mentor, body=THANKS).exists()


@pytest.mark.parametrize("who", ["mentor", "admin", "outsider"])
def test_only_the_author_can_withdraw(world: World, who: str) -> None:
    _closed(world)
    words = SharedWords.objects.get()
    url = reverse("insights:shared_words_withdraw", args=[words.pk])
    assert client_for(getattr(world, who)).post(url).status_code == 404
    assert SharedWords.objects.filter(pk=words.pk).exists()
    assert (
        THANKS
        not in client_for(getattr(world, who))
        .get(reverse("insights:shared_words"))
        .content.decode()
    )


def test_erasing_the_mentee_removes_her_words(world: World) -> None:
    _closed(world)
    person_erase(person=world.mentee, by=world.mentee)
    assert not SharedWords.objects.exists()
    assert THANKS not in _legacy(world)


def test_existing_closing_notes_move_to_their_own_record(world: World) -> None:
    relationship = _closed(world)
    kept = SharedWords.objects.get()
    kept.delete()
    migration = importlib.import_module(
        "tandem.insights.migrations.0003_shared_words_from_notifications"
    )
    migration.forwards(apps, None)
    words = SharedWords.objects.get()
    assert (words.relationship_id, words.author_id, words.body) == (
        relationship.pk,
        world.mentee.pk,
        THANKS,
    )
    # Running it again adds nothing.
    migration.forwards(apps, None)
    assert SharedWords.objects.count() == 1


def test_the_impact_page_queries_do_not_grow_with_the_words(world: World) -> None:
    _closed(world)
    with CaptureQueriesContext(connection) as one:
        _legacy(world)
    for n in range(4):
        relationship = pair(world, world.mentor_enrollment, person(world, f"Mentee {n}"))
        relationship_close(
            relationship=relationship,
            by=relationship.mentee.user,
            reason="completed",
            message=f"Thanks {n}",
        )
    with CaptureQueriesContext(connection) as five:
        _legacy(world)
    assert len(five) == len(one)


def test_the_words_go_in_their_authors_data_export_and_no_one_elses(world: World) -> None:
    relationship = _closed(world)
    mine = client_for(world.mentee).get(reverse("relationships:export")).json()
    assert mine["words_shared_with_mentors"] == [
        {
            "relationship": relationship.pk,
            "source": "Note when closing",
            "body": THANKS,
            "at": SharedWords.objects.get().created_at.isoformat(),
        }
    ]
    theirs = client_for(world.mentor).get(reverse("relationships:export")).json()
    assert theirs["words_shared_with_mentors"] == []

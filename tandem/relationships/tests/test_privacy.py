"""Private things stay private: a canary written by the mentee appears nowhere else."""

import pytest
from django.core import mail
from django.urls import reverse

from tandem.accounts.models import User
from tandem.relationships import services
from tandem.relationships.calendar import calendar_feed_for
from tandem.relationships.models import Meeting, Relationship
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World, client_for

CANARY = "canary-7f3a9c-zebra-lighthouse"


def _urls(world: World, relationship: Relationship) -> list[str]:
    meeting = relationship.meetings.first()
    assert meeting is not None
    concern = services.concern_raise(
        relationship=relationship, reporter=world.mentor, body="A plain concern, no canary."
    )
    program = world.program.pk
    return [
        "/",
        reverse("relationships:list"),
        reverse("relationships:journal"),
        reverse("relationships:export"),
        reverse("notifications:list"),
        reverse("relationships:detail", args=[relationship.pk]),
        reverse("relationships:agreement", args=[relationship.pk]),
        reverse("relationships:checkin", args=[relationship.pk]),
        reverse("relationships:meeting", args=[meeting.pk]),
        reverse("relationships:concern", args=[concern.pk]),
        reverse("relationships:program", args=[program]),
        reverse("relationships:directory", args=[program]),
        reverse("programs:detail", args=[program]),
        reverse("programs:manage", args=[program]),
        reverse("programs:person", args=[program, world.mentee_enrollment.pk]),
        reverse("programs:person", args=[program, world.mentor_enrollment.pk]),
        "/admin/relationships/relationship/",
        f"/admin/relationships/relationship/{relationship.pk}/change/",
        "/admin/relationships/journalentry/",
        "/admin/relationships/checkin/",
    ]


def test_private_journal_and_checkin_text_reach_nobody_else(ready: World) -> None:
    relationship = active(ready)
    services.journal_entry_write(
        author=ready.mentee,
        relationship=relationship,
        title=f"Title {CANARY}",
        body=f"Body {CANARY}",
    )
    services.checkin_record(
        relationship=relationship,
        author=ready.mentee,
        going=1,
        meeting_goals=1,
        comment=f"Comment {CANARY}",
    )
    services.relationship_close(
        relationship=relationship,
        by=ready.mentee,
        reason="not_a_fit",
        private_reason=f"Private {CANARY}",
    )
    staff = User.objects.create_superuser("root@northwind.test", "x", full_name="Root")
    urls = _urls(ready, relationship)
    others = [ready.mentor, ready.other_mentor, ready.admin, ready.member, ready.outsider, staff]
    for person in others:
        client = client_for(person)
        feed = reverse("relationships:feed", args=[calendar_feed_for(user=person).token])
        for url in [*urls, feed]:
            response = client.get(url)
            assert CANARY not in response.content.decode(), (person.email, url)
    for message in mail.outbox:
        if ready.mentee.email not in message.to:
            assert CANARY not in message.body
    # The author does see their own words, and takes them along in their export.
    assert CANARY in client_for(ready.mentee).get(reverse("relationships:journal")).content.decode()
    assert CANARY in client_for(ready.mentee).get(reverse("relationships:export")).content.decode()


@pytest.mark.parametrize(
    "name", ["detail", "agreement", "checkin", "pause", "close", "concern_new", "meeting_new"]
)
def test_relationship_pages_are_for_the_two_people_only(ready: World, name: str) -> None:
    relationship = active(ready)
    url = reverse(f"relationships:{name}", args=[relationship.pk])
    for person in (ready.mentee, ready.mentor):
        assert client_for(person).get(url).status_code == 200
    for person in (ready.other_mentor, ready.admin, ready.member, ready.outsider):
        assert client_for(person).get(url).status_code == 404, person.email


def test_meeting_notes_are_shared_by_the_pair_only(ready: World) -> None:
    meeting = active(ready).meetings.get()
    url = reverse("relationships:meeting", args=[meeting.pk])
    response = client_for(ready.mentee).post(url, {"agenda": "Slides", "notes": "Shared note"})
    assert response.status_code == 302
    assert "Shared note" in client_for(ready.mentor).get(url).content.decode()
    assert client_for(ready.admin).get(url).status_code == 404
    assert Meeting.objects.get(pk=meeting.pk).notes == "Shared note"


def test_admins_see_pairs_and_aggregates_not_content(ready: World) -> None:
    relationship = active(ready)
    services.checkin_record(
        relationship=relationship,
        author=ready.mentee,
        going=2,
        meeting_goals=2,
        comment="not for admins",
    )
    page = (
        client_for(ready.admin)
        .get(reverse("relationships:program", args=[ready.program.pk]))
        .content.decode()
    )
    assert "Mia Santos" in page
    assert "not for admins" not in page
    assert "shown from 5 people" in page  # one author: no average is shown


def test_journal_entries_are_the_authors_alone(ready: World) -> None:
    entry = services.journal_entry_write(author=ready.mentee, body="Mine")
    url = reverse("relationships:journal_entry", args=[entry.pk])
    assert client_for(ready.mentee).get(url).status_code == 200
    for person in (ready.mentor, ready.admin, ready.outsider):
        assert client_for(person).get(url).status_code == 404
        assert client_for(person).post(url).status_code == 404


def test_no_one_outside_the_pair_can_act_on_it(ready: World) -> None:
    relationship = active(ready)
    meeting = relationship.meetings.get()
    agreement = relationship.agreements.get()
    commitment = services.commitment_create(
        relationship=relationship,
        owner=ready.mentee,
        text="Draft the slides",
        due_on=meeting.starts_at.date(),
    )
    actions = [
        (reverse("relationships:sign", args=[agreement.pk]), {}),
        (reverse("relationships:renegotiate", args=[relationship.pk]), {}),
        (reverse("relationships:meeting_held", args=[meeting.pk]), {}),
        (reverse("relationships:meeting_cancel", args=[meeting.pk]), {}),
        (reverse("relationships:meeting", args=[meeting.pk]), {"notes": "intruder"}),
        (
            reverse("relationships:commitment_new", args=[relationship.pk]),
            {"text": "intrude", "due_on": "2030-01-01"},
        ),
        (reverse("relationships:commitment_done", args=[commitment.pk]), {}),
        (
            reverse("relationships:checkin", args=[relationship.pk]),
            {"going": "1", "meeting_goals": "1"},
        ),
        (reverse("relationships:pause", args=[relationship.pk]), {}),
        (reverse("relationships:resume", args=[relationship.pk]), {}),
        (reverse("relationships:close", args=[relationship.pk]), {"reason": "other"}),
        (reverse("relationships:concern_new", args=[relationship.pk]), {"body": "x" * 20}),
        (reverse("relationships:revisit", args=[relationship.pk]), {}),
    ]
    for person in (ready.other_mentor, ready.admin, ready.member, ready.outsider):
        client = client_for(person)
        for url, data in actions:
            assert client.post(url, data).status_code == 404, (person.email, url)
    relationship.refresh_from_db()
    meeting.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert meeting.notes == "" and meeting.status == Meeting.Status.PLANNED
    assert relationship.commitments.count() == 1
    assert relationship.checkins.count() == 0

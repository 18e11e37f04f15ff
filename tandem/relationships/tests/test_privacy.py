"""Private things stay private: a canary written by the mentee appears nowhere else."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from tandem.accounts.models import User
from tandem.board import services as board_services
from tandem.board.models import Question
from tandem.insights.models import SharedWords
from tandem.people.services.erasure import ERASED_NAME, person_erase
from tandem.people.tests.erasure_setup import story_of_mia
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
        # The mentor's impact page quotes only what the mentee chose to share.
        reverse("insights:legacy"),
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
        message="Thank you for the honest feedback.",
    )
    # The reflection is private but for the one answer the mentee chose to share.
    services.reflection_save(
        relationship=relationship,
        author=ready.mentee,
        keep="Your questions before each meeting helped.",
        different=f"Different {CANARY}",
        my_part=f"My part {CANARY}",
        share_with_next=False,
        share_keep_with_mentor=True,
    )
    legacy = client_for(ready.mentor).get(reverse("insights:legacy")).content.decode()
    assert "Your questions before each meeting helped." in legacy
    assert "Thank you for the honest feedback." in legacy
    assert not SharedWords.objects.filter(body__contains=CANARY).exists()
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


# Erasure: the export carries a person's own canaries only, and erasing them leaves none.

MIA_CANARY = "canary-mia-erase-91c2-heron"
MO_CANARY = "canary-mo-keep-5d0e-otter"
TEXTUAL = ("Char", "Text", "JSON", "Email", "Slug", "URL", "File")


def _tables_holding(text: str) -> list[str]:
    """Scan every text, character and JSON column of every table for the text."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    kind = "unknown"  # scanned anyway: a type we cannot name may hold text
                if not any(k in kind for k in TEXTUAL) and kind != "unknown":
                    continue
                qn = connection.ops.quote_name
                cursor.execute(
                    f"SELECT COUNT(*) FROM {qn(table)} "
                    f"WHERE CAST({qn(column.name)} AS TEXT) LIKE %s",
                    [f"%{text}%"],
                )
                if cursor.fetchone()[0]:
                    found.append(f"{table}.{column.name}")
    return found


def _mo_writes_privately(world: World, relationship: Relationship) -> None:
    services.journal_entry_write(author=world.mentor, body=f"Mo's own {MO_CANARY}")
    services.checkin_record(
        relationship=relationship,
        author=world.mentor,
        going=3,
        meeting_goals=3,
        comment=f"Mo's pulse {MO_CANARY}",
    )


def test_an_export_holds_its_owners_canaries_and_none_of_the_partners(world: World) -> None:
    story = story_of_mia(world, canary=MIA_CANARY)
    _mo_writes_privately(world, story.relationship)
    mia = client_for(world.mentee).get(reverse("relationships:export")).content.decode()
    mo = client_for(world.mentor).get(reverse("relationships:export")).content.decode()
    for part in ("Title", "Body", "Note", "Goals", "Different", "Declined"):
        assert f"{part} {MIA_CANARY}" in mia, part
    assert MO_CANARY not in mia
    assert MO_CANARY in mo
    assert MIA_CANARY not in mo
    # What the two share is in both.
    assert "Shared note by Mo" in mia and "Shared note by Mo" in mo


def test_after_erasure_none_of_the_persons_private_words_remain_anywhere(
    world: World, django_capture_on_commit_callbacks
) -> None:
    story = story_of_mia(world, canary=MIA_CANARY)
    _mo_writes_privately(world, story.relationship)
    client_for(world.mentee)  # a signed-in session, which must end too
    assert _tables_holding(MIA_CANARY), "the canary must be planted before the erasure"

    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=world.mentee, by=world.mentee)

    assert _tables_holding(MIA_CANARY) == []
    assert _tables_holding(world.mentee_enrollment.user.email) == []
    # Mo's own private words are untouched.
    assert _tables_holding(MO_CANARY)
    # Mo's pages still work, with the shared notes, and Mia shown as a former member.
    mo = client_for(world.mentor)
    relationship = story.relationship
    meeting = relationship.meetings.get()
    for url in (
        reverse("relationships:detail", args=[relationship.pk]),
        reverse("relationships:agreement", args=[relationship.pk]),
        reverse("relationships:meeting", args=[meeting.pk]),
        reverse("relationships:list"),
        reverse("notifications:list"),
    ):
        response = mo.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        # Her name as the system shows it is gone; words the pair wrote stay as written.
        assert "Mia Santos" not in page, url
        assert MIA_CANARY not in page, url
    detail = mo.get(reverse("relationships:detail", args=[relationship.pk])).content.decode()
    assert ERASED_NAME in detail
    assert (
        "Shared note by Mo"
        in mo.get(reverse("relationships:meeting", args=[meeting.pk])).content.decode()
    )
    assert "Rehearse the budget talk" in detail


ASKER_CANARY = "canary-anon-asker-4b1e"


def _board_pages(world: World, question: Question) -> list[str]:
    board = reverse("board:program", args=[world.program.pk])
    return [
        board,
        f"{board}?q=speak",
        f"{board}?sort=helpful",
        f"{board}?sort=unanswered",
        reverse("board:question", args=[question.pk]),
        reverse("board:report", args=[question.pk]),
        reverse("notifications:list"),
        reverse("board:program_queue", args=[world.program.pk]),
        "/",
    ]


def _ask_and_discuss(world: World, *, anonymous: bool) -> Question:
    title = "Anonymous: how to speak up?" if anonymous else "Named: how to speak up?"
    question = board_services.question_ask(
        author=world.mentee,
        organization=world.org,
        program=world.program,
        title=title,
        body="I freeze when the room goes quiet. What helped you the first time?",
        topics=[world.topic("Public speaking")],
        is_anonymous=anonymous,
    )
    mentor = board_services.answer_post(
        question=question, author=world.mentor, body="Breathe first, then start."
    )
    # The asker answering her own thread must not give her away either.
    board_services.answer_post(question=question, author=world.mentee, body="Thank you, Mo!")
    board_services.answer_mark_helpful(answer=mentor, by=world.mentee)
    board_services.report_file(
        question=question, answer=None, reporter=world.mentor, reason="other"
    )
    return question


def test_an_anonymous_asker_is_named_to_moderators_only(
    ready: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Persona diff: what participants see of an anonymous question against a named one."""
    ready.mentee.full_name = f"Mia {ASKER_CANARY}"
    ready.mentee.preferred_name = ASKER_CANARY
    ready.mentee.save()
    with django_capture_on_commit_callbacks(execute=True):
        hidden = _ask_and_discuss(ready, anonymous=True)
        board_services.board_digests_send()
    participants = [ready.mentor, ready.other_mentor]
    for person in participants:
        client = client_for(person)
        for url in _board_pages(ready, hidden):
            page = client.get(url).content.decode()
            assert ASKER_CANARY not in page, (person.email, url)
            # No link to her profile, her enrollment or her account either.
            assert f"/people/{ready.mentee_enrollment.pk}/" not in page, (person.email, url)
        page = client.get(reverse("board:question", args=[hidden.pk])).content.decode()
        assert "Anonymous participant" in page and "The asker" in page
    for message in mail.outbox:
        if ready.mentee.email not in message.to:
            assert ASKER_CANARY not in message.body, message.to
    # The diff: the same thread asked by name shows her name to the same people.
    named = _ask_and_discuss(ready, anonymous=False)
    for person in participants:
        client = client_for(person)
        named_page = client.get(reverse("board:question", args=[named.pk])).content.decode()
        assert ASKER_CANARY in named_page
        hidden_page = client.get(reverse("board:question", args=[hidden.pk])).content.decode()
        assert ASKER_CANARY not in hidden_page
    # Moderators see who asked, with a note that participants do not.
    admin_page = client_for(ready.admin).get(reverse("board:question", args=[hidden.pk]))
    assert ASKER_CANARY in admin_page.content.decode()
    assert "hidden from participants" in admin_page.content.decode()


def test_private_text_reaches_nobody_through_the_api(ready: World) -> None:
    from tandem.api.tests.conftest import personal_client, service_client

    relationship = active(ready)
    services.journal_entry_write(
        author=ready.mentee, relationship=relationship, title=CANARY, body=f"Body {CANARY}"
    )
    services.checkin_record(
        relationship=relationship,
        author=ready.mentee,
        going=1,
        meeting_goals=1,
        comment=f"Comment {CANARY}",
    )
    services.commitment_create(
        relationship=relationship,
        owner=ready.mentor,
        text="Share the slides",
        due_on=relationship.created_at.date() + datetime.timedelta(days=30),
    )
    question = _ask_and_discuss(ready, anonymous=True)
    program = ready.program.pk
    paths = [
        "/me",
        "/me/enrollments",
        "/programs",
        f"/programs/{program}",
        f"/programs/{program}/enrollments",
        f"/enrollments/{ready.mentee_enrollment.pk}",
        f"/programs/{program}/mentors",
        "/requests",
        "/proposals",
        "/relationships",
        f"/relationships/{relationship.pk}",
        f"/relationships/{relationship.pk}/meetings",
        f"/relationships/{relationship.pk}/commitments",
        f"/programs/{program}/relationships",
        f"/programs/{program}/relationships/{relationship.pk}",
        f"/programs/{program}/board/questions",
        f"/organizations/{ready.org.pk}/board/questions",
        f"/questions/{question.pk}",
    ]
    clients = [
        personal_client(person)
        for person in (ready.mentor, ready.other_mentor, ready.admin, ready.member, ready.outsider)
    ]
    clients.append(service_client(ready.org, ready.admin))
    # The author too: the API carries no journal and no check-in answers at all.
    clients.append(personal_client(ready.mentee))
    seen = 0
    for api in clients:
        for path in paths:
            response = api.get(path)
            assert CANARY not in response.content.decode(), path
            seen += response.status_code == 200
    assert seen > len(paths)  # most of these answered with content, not only errors


def _person_ids(value: Any) -> set[int]:
    """Return the ids of every person (id with a display name) anywhere in an API answer."""
    if isinstance(value, list):
        return set().union(*(_person_ids(v) for v in value))
    if not isinstance(value, dict):
        return set()
    found = {value["id"]} if "display_name" in value else set()
    return found.union(*(_person_ids(v) for v in value.values()))


def test_an_anonymous_asker_is_named_to_moderators_only_through_the_api(ready: World) -> None:
    """The board through the API: her name, address and ids reach moderators only."""
    from tandem.api.tests.conftest import personal_client, service_client

    ready.mentee.full_name = f"Mia {ASKER_CANARY}"
    ready.mentee.preferred_name = ASKER_CANARY
    ready.mentee.email = f"{ASKER_CANARY}@northwind.test"
    ready.mentee.save()
    hidden = _ask_and_discuss(ready, anonymous=True)
    mine = hidden.answers.get(author=ready.mentee)
    mo = hidden.answers.get(author=ready.mentor)
    board = f"/programs/{ready.program.pk}/board/questions"
    paths = [
        board,
        f"{board}?q=speak",
        f"{board}?sort=helpful",
        f"{board}?sort=unanswered",
        f"{board}?topic_id={ready.topic('Public speaking').pk}",
        f"/questions/{hidden.pk}",
    ]
    for person in (ready.mentor, ready.other_mentor):
        api = personal_client(person)
        answers = [
            api.post(f"/questions/{hidden.pk}/answers", {"body": "One more idea: breathe."}),
            api.post(f"/answers/{mine.pk}/report", {"reason": "other"}),
        ]
        for response in [*(api.get(path) for path in paths), *answers]:
            assert response.status_code in (200, 201), response.content
            where = (person.email, response.request["PATH_INFO"])
            text = response.content.decode()
            assert ASKER_CANARY not in text, where
            assert f"/people/{ready.mentee_enrollment.pk}/" not in text, where
            # Nor her person id, which would name her as well as her name.
            assert ready.mentee.pk not in _person_ids(response.json()), where
    # Mo's own answer names Mo, and the same thread asked by name names her: the diff.
    named = _ask_and_discuss(ready, anonymous=False)
    mo_api = personal_client(ready.mentor)
    assert ASKER_CANARY in mo_api.get(f"/questions/{named.pk}").content.decode()
    assert ASKER_CANARY not in mo_api.get(f"/questions/{hidden.pk}").content.decode()
    assert ready.mentee.pk in _person_ids(mo_api.get(f"/questions/{named.pk}").json())
    assert mo.pk in [a["id"] for a in mo_api.get(f"/questions/{hidden.pk}").json()["answers"]]
    # The program's admin and the organization's service token moderate: they see her.
    for api in (personal_client(ready.admin), service_client(ready.org, ready.admin)):
        detail = api.get(f"/questions/{hidden.pk}").json()
        assert ASKER_CANARY in detail["asked_by"]["name"]
        assert detail["asked_by"]["person"]["id"] == ready.mentee.pk
        assert detail["asked_by"]["hidden_from_others"] is True
        assert ready.mentee.pk in _person_ids(detail["answers"])

"""Private words stay with their author: a canary in each reaches nobody else, anywhere.

Cora coaches Cal. Cora's session note, Cal's session note and Mia's note on an
informational interview are each read by their author alone; the shared notes of a
coaching session by Cora and Cal only. Every other person, the program's admin, the
sponsor and the site's staff visit every page, export, search and API path below, and
none of it holds a canary that is not theirs. Each author takes their own words along in
the export of their data, and the other person's never.
"""

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.api.tests.conftest import personal_client, service_client
from tandem.coaching.models import Assignment, ObjectiveRating, SessionNote
from tandem.interviews import services as interview_services
from tandem.interviews.tests.conftest import happened, scheduled
from tandem.people.services.erasure import person_erase
from tandem.relationships import services
from tandem.relationships.models import Agreement, Meeting
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for

COACH_CANARY = "canary-coach-note-6b1f-walrus"
CLIENT_CANARY = "canary-client-note-2d7e-ibis"
SHARED_CANARY = "canary-shared-session-8a4c-kestrel"
INTERVIEW_CANARY = "canary-interview-note-5c9a-marten"

# Every coaching page, by name, with the arguments it takes.
COACHING_PAGES = (
    ("coaching:engagement", ("engagement",)),
    ("coaching:session", ("engagement", "meeting")),
    ("coaching:contract", ("engagement",)),
    ("coaching:hours_log", ()),
    ("coaching:closing_review", ("engagement",)),
    ("coaching:coach_profile", ("coach",)),
    ("coaching:sponsored", ()),
    ("coaching:sponsor_view", ("engagement",)),
    ("coaching:admin_engagements", ("program",)),
)


@pytest.fixture
def story(
    practice: Practice, world: World, django_capture_on_commit_callbacks: Any
) -> Iterator[Meeting]:
    """A signed coaching contract, a held session with words of every kind; mail sent."""
    with django_capture_on_commit_callbacks(execute=True):
        session = _story(practice)
    yield session


def _story(practice: Practice) -> Meeting:
    agreement = practice.agreement
    services.agreement_sign(agreement=agreement, by=practice.coach.user)
    services.agreement_sign(agreement=agreement, by=practice.client.user)
    session = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=60,
        status=Meeting.Status.HELD,
        notes=f"Shared {SHARED_CANARY}",
    )
    objective = practice.engagement.objectives.all()[0]
    ObjectiveRating.objects.create(objective=objective, meeting=session, progress=4)
    Assignment.objects.create(
        engagement=practice.engagement,
        meeting=session,
        text="Read back decisions at the end of each meeting",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        client_note="Did it twice.",
    )
    SessionNote.objects.create(
        meeting=session, author=practice.coach.user, body=f"Coach {COACH_CANARY}"
    )
    SessionNote.objects.create(
        meeting=session, author=practice.client.user, body=f"Client {CLIENT_CANARY}"
    )
    # A concern the client raises makes the admins' mail and pages hold something too.
    services.concern_raise(
        relationship=practice.relationship,
        reporter=practice.client.user,
        body="The sessions drifted to my family life, which we had left out of scope.",
    )
    return session


def _interview_note(world: World) -> Any:
    """Mia asks Mo for a conversation, they talk, and she keeps a private note of it."""
    from tandem.interviews.models import InterviewOffer
    from tandem.programs.models import EnrollmentTopic
    from tandem.relationships.tests.conftest import complete

    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    InterviewOffer.objects.create(enrollment=world.mentor_enrollment, is_offering=True, per_month=2)
    conversation = happened(scheduled(world))
    interview_services.interview_note_write(
        interview=conversation,
        by=world.mentee,
        body=f"Interview {INTERVIEW_CANARY}",
        share_if_continuing=False,
    )
    return conversation


def _people(practice: Practice) -> dict[str, User]:
    world = practice.world
    another_coach = UserFactory.create(full_name="Cyd Coach", email="cyd.coach@northwind.test")
    EnrollmentFactory.create(
        program=practice.program,
        user=another_coach,
        membership=MembershipFactory.create(user=another_coach, organization=world.org),
        is_mentee=False,
        is_coach=True,
        capacity=3,
    )
    staff = User.objects.create_superuser("root@northwind.test", "x", full_name="Root")
    return {
        "coach": practice.coach.user,
        "client": practice.client.user,
        "sponsor": practice.sponsor,
        "program admin": practice.admin,
        "another coach": another_coach,
        "mentee of another program": world.mentee,
        "mentor of another program": world.mentor,
        "another member": world.member,
        "outsider": world.outsider,
        "staff": staff,
    }


def _readers(practice: Practice, world: World) -> dict[str, set[int]]:
    coach, client = practice.coach.user_id, practice.client.user_id
    return {
        COACH_CANARY: {coach},
        CLIENT_CANARY: {client},
        SHARED_CANARY: {coach, client},
        INTERVIEW_CANARY: {world.mentee.pk},
    }


def coaching_pages(practice: Practice, session: Meeting) -> list[str]:
    """Return every coaching page, for the people in the practice and its first session."""
    values = {
        "engagement": practice.engagement.pk,
        "meeting": session.pk,
        "coach": practice.coach.pk,
        "program": practice.program.pk,
    }
    found: list[str] = []
    for name, params in COACHING_PAGES:
        found.append(reverse(name, args=[values[p] for p in params]))
    return [*found, reverse("coaching:hours_log") + "?format=csv"]


def _pages(practice: Practice, session: Meeting, conversation: Any) -> list[str]:
    world = practice.world
    program = practice.program.pk
    relationship = practice.relationship
    concern = relationship.concerns.get()
    search = f"?q={COACH_CANARY[:20]}"
    return [
        "/",
        reverse("relationships:list"),
        reverse("relationships:journal"),
        reverse("relationships:export"),
        reverse("notifications:list"),
        reverse("relationships:detail", args=[relationship.pk]),
        reverse("relationships:agreement", args=[relationship.pk]),
        reverse("relationships:meeting", args=[session.pk]),
        reverse("relationships:concern", args=[concern.pk]),
        reverse("relationships:program", args=[program]),
        reverse("relationships:directory", args=[program]),
        reverse("relationships:directory", args=[program]) + search,
        reverse("people:members", args=[world.org.pk]) + search,
        reverse("programs:detail", args=[program]),
        reverse("programs:manage", args=[program]),
        reverse("programs:person", args=[program, practice.client.pk]),
        reverse("programs:person", args=[program, practice.coach.pk]),
        reverse("relationships:program_export", args=[program, "csv"]),
        reverse("insights:impact_export", args=[program, "csv"]),
        reverse("insights:stalled_export", args=[program, "csv"]),
        reverse("insights:legacy"),
        reverse("interviews:mine"),
        reverse("interviews:detail", args=[conversation.pk]),
        reverse("relationships:program_export", args=[world.program.pk, "csv"]),
        "/admin/relationships/relationship/",
        f"/admin/relationships/relationship/{relationship.pk}/change/",
        "/admin/relationships/concern/",
        *coaching_pages(practice, session),
    ]


def _api_paths(practice: Practice, session: Meeting) -> list[str]:
    program, relationship = practice.program.pk, practice.relationship.pk
    return [
        "/me",
        "/me/enrollments",
        "/relationships",
        f"/relationships/{relationship}",
        f"/relationships/{relationship}/meetings",
        f"/programs/{program}/relationships",
        f"/programs/{program}/relationships/{relationship}",
        f"/enrollments/{practice.client.pk}",
        f"/enrollments/{practice.coach.pk}",
    ]


def _leaks(text: str, reader: int, readers: dict[str, set[int]]) -> list[str]:
    return [
        canary for canary, allowed in readers.items() if reader not in allowed and canary in text
    ]


def test_private_coaching_and_interview_notes_reach_nobody_but_their_author(
    practice: Practice, world: World, story: Meeting
) -> None:
    conversation = _interview_note(world)
    people = _people(practice)
    readers = _readers(practice, world)
    pages = _pages(practice, story, conversation)
    visited = 0
    for persona, person in people.items():
        client = client_for(person)
        for url in pages:
            response = client.get(url)
            visited += response.status_code == 200
            text = response.content.decode(errors="replace")
            assert not _leaks(text, person.pk, readers), (persona, url)
    assert visited > len(pages)  # most pages answered with content, not only refusals
    # The authors do read their own words where they wrote them.
    meeting = reverse("relationships:meeting", args=[story.pk])
    for person in (practice.coach.user, practice.client.user):
        assert SHARED_CANARY in client_for(person).get(meeting).content.decode()
    own = client_for(world.mentee).get(reverse("interviews:detail", args=[conversation.pk]))
    assert INTERVIEW_CANARY in own.content.decode()
    assert mail.outbox
    for message in mail.outbox:
        for address in message.to:
            reader = User.objects.filter(email=address).values_list("pk", flat=True).first()
            words = f"{message.subject} {message.body}"
            assert not _leaks(words, reader or 0, readers), (address, message.subject)


def test_private_notes_reach_nobody_through_the_api(
    practice: Practice, world: World, story: Meeting
) -> None:
    people = _people(practice)
    readers = _readers(practice, world)
    paths = _api_paths(practice, story)
    answered = 0
    for persona, person in people.items():
        api = personal_client(person)
        for path in paths:
            response = api.get(path)
            answered += response.status_code == 200
            assert not _leaks(response.content.decode(), person.pk, readers), (persona, path)
    service = service_client(world.org, world.admin)
    for path in paths:
        text = service.get(path).content.decode()
        assert not _leaks(text, 0, readers), ("service", path)
    assert answered > len(paths)


def test_each_export_holds_its_owners_notes_and_never_the_partners(
    practice: Practice, story: Meeting
) -> None:
    def export(user: User) -> dict[str, Any]:
        response = client_for(user).get(reverse("relationships:export"))
        assert response.status_code == 200
        return response.json()

    client = export(practice.client.user)
    mine = client["coaching"]
    (engagement,) = mine["engagements"]
    assert (engagement["role"], engagement["engagement_id"]) == ("client", practice.engagement.pk)
    assert [o["text"] for o in engagement["objectives"]] == list(
        practice.engagement.objectives.values_list("text", flat=True)
    )
    assert engagement["objectives"][0]["ratings"][0]["progress"] == 4
    assert engagement["assignments"][0]["client_note"] == "Did it twice."
    assert [n["body"] for n in mine["session_notes"]] == [f"Client {CLIENT_CANARY}"]
    assert mine["coach_profiles"] == []
    text = str(client)
    assert CLIENT_CANARY in text and SHARED_CANARY in text and COACH_CANARY not in text

    coach = export(practice.coach.user)
    theirs = coach["coaching"]
    assert [e["role"] for e in theirs["engagements"]] == ["coach"]
    assert [p["credentials"] for p in theirs["coach_profiles"]] == ["ICF PCC (2019)"]
    assert [n["body"] for n in theirs["session_notes"]] == [f"Coach {COACH_CANARY}"]
    text = str(coach)
    assert COACH_CANARY in text and SHARED_CANARY in text and CLIENT_CANARY not in text

    sponsor = str(export(practice.sponsor))
    assert not any(c in sponsor for c in (COACH_CANARY, CLIENT_CANARY, SHARED_CANARY))


def test_erasing_a_coach_removes_their_notes_and_keeps_the_clients(
    practice: Practice, story: Meeting, django_capture_on_commit_callbacks
) -> None:
    coach = practice.coach.user
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=coach, by=coach)
    assert not SessionNote.objects.filter(author=coach).exists()
    assert SessionNote.objects.filter(author=practice.client.user).count() == 1
    profile = practice.coach.coach_profile
    profile.refresh_from_db()
    assert (profile.credentials, profile.approach, profile.availability) == ("", "", "")
    # The shared notes of the session stay for the client, as any pair's do.
    assert Meeting.objects.get(pk=story.pk).notes == f"Shared {SHARED_CANARY}"
    assert Agreement.objects.filter(relationship=practice.relationship).exists()

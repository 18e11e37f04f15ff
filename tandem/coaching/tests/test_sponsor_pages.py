"""The sponsor's pages: the numbers of the engagements they sponsor, and nothing anyone wrote."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching.models import Assignment, Engagement, ObjectiveRating, SessionNote
from tandem.relationships.models import Concern, Meeting, Relationship
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, UserFactory
from tandem.testing.fixtures import client_for

PRIVATE_NOTE = "canary-session-note-7c1f-heron"
MEETING_NOTES = "canary-meeting-notes-2b9a-otter"
AGENDA = "canary-agenda-5d0e-lynx"
ASSIGNMENT = "canary-assignment-9e3b-wren"
CONCERN = "canary-concern-4a6c-stoat"
CLIENT_NOTE = "canary-client-note-1f8d-vole"


def _held(practice: Practice, *, days_ago: int, minutes: int) -> Meeting:
    return Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        duration_minutes=minutes,
        status=Meeting.Status.HELD,
        agenda=AGENDA,
        notes=MEETING_NOTES,
    )


def _worked(practice: Practice) -> Engagement:
    """Two sessions held, ratings given, notes, an assignment and a concern written."""
    engagement = practice.start()
    first = _held(practice, days_ago=14, minutes=60)
    second = _held(practice, days_ago=3, minutes=90)
    one, two = engagement.objectives.all()
    ObjectiveRating.objects.create(objective=one, meeting=first, progress=2)
    ObjectiveRating.objects.create(objective=one, meeting=second, progress=6)
    ObjectiveRating.objects.create(objective=two, meeting=second, progress=3)
    SessionNote.objects.create(meeting=second, author=practice.coach.user, body=PRIVATE_NOTE)
    Assignment.objects.create(
        engagement=engagement,
        meeting=second,
        text=ASSIGNMENT,
        due_on=timezone.localdate() + datetime.timedelta(days=7),
        client_note=CLIENT_NOTE,
    )
    Concern.objects.create(
        relationship=practice.relationship,
        reporter=practice.client.user,
        kind=Concern.Kind.BEYOND_SCOPE,
        body=CONCERN,
    )
    return engagement


def _secrets(practice: Practice) -> list[str]:
    objectives = list(practice.engagement.objectives.values_list("text", "measure"))
    return [
        PRIVATE_NOTE,
        MEETING_NOTES,
        AGENDA,
        ASSIGNMENT,
        CONCERN,
        CLIENT_NOTE,
        *(text for pair in objectives for text in pair),
    ]


def test_the_sponsor_sees_hours_sessions_and_average_progress(practice: Practice) -> None:
    engagement = _worked(practice)
    client = client_for(practice.sponsor)

    listing = client.get(reverse("coaching:sponsored"))
    page = client.get(reverse("coaching:sponsor_view", args=[engagement.pk]))

    assert listing.status_code == 200
    listed = listing.content.decode()
    assert "Cal Client" in listed and "Cora Coach" in listed
    assert "2 of 6" in listed and "2.5 of 6.0" in listed
    assert page.status_code == 200
    shown = page.content.decode()
    assert "2 of 6" in shown and "2.5 of 6.0" in shown
    # Latest ratings 6 and 3: an average of 4.5 over the two objectives.
    assert "4.5 / 10" in shown and "objectives agreed" in shown
    assert "Not yet" in shown  # no closing review
    assert "What you do not see, and why" in shown


def test_the_closing_review_shows_as_done(practice: Practice) -> None:
    engagement = _worked(practice)
    Engagement.objects.filter(pk=engagement.pk).update(
        closing_reviewed_at=timezone.now(), closing_summary="canary-closing-summary-0a2b"
    )

    page = client_for(practice.sponsor).get(reverse("coaching:sponsor_view", args=[engagement.pk]))

    shown = page.content.decode()
    assert "Done" in shown and "canary-closing-summary-0a2b" not in shown


def test_no_note_assignment_agenda_concern_or_objective_reaches_the_sponsor(
    practice: Practice,
) -> None:
    engagement = _worked(practice)
    client = client_for(practice.sponsor)

    pages = [
        client.get(reverse("coaching:sponsored")),
        client.get(reverse("coaching:sponsor_view", args=[engagement.pk])),
        client.get(reverse("home")),
    ]

    for response in pages:
        assert response.status_code == 200
        body = response.content.decode()
        for secret in _secrets(practice):
            assert secret not in body, secret


def test_only_the_sponsor_may_open_the_sponsor_view(practice: Practice) -> None:
    engagement = _worked(practice)
    url = reverse("coaching:sponsor_view", args=[engagement.pk])
    others: list[User] = [
        practice.coach.user,
        practice.client.user,
        practice.admin,
        practice.world.mentee,
        practice.world.outsider,
        UserFactory.create(),
    ]

    for person in others:
        assert client_for(person).get(url).status_code == 404, person.email
    missing = reverse("coaching:sponsor_view", args=[engagement.pk + 1000])
    assert client_for(practice.sponsor).get(missing).status_code == 404


def test_home_offers_sponsored_coaching_only_to_sponsors(practice: Practice) -> None:
    link = reverse("coaching:sponsored")

    sponsor_home = client_for(practice.sponsor).get(reverse("home")).content.decode()
    client_home = client_for(practice.client.user).get(reverse("home")).content.decode()

    assert f'href="{link}"' in sponsor_home
    assert f'href="{link}"' not in client_home


def test_someone_who_sponsors_nothing_reads_so(practice: Practice) -> None:
    page = client_for(practice.world.mentee).get(reverse("coaching:sponsored"))

    assert page.status_code == 200
    assert "You do not sponsor any coaching engagement" in page.content.decode()
    assert "Cal Client" not in page.content.decode()


def _another(practice: Practice) -> Engagement:
    """Another client of another coach, sponsored by the same sponsor."""
    coach = EnrollmentFactory.create(program=practice.program, is_mentee=False, is_coach=True)
    client = EnrollmentFactory.create(program=practice.program)
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=coach,
        mentee=client,
        focus=practice.relationship.focus,
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
        started_at=timezone.now(),
    )
    Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=45,
        status=Meeting.Status.HELD,
    )
    return Engagement.objects.create(
        relationship=relationship,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
        sponsor=practice.sponsor,
    )


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("coaching:sponsored"))
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_more_engagements(practice: Practice) -> None:
    _worked(practice)
    client = client_for(practice.sponsor)
    client.get(reverse("coaching:sponsored"))
    one = _queries(client)

    _another(practice)
    _another(practice)

    assert _queries(client) == one
    assert client.get(reverse("coaching:sponsored")).content.decode().count("0.8 of 6.0") == 2

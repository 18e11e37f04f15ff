"""Who may reach an engagement and what it holds: every persona, every kind of object.

Coach and client reach the engagement, its objectives, ratings and assignments; each
reaches only their own session note. The sponsor reaches the engagement through the
sponsor's getter only (for figures), never through the participants' getter or a note.
The program admin, another coach of the program, another member, an outsider of another
organization and an anonymous visitor reach nothing. A forbidden id and a missing id fail
alike.
"""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tandem.coaching.models import (
    Assignment,
    CoachProfile,
    Engagement,
    Objective,
    ObjectiveRating,
    SessionNote,
)
from tandem.core.errors import NotFound
from tandem.policy.access.coaching import (
    coach_profile_get_own,
    engagement_get_for_sponsor,
    engagement_get_for_user,
    engagements_of,
    engagements_sponsored_by,
    session_note_get_for_author,
)
from tandem.relationships.models import Meeting, Relationship
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory

PERSONAS = (
    "coach",
    "client",
    "sponsor",
    "program admin",
    "another coach",
    "another member",
    "outsider",
    "anonymous",
)
# What each persona reaches through the participants' getter and the sponsor's getter.
REACHES_ENGAGEMENT = {"coach", "client"}
REACHES_FIGURES = {"sponsor"}


@pytest.fixture
def session(practice: Practice) -> Meeting:
    """An active engagement with one held session, a rating, an assignment and two notes."""
    practice.start()
    meeting = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        duration_minutes=60,
        status=Meeting.Status.HELD,
        notes="Shared: agreed the read-back at the end of meetings.",
    )
    objective = practice.engagement.objectives.all()[0]
    ObjectiveRating.objects.create(objective=objective, meeting=meeting, progress=3)
    Assignment.objects.create(
        engagement=practice.engagement,
        meeting=meeting,
        text="Read back decisions at the end of each meeting",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    SessionNote.objects.create(meeting=meeting, author=practice.coach.user, body="Coach only.")
    SessionNote.objects.create(meeting=meeting, author=practice.client.user, body="Client only.")
    return meeting


def _personas(practice: Practice) -> dict[str, Any]:
    # Any: the helpers take a request's user, which may be anonymous.
    world = practice.world
    another_coach = UserFactory.create(full_name="Cyd Coach", email="cyd.coach@northwind.test")
    membership = MembershipFactory.create(user=another_coach, organization=world.org)
    EnrollmentFactory.create(
        program=practice.program,
        user=another_coach,
        membership=membership,
        is_mentee=False,
        is_coach=True,
        capacity=3,
    )
    return {
        "coach": practice.coach.user,
        "client": practice.client.user,
        "sponsor": practice.sponsor,
        "program admin": practice.admin,
        "another coach": another_coach,
        "another member": world.member,
        "outsider": world.outsider,
        "anonymous": AnonymousUser(),
    }


def _reached(getter: Any, user: Any, engagement_id: int) -> Engagement | None:
    try:
        return getter(user=user, engagement_id=engagement_id)
    except NotFound:
        return None


def test_each_persona_reaches_the_engagement_and_its_content_as_the_policy_says(
    practice: Practice, session: Meeting
) -> None:
    engagement = practice.engagement
    for persona, user in _personas(practice).items():
        reached = _reached(engagement_get_for_user, user, engagement.pk)
        if persona in REACHES_ENGAGEMENT:
            assert reached == engagement, persona
            assert list(engagements_of(user)) == [engagement], persona
            # Objectives, their ratings and assignments come with the engagement.
            assert list(reached.objectives.all()) == list(
                Objective.objects.filter(engagement=engagement)
            )
            assert ObjectiveRating.objects.filter(objective__engagement=reached).count() == 1
            assert reached.assignments.count() == 1
        else:
            assert reached is None, persona
            assert not engagements_of(user).exists(), persona
        figures = _reached(engagement_get_for_sponsor, user, engagement.pk)
        if persona in REACHES_FIGURES:
            assert figures == engagement
            assert list(engagements_sponsored_by(user)) == [engagement]
        else:
            assert figures is None, persona
            assert not engagements_sponsored_by(user).exists(), persona


def test_a_session_note_is_read_by_its_author_alone(practice: Practice, session: Meeting) -> None:
    for persona, user in _personas(practice).items():
        note = session_note_get_for_author(user=user, meeting=session)
        if persona == "coach":
            assert note is not None and note.body == "Coach only.", persona
        elif persona == "client":
            assert note is not None and note.body == "Client only.", persona
        else:
            assert note is None, persona


def test_a_coach_profile_is_reached_by_its_coach_alone(practice: Practice) -> None:
    profile = CoachProfile.objects.get(enrollment=practice.coach)
    for persona, user in _personas(practice).items():
        if persona == "coach":
            own = coach_profile_get_own(user=user, enrollment_id=practice.coach.pk)
            assert own == profile and own.hours_per_client == Decimal("8")
            continue
        with pytest.raises(NotFound):
            coach_profile_get_own(user=user, enrollment_id=practice.coach.pk)


def test_a_coach_without_a_profile_gets_a_blank_one_of_their_own(practice: Practice) -> None:
    CoachProfile.objects.filter(enrollment=practice.coach).delete()
    blank = coach_profile_get_own(user=practice.coach.user, enrollment_id=practice.coach.pk)
    assert blank.pk is None and blank.enrollment == practice.coach
    # A client enrollment is not a coach's: no profile to edit there.
    with pytest.raises(NotFound):
        coach_profile_get_own(user=practice.client.user, enrollment_id=practice.client.pk)


def test_a_missing_id_and_a_forbidden_id_fail_alike(practice: Practice, session: Meeting) -> None:
    personas = _personas(practice)
    missing = practice.engagement.pk + 100
    missing_enrollment = practice.coach.pk + 1000
    cases = (
        (engagement_get_for_user, personas["another coach"], "engagement_id"),
        (engagement_get_for_sponsor, personas["client"], "engagement_id"),
        (coach_profile_get_own, personas["client"], "enrollment_id"),
    )
    for getter, user, key in cases:
        forbidden = practice.coach.pk if key == "enrollment_id" else practice.engagement.pk
        absent = missing_enrollment if key == "enrollment_id" else missing
        with pytest.raises(NotFound) as refused:
            getter(user=user, **{key: forbidden})
        with pytest.raises(NotFound) as gone:
            getter(user=user, **{key: absent})
        assert str(refused.value) == str(gone.value), getter.__name__


def test_a_closed_engagement_stays_with_its_two_people(
    practice: Practice, session: Meeting
) -> None:
    Relationship.objects.filter(pk=practice.relationship.pk).update(
        status=Relationship.Status.CLOSED,
        closed_at=timezone.now(),
        close_reason=Relationship.CloseReason.COMPLETED,
    )
    personas = _personas(practice)
    for persona in ("coach", "client"):
        assert _reached(engagement_get_for_user, personas[persona], practice.engagement.pk)
    assert (
        _reached(engagement_get_for_user, personas["program admin"], practice.engagement.pk) is None
    )
    note = session_note_get_for_author(user=personas["coach"], meeting=session)
    assert note is not None and note.body == "Coach only."

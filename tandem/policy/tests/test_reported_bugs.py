"""Regression tests for the pairing bugs people hit before the policy was one module."""

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.matching.models import MatchingRound
from tandem.matching.services import round_start
from tandem.policy.eligibility import places_left
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.relationships import services
from tandem.relationships.models import Proposal, Relationship
from tandem.relationships.selectors import mentor_directory
from tandem.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.rounds import round_create_default

MESSAGE = "I would value your view on budgeting: I am new to it and want to learn from you."


def _person(org, name):
    user = UserFactory.create(full_name=name)
    MembershipFactory.create(user=user, organization=org)
    return user


def _enroll(program, user, *, mentor=False, peer=False, capacity=1, topic=None):
    enrollment = Enrollment.objects.create(
        program=program,
        user=user,
        membership=user.memberships.get(),
        is_mentee=not mentor and not peer,
        is_mentor=mentor,
        is_peer=peer,
        capacity=capacity,
        accepting_now=True,
        goals="Get better at budgeting.",
        profile_completed_at=timezone.now(),
    )
    for kind in ("focus", "expertise"):
        EnrollmentTopic.objects.create(enrollment=enrollment, topic=topic, kind=kind, level=3)
    return enrollment


@pytest.fixture
def org(db: None):
    org = OrganizationFactory.create()
    Topic.objects.create(organization=org, name="Budgeting", slug="budgeting")
    return org


def test_a_capacity_one_peer_cannot_hold_two_proposals(org) -> None:
    topic = org.topics.get()
    program = ProgramFactory.create(
        organization=org, format=Program.Format.PEER, matching_mode=Program.MatchingMode.ROUNDS
    )
    ana, ben, cy = (
        _enroll(program, _person(org, n), peer=True, topic=topic) for n in ("Ana", "Ben", "Cy")
    )
    services.proposal_create(
        program=program, mentor=ben, mentee=ana, focus=topic, score=0.5, reasons=["Fit"]
    )
    with pytest.raises(DomainError, match="Ana already has as many peers"):
        services.proposal_create(
            program=program, mentor=cy, mentee=ana, focus=topic, score=0.5, reasons=["Fit"]
        )
    assert Proposal.objects.filter(program=program).count() == 1
    assert places_left(ana) == 0 and places_left(ben) == 0 and places_left(cy) == 1


def test_a_not_a_fit_in_one_program_keeps_the_pair_apart_in_the_other(
    org, django_capture_on_commit_callbacks
) -> None:
    topic = org.topics.get()
    first = ProgramFactory.create(organization=org, matching_mode=Program.MatchingMode.BOTH)
    second = ProgramFactory.create(organization=org, matching_mode=Program.MatchingMode.BOTH)
    mia, mo = _person(org, "Mia"), _person(org, "Mo")
    request = services.request_send(
        mentee=_enroll(first, mia, topic=topic),
        mentor=_enroll(first, mo, mentor=True, topic=topic),
        focus=topic,
        message=MESSAGE,
    )
    relationship = services.request_accept(request=request, by=mo)
    services.relationship_close(
        relationship=relationship, by=mia, reason=Relationship.CloseReason.NOT_A_FIT
    )
    mentee, mentor = (
        _enroll(second, mia, topic=topic),
        _enroll(second, mo, mentor=True, topic=topic),
    )

    # Not in her directory, not by request, not in a round of the other program.
    assert mentor_directory(mentee=mentee).cards == []
    with pytest.raises(DomainError, match="not to be matched"):
        services.request_send(mentee=mentee, mentor=mentor, focus=topic, message=MESSAGE)
    created = round_create_default(program=second, by=mia)
    with django_capture_on_commit_callbacks(execute=True):
        round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    assert not created.pairs.exists()
    assert created.report["unmatched"][0]["mentee"] == mentee.pk


def test_places_left_are_the_same_on_every_page_and_path(org) -> None:
    topic = org.topics.get()
    program = ProgramFactory.create(organization=org, matching_mode=Program.MatchingMode.BOTH)
    mo = _enroll(program, _person(org, "Mo"), mentor=True, capacity=3, topic=topic)
    mia, max_ = (_enroll(program, _person(org, n), topic=topic) for n in ("Mia", "Max"))
    ida = _enroll(program, _person(org, "Ida"), topic=topic)
    # One relationship and one proposal still waiting for answers each hold a place.
    request = services.request_send(mentee=mia, mentor=mo, focus=topic, message=MESSAGE)
    services.request_accept(request=request, by=mo.user)
    services.proposal_create(
        program=program, mentor=mo, mentee=max_, focus=topic, score=0.5, reasons=["Fit"]
    )
    assert places_left(mo) == 1
    [card] = mentor_directory(mentee=ida).cards
    assert card.places_left == 1 and card.can_ask

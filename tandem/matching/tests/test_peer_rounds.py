"""Peer co-mentoring rounds: one set of people, each pair once, each peer with their own focus."""

from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.core.errors import DomainError
from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.relationships import services as relationships
from tandem.relationships.models import Proposal, Relationship
from tandem.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.fixtures import client_for
from tandem.testing.rounds import round_create_default

# Each peer wants help with one topic and offers another, round the circle.
TOPICS = ("Leadership", "Budgeting", "Writing", "Negotiation", "Public speaking")


@pytest.fixture
def peers(db: None) -> tuple[Program, list[Enrollment]]:
    org = OrganizationFactory.create()
    topics = [Topic.objects.create(organization=org, name=n, slug=n.lower()) for n in TOPICS]
    program = ProgramFactory.create(
        organization=org, format=Program.Format.PEER, matching_mode=Program.MatchingMode.ROUNDS
    )
    enrollments = []
    for i in range(7):
        user = UserFactory.create(full_name=f"Peer {i}")
        membership = MembershipFactory.create(user=user, organization=org)
        enrollment = Enrollment.objects.create(
            program=program,
            user=user,
            membership=membership,
            is_peer=True,
            capacity=1,
            accepting_now=True,
            goals="Grow into a bigger role.",
            profile_completed_at=timezone.now(),
        )
        EnrollmentTopic.objects.create(
            enrollment=enrollment, topic=topics[i % 5], kind="focus", level=3
        )
        EnrollmentTopic.objects.create(
            enrollment=enrollment, topic=topics[(i + 1) % 5], kind="expertise", level=3
        )
        EnrollmentTopic.objects.create(
            enrollment=enrollment, topic=topics[(i + 4) % 5], kind="expertise", level=2
        )
        enrollments.append(enrollment)
    return program, enrollments


def _run(program: Program, capture: object) -> MatchingRound:
    created = round_create_default(
        program=program,
        by=program.enrollments.first().user,  # type: ignore[union-attr]
    )
    with capture(execute=True):  # type: ignore[operator]
        services.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY, created.error
    return created


def test_a_peer_round_pairs_each_person_at_most_their_capacity_and_never_twice(
    peers, django_capture_on_commit_callbacks
) -> None:
    program, _people = peers
    created = _run(program, django_capture_on_commit_callbacks)
    pairs = list(created.pairs.all())
    # Seven people with one place each: three pairs, one person left for the next round.
    assert len(pairs) == 3
    seats = Counter([p.mentee_id for p in pairs] + [p.mentor_id for p in pairs])
    assert max(seats.values()) == 1
    assert all(p.mentee_id != p.mentor_id for p in pairs)
    assert all(p.focus_id and p.peer_focus_id for p in pairs)
    assert all(p.reasons for p in pairs)


def test_peers_each_keep_their_own_focus_through_proposal_agreement_and_page(
    peers, django_capture_on_commit_callbacks
) -> None:
    program, _people = peers
    created = _run(program, django_capture_on_commit_callbacks)
    assert services.round_publish(matching_round=created) == 3
    proposal = Proposal.objects.select_related("mentor__user", "mentee__user").first()
    assert proposal is not None and proposal.peer_focus is not None
    for person in (proposal.mentee.user, proposal.mentor.user):
        relationships.proposal_answer(proposal=proposal, by=person, accept=True)
    relationship = Relationship.objects.get(proposal=proposal)
    assert relationship.focus == proposal.focus
    assert relationship.peer_focus == proposal.peer_focus
    page = client_for(relationship.mentee.user).get(
        reverse("relationships:detail", args=[relationship.pk])
    )
    body = page.content.decode()
    assert relationship.focus.name in body and relationship.peer_focus.name in body
    agreement = client_for(relationship.mentor.user).get(
        reverse("relationships:agreement", args=[relationship.pk])
    )
    assert relationship.peer_focus.name in agreement.content.decode()


def test_a_peer_round_never_pairs_someone_with_their_manager(
    peers, django_capture_on_commit_callbacks
) -> None:
    program, people = peers
    boss = Membership.objects.get(user=people[0].user)
    Membership.objects.filter(user=people[1].user).update(manager=boss)
    Membership.objects.filter(user=people[2].user).update(
        manager=Membership.objects.get(user=people[1].user)
    )
    created = _run(program, django_capture_on_commit_callbacks)
    line = {people[0].pk, people[1].pk, people[2].pk}
    for pair in created.pairs.all():
        assert not {pair.mentee_id, pair.mentor_id} <= line


def test_a_full_peer_cannot_be_swapped_into_a_second_pair(
    peers, django_capture_on_commit_callbacks
) -> None:
    program, _people = peers
    created = _run(program, django_capture_on_commit_callbacks)
    first, second = list(created.pairs.all())[:2]
    with pytest.raises(DomainError, match="no free place"):
        services.pair_swap_mentor(matching_round=created, pair_id=second.pk, mentor=first.mentor)
    assert created.pairs.filter(mentor=first.mentor).count() == 1


def test_peers_published_one_pair_a_chunk_get_what_one_batch_gives(
    peers, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each peer pair holds a place on both sides: the chunks after the first count the
    # proposals already sent as the single batch counted the pairs before.
    program, _people = peers
    created = _run(program, django_capture_on_commit_callbacks)
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 1)
    assert services.round_publish(matching_round=created) == 3
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.PUBLISHED
    proposals = Proposal.objects.filter(program=program)
    assert proposals.count() == 3
    assert proposals.values("expires_at").distinct().count() == 1
    for pair in created.pairs.select_related("proposal"):
        assert pair.proposal is not None
        assert (pair.proposal.mentee_id, pair.proposal.mentor_id) == (
            pair.mentee_id,
            pair.mentor_id,
        )
        assert pair.proposal.peer_focus_id == pair.peer_focus_id

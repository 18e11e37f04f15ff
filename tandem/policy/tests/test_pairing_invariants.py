"""Random organizations driven through every path that pairs people, checked after each step.

Each seed builds an organization with a random reporting hierarchy and three programs on
the same people (a mentee-choice-and-rounds program, a rounds-only program and a peer
program), then takes random steps: requests sent over HTTP and through services, accepted
and declined; rounds run, swapped, locked and published; proposals answered from either
side; relationships paused, resumed and closed, some as "not a fit". After every step the
database must satisfy the pairing rules, checked here with an independent walk of the
hierarchy rather than the policy's own queries.
"""

import contextlib
import random
from collections import Counter
from dataclasses import dataclass, field

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership, Organization, User
from tandem.core.errors import DomainError
from tandem.matching import services as matching
from tandem.matching.models import MatchingRound
from tandem.policy.eligibility import givers_for, pair_refusal, seeker_refusal
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship
from tandem.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.fixtures import client_for
from tandem.testing.rounds import round_create_default

MESSAGE = "I would value your view on this: I am new to it and want to learn from someone kind."
OPEN = Relationship.HOLDS_CAPACITY


@dataclass
class Org:
    org: Organization
    users: list[User]
    programs: list[Program]
    topics: list[Topic]
    # (user a, user b) -> highest ids of request, proposal, relationship when they failed.
    failed: dict[frozenset[int], tuple[int, int, int]] = field(default_factory=dict)
    done: Counter[str] = field(default_factory=Counter)


def _build(rng: random.Random, people: int) -> Org:
    org = OrganizationFactory.create()
    topics = [
        Topic.objects.create(organization=org, name=name, slug=name.lower())
        for name in ("Leadership", "Budgeting", "Writing", "Negotiation")
    ]
    users: list[User] = []
    memberships: list[Membership] = []
    for i in range(people):
        user = UserFactory.create(full_name=f"Person {i}")
        # A forest: most people report to someone earlier, a few are at the top.
        manager = rng.choice(memberships) if memberships and rng.random() < 0.8 else None
        memberships.append(MembershipFactory.create(user=user, organization=org, manager=manager))
        users.append(user)
    choice = ProgramFactory.create(
        organization=org, matching_mode=Program.MatchingMode.BOTH, mentors_per_mentee=3
    )
    rounds = ProgramFactory.create(
        organization=org, matching_mode=Program.MatchingMode.ROUNDS, mentors_per_mentee=2
    )
    peers = ProgramFactory.create(
        organization=org, format=Program.Format.PEER, matching_mode=Program.MatchingMode.ROUNDS
    )
    for program in (choice, rounds):
        for user in users:
            _enroll(rng, program, user, topics, peer=False)
    for user in users:
        _enroll(rng, peers, user, topics, peer=True)
    return Org(org=org, users=users, programs=[choice, rounds, peers], topics=topics)


def _enroll(
    rng: random.Random, program: Program, user: User, topics: list[Topic], *, peer: bool
) -> None:
    mentee = peer or rng.random() < 0.7
    mentor = not peer and (not mentee or rng.random() < 0.4)
    enrollment = Enrollment.objects.create(
        program=program,
        user=user,
        membership=user.memberships.get(),
        is_mentee=mentee and not peer,
        is_mentor=mentor,
        is_peer=peer,
        capacity=rng.randint(1, 3) if (mentor or peer) else 0,
        accepting_now=rng.random() < 0.85,
        mentors_wanted=rng.randint(1, program.mentors_per_mentee),
        goals="Grow into a bigger role and get better at working with people.",
        profile_completed_at=timezone.now(),
    )
    for kind, wanted in (("focus", mentee), ("expertise", mentor or peer)):
        if wanted:
            for topic in rng.sample(topics, rng.randint(1, 3)):
                EnrollmentTopic.objects.create(
                    enrollment=enrollment, topic=topic, kind=kind, level=rng.randint(1, 3)
                )


# The steps. Each may be refused with a DomainError; a refusal must leave nothing behind.


def _send_request(rng: random.Random, world: Org) -> None:
    program = world.programs[0]
    mentee = rng.choice(list(program.enrollments.filter(is_mentee=True)))
    mentor = rng.choice(list(program.enrollments.filter(is_mentor=True)))
    focus = rng.choice(list(mentee.topics.filter(kind="focus"))).topic
    if rng.random() < 0.5:  # through the form, as a person would
        url = reverse("relationships:request_new", args=[program.pk, mentor.pk])
        response = client_for(mentee.user).post(url, {"focus": focus.pk, "message": MESSAGE})
        assert response.status_code in (200, 302, 404), response.status_code
        if response.status_code == 302:
            world.done["request form"] += 1
        return
    services.request_send(mentee=mentee, mentor=mentor, focus=focus, message=MESSAGE)
    world.done["request"] += 1


def _answer_request(rng: random.Random, world: Org) -> None:
    waiting = list(
        MentorshipRequest.objects.filter(
            status="pending", program__organization=world.org
        ).select_related("mentor")
    )
    if not waiting:
        return
    request = rng.choice(waiting)
    if rng.random() < 0.8:
        services.request_accept(request=request, by=request.mentor.user)
        world.done["request accept"] += 1
    else:
        services.request_decline(request=request, by=request.mentor.user, reply="Not now, sorry.")


def _run_round(rng: random.Random, world: Org, capture: object) -> None:
    program = rng.choice(world.programs)
    created = round_create_default(
        program=program,
        by=world.users[0],
        solver=rng.choice(["optimal", "stable"]),
        seed=rng.randint(1, 100),
    )
    with capture(execute=True):  # type: ignore[operator]
        matching.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY, created.error
    pairs = list(created.pairs.all())
    if pairs and rng.random() < 0.5:
        pair = rng.choice(pairs)
        other = rng.choice(list(program.enrollments.exclude(pk=pair.mentee_id)))
        try:
            matching.pair_swap_mentor(matching_round=created, pair_id=pair.pk, mentor=other)
            world.done["swap"] += 1
        except DomainError:
            pass
    if pairs and rng.random() < 0.5:
        pair = rng.choice(list(created.pairs.all()))
        matching.pair_lock(matching_round=created, pair_id=pair.pk, locked=True)
        world.done["lock"] += 1
    if created.pairs.exists():
        matching.round_publish(matching_round=created)
        world.done["publish peers" if program.is_peer else "publish"] += 1


def _answer_proposal(rng: random.Random, world: Org) -> None:
    waiting = list(
        Proposal.objects.filter(status="pending", program__organization=world.org).select_related(
            "mentor__user", "mentee__user"
        )
    )
    if not waiting:
        return
    proposal = rng.choice(waiting)
    person = rng.choice([proposal.mentor.user, proposal.mentee.user])
    services.proposal_answer(proposal=proposal, by=person, accept=rng.random() < 0.85)
    world.done["proposal answer"] += 1


def _end_or_pause(rng: random.Random, world: Org) -> None:
    open_ = list(
        Relationship.objects.filter(
            status__in=OPEN, program__organization=world.org
        ).select_related("mentor", "mentee")
    )
    if not open_:
        return
    relationship = rng.choice(open_)
    person = rng.choice([relationship.mentor.user, relationship.mentee.user])
    if relationship.status == Relationship.Status.ACTIVE and rng.random() < 0.3:
        services.relationship_pause(relationship=relationship, by=person)
        return
    if relationship.status == Relationship.Status.PAUSED and rng.random() < 0.5:
        services.relationship_resume(relationship=relationship, by=person)
        return
    reason = rng.choice([Relationship.CloseReason.NOT_A_FIT, Relationship.CloseReason.COMPLETED])
    services.relationship_close(relationship=relationship, by=person, reason=reason)
    if reason == Relationship.CloseReason.NOT_A_FIT:
        pair = frozenset((relationship.mentor.user_id, relationship.mentee.user_id))
        world.failed[pair] = (
            MentorshipRequest.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            Proposal.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
            Relationship.objects.order_by("-pk").values_list("pk", flat=True).first() or 0,
        )
        world.done["not a fit"] += 1


# The invariants, from the database, with an independent walk of the hierarchy.


def _lines(org: Organization) -> dict[int, set[int]]:
    managers = dict(
        Membership.objects.filter(organization=org).values_list("user_id", "manager__user_id")
    )
    above: dict[int, set[int]] = {}
    for person in managers:
        chain: set[int] = set()
        current: int | None = managers[person]
        while current is not None and current not in chain:
            chain.add(current)
            current = managers.get(current)
        above[person] = chain
    return above


def _check(world: Org) -> None:
    above = _lines(world.org)
    held: Counter[int] = Counter()
    sought: Counter[int] = Counter()
    focuses: dict[int, list[int]] = {}
    pairs_seen: set[tuple[int, frozenset[int]]] = set()
    rows = [
        (r.program, r.mentee, r.mentor, r.focus_id)
        for r in Relationship.objects.filter(
            status__in=OPEN, program__organization=world.org
        ).select_related("program", "mentee", "mentor")
    ] + [
        (p.program, p.mentee, p.mentor, p.focus_id)
        for p in Proposal.objects.filter(
            status="pending", program__organization=world.org
        ).select_related("program", "mentee", "mentor")
    ]
    for program, mentee, mentor, focus in rows:
        a, b = mentee.user_id, mentor.user_id
        assert a != b, "paired with themselves"
        assert a not in above[b] and b not in above[a], "paired inside a reporting line"
        key = (program.pk, frozenset((a, b)))
        assert key not in pairs_seen, "the same two people paired twice"
        pairs_seen.add(key)
        if program.is_peer:
            held[mentee.pk] += 1
            held[mentor.pk] += 1
        else:
            held[mentor.pk] += 1
            sought[mentee.pk] += 1
            focuses.setdefault(mentee.pk, []).append(focus)
    limits = Enrollment.objects.in_bulk(set(held) | set(sought))
    for pk, n in held.items():
        assert n <= limits[pk].capacity, f"{limits[pk]} holds {n} > capacity"
    for pk, n in sought.items():
        assert n <= limits[pk].mentors_wanted, f"{limits[pk]} has {n} > wanted"
        assert len(focuses[pk]) == len(set(focuses[pk])), "two mentors for the same focus"
    for pair, (request_id, proposal_id, relationship_id) in world.failed.items():
        a, b = tuple(pair)
        for model, after in (
            (MentorshipRequest, request_id),
            (Proposal, proposal_id),
            (Relationship, relationship_id),
        ):
            again = model.objects.filter(pk__gt=after, mentee__user__in=pair, mentor__user__in=pair)
            assert not again.exists(), f"a not-a-fit pair came back as a {model.__name__}"


def _check_directory(world: Org) -> None:
    """The directory lists exactly the mentors the pair check allows, for every mentee."""
    program = world.programs[0]
    mentors = list(program.enrollments.all())
    for mentee in program.enrollments.filter(is_mentee=True):
        listed = set(givers_for(mentee).values_list("pk", flat=True))
        blocked = seeker_refusal(mentee)
        for mentor in mentors:
            refusal = pair_refusal(seeker=mentee, giver=mentor)
            if blocked is not None:  # she may browse, but nobody can be paired with her
                assert refusal == blocked
            else:
                assert (refusal is None) == (mentor.pk in listed), (mentee, mentor, refusal)


@pytest.mark.parametrize("seed", range(4))
def test_every_path_keeps_the_pairing_rules(
    seed: int, db: None, django_capture_on_commit_callbacks: object
) -> None:
    rng = random.Random(seed)
    world = _build(rng, people=14)
    steps = [
        (_send_request, 5),
        (_answer_request, 3),
        (_answer_proposal, 4),
        (_end_or_pause, 2),
        (_run_round, 1),
    ]
    actions = [step for step, weight in steps for _ in range(weight)]
    for _ in range(40):
        action = rng.choice(actions)
        try:
            if action is _run_round:
                _run_round(rng, world, django_capture_on_commit_callbacks)
            else:
                action(rng, world)  # type: ignore[operator]
        except DomainError:
            pass
        _check(world)
    _check_directory(world)
    # The walk reached the paths it is meant to test.
    assert world.done["request"] + world.done["request form"] > 0, world.done


def test_the_walks_reach_every_path(db: None, django_capture_on_commit_callbacks: object) -> None:
    """Across seeds, each path succeeds at least once, so the invariants are not vacuous."""
    done: Counter[str] = Counter()
    for seed in range(100, 103):
        rng = random.Random(seed)
        world = _build(rng, people=12)
        for _ in range(20):
            for action in (_send_request, _answer_request, _answer_proposal, _end_or_pause):
                with contextlib.suppress(DomainError):
                    action(rng, world)
            if rng.random() < 0.3:
                with contextlib.suppress(DomainError):
                    _run_round(rng, world, django_capture_on_commit_callbacks)
            _check(world)
        done += world.done
    for path in ("request", "request form", "request accept", "publish", "publish peers"):
        assert done[path] > 0, (path, done)
    for path in ("swap", "lock", "proposal answer", "not a fit"):
        assert done[path] > 0, (path, done)

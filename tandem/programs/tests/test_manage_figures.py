"""The manage page's figures: the participation tiles and the topic balance.

Each figure is checked against a plain recount in Python of the same rows, on a seeded
program of a few hundred people with every kind of profile, and on the edge cases: a
program nobody joined, a withdrawn person, a topic nobody offers and one nobody wants.
"""

import random

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.programs.selectors import ProgramStats, TopicBalance, program_stats, topic_balance
from tandem.testing.factories import EnrollmentFactory, ProgramFactory, UserFactory
from tandem.testing.fixtures import World, client_for

ROLES = ("is_mentee", "is_mentor", "is_coach", "is_peer")


def _recount_stats(program: Program) -> ProgramStats:
    active = [e for e in Enrollment.objects.filter(program=program) if e.status == "active"]
    ready = [
        e
        for e in active
        if (e.is_mentor or e.is_coach) and e.accepting_now and e.profile_completed_at
    ]
    return ProgramStats(
        participants=len(active),
        mentees=sum(e.is_mentee for e in active),
        mentors=sum(e.is_mentor or e.is_coach for e in active),
        peers=sum(e.is_peer for e in active),
        complete_profiles=sum(e.profile_completed_at is not None for e in active),
        accepting_mentors=len(ready),
        open_capacity=sum(e.capacity for e in ready),
    )


def _recount_balance(program: Program) -> list[TopicBalance]:
    wanted: dict[str, int] = {}
    offered: dict[str, int] = {}
    for row in EnrollmentTopic.objects.select_related("enrollment", "topic"):
        if row.enrollment.program_id != program.pk or row.enrollment.status != "active":
            continue
        counts = wanted if row.kind == EnrollmentTopic.Kind.FOCUS else offered
        counts[row.topic.name] = counts.get(row.topic.name, 0) + 1
        (offered if counts is wanted else wanted).setdefault(row.topic.name, 0)
    rows = [TopicBalance(name, wanted[name], offered[name]) for name in wanted]
    return sorted(rows, key=lambda row: (-row.wanted, row.name))


def _people(program: Program, topics: list[Topic], n: int, rng: random.Random) -> None:
    """Enroll n people with random roles, states, profiles and topics."""
    for _ in range(n):
        roles = {role: rng.random() < 0.4 for role in ROLES}
        if not any(roles.values()):
            roles["is_mentee"] = True
        gives = roles["is_mentor"] or roles["is_coach"]
        enrollment = EnrollmentFactory.create(
            program=program,
            user=UserFactory.create(),
            status=rng.choice(["active"] * 4 + ["withdrawn"]),
            capacity=rng.randint(1, 5) if gives else 0,
            accepting_now=gives and rng.random() < 0.7,
            profile_completed_at=timezone.now() if rng.random() < 0.6 else None,
            **roles,
        )
        for kind in EnrollmentTopic.Kind.values:
            for topic in rng.sample(topics, rng.randint(0, 4)):
                EnrollmentTopic.objects.create(
                    enrollment=enrollment, topic=topic, kind=kind, level=rng.randint(1, 3)
                )


def test_figures_match_a_recount_on_a_seeded_program(world: World) -> None:
    rng = random.Random(12)
    topics = list(Topic.objects.filter(organization=world.org).order_by("pk"))
    _people(world.program, topics, 240, rng)
    # People elsewhere count nowhere here.
    _people(ProgramFactory.create(organization=world.org), topics, 40, rng)

    stats = program_stats(program=world.program)
    assert stats == _recount_stats(world.program)
    assert stats.participants > 150 and stats.open_capacity > 0
    assert Enrollment.objects.filter(program=world.program, status="withdrawn").count() > 20
    everything = _recount_balance(world.program)
    assert topic_balance(program=world.program, limit=None) == everything
    assert topic_balance(program=world.program) == everything[:12]
    # Ties in demand are many, and keep to the order of names.
    assert len({row.wanted for row in everything}) < len(everything)


def test_figures_of_a_program_nobody_joined_are_zero(world: World) -> None:
    empty = ProgramFactory.create(organization=world.org)
    assert program_stats(program=empty) == ProgramStats(0, 0, 0, 0, 0, 0, 0)
    assert program_stats(program=empty).complete_share == 0
    assert topic_balance(program=empty) == []


def test_a_withdrawn_person_counts_in_no_figure(world: World) -> None:
    management = world.topic("Delegation")
    EnrollmentTopic.objects.create(
        enrollment=world.mentor_enrollment, topic=management, kind="expertise"
    )
    EnrollmentTopic.objects.create(
        enrollment=world.mentee_enrollment, topic=management, kind="focus"
    )
    world.mentor_enrollment.profile_completed_at = timezone.now()
    world.mentor_enrollment.save()
    assert program_stats(program=world.program).open_capacity == 2
    assert topic_balance(program=world.program) == [TopicBalance("Delegation", 1, 1)]

    world.mentor_enrollment.status = Enrollment.Status.WITHDRAWN
    world.mentor_enrollment.save()

    stats = program_stats(program=world.program)
    assert (stats.participants, stats.mentors, stats.accepting_mentors) == (2, 1, 0)
    assert stats.open_capacity == 0
    assert topic_balance(program=world.program) == [TopicBalance("Delegation", 1, 0)]


def test_a_topic_nobody_offers_shows_short_and_one_nobody_wants_covered(world: World) -> None:
    wanted_only, offered_only = world.topic("Delegation"), world.topic("Public speaking")
    EnrollmentTopic.objects.create(
        enrollment=world.mentee_enrollment, topic=wanted_only, kind="focus"
    )
    EnrollmentTopic.objects.create(
        enrollment=world.mentor_enrollment, topic=offered_only, kind="expertise"
    )
    assert topic_balance(program=world.program) == [
        TopicBalance("Delegation", 1, 0),
        TopicBalance("Public speaking", 0, 1),
    ]

    page = client_for(world.admin).get(f"/programs/{world.program.pk}/manage/")

    html = page.content.decode()
    assert '<tr><td>Delegation</td><td class="num">1</td><td class="num">0</td>' in html.replace(
        "\n  ", ""
    )
    assert '<span class="badge accent">1 short</span>' in html
    assert '<span class="badge ok">covered</span>' in html


def test_manage_page_shows_the_recounted_figures(world: World) -> None:
    rng = random.Random(3)
    topics = list(Topic.objects.filter(organization=world.org).order_by("pk"))
    _people(world.program, topics, 60, rng)
    stats = _recount_stats(world.program)

    html = client_for(world.admin).get(f"/programs/{world.program.pk}/manage/").content.decode()

    assert f"<strong>{stats.participants}</strong><span>participants</span>" in html
    assert f"<strong>{stats.open_capacity}</strong><span>open places with" in html
    for row in _recount_balance(world.program)[:12]:
        assert f'<tr><td>{escape(row.name)}</td><td class="num">{row.wanted}</td>' in html


def _manage_queries(world: World) -> int:
    client = client_for(world.admin)
    url = f"/programs/{world.program.pk}/manage/"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_manage_page_query_count_stays_as_people_and_topics_grow(world: World) -> None:
    topics = list(Topic.objects.filter(organization=world.org).order_by("pk"))
    EnrollmentTopic.objects.create(
        enrollment=world.mentee_enrollment, topic=topics[0], kind="focus"
    )
    before = _manage_queries(world)
    _people(world.program, topics, 30, random.Random(5))
    _people(ProgramFactory.create(organization=world.org), topics, 10, random.Random(6))
    assert _manage_queries(world) == before

"""The mentor directory keeps mentors' profiles between requests and still lists exactly
what a fresh read would: the same mentors, order, scores, reasons and places, after every
change that moves them."""

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Department, Membership
from tandem.demo.generator import demo_data_create
from tandem.matching import recommend
from tandem.matching.engine import Policy
from tandem.matching.engine.explain import pair_reasons
from tandem.matching.engine.features import build_features
from tandem.matching.engine.scoring import score_pairs
from tandem.matching.loading import instance_for, mentee_row, mentor_of, profiles_of
from tandem.matching.recommend import MentorProfiles, mentor_profiles
from tandem.people.services.structure import department_rename
from tandem.policy.eligibility import givers_for
from tandem.programs import services as programs
from tandem.programs.models import Enrollment, Program
from tandem.relationships import selectors, services
from tandem.relationships.models import Relationship
from tandem.testing.factories import MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for

MESSAGE = "I would value your view on planning: I am new to it and want to learn from you."
BIOS = (
    "Ten years presenting budgets to the board; I coach people through public speaking.",
    "I lead a data team and love teaching analysis, dashboards and clear writing.",
    "Operations manager; negotiation, scheduling and leading through change.",
    "Engineer turned manager. Happy to talk about career moves and public speaking.",
)


Card = tuple[int, float, tuple[str, ...], int, bool]


def _listing(mentee: Enrollment, **filters: object) -> tuple[int, list[Card]]:
    """The directory as a mentee sees it: every card's mentor, score, reasons and places."""
    directory = selectors.mentor_directory(mentee=mentee, **filters)  # type: ignore[arg-type]
    cards = [
        (c.enrollment.pk, c.score, tuple(c.reasons), c.places_left, c.can_ask)
        for c in directory.cards
    ]
    return directory.total, cards


def _kept_and_fresh(mentee: Enrollment, **filters: object) -> tuple[int, list[Card]]:
    """List with what the process keeps, then from a fresh read; they must be the same."""
    kept = _listing(mentee, **filters)
    mentor_profiles.clear()
    fresh = _listing(mentee, **filters)
    assert kept == fresh
    return kept


def _listed(mentee: Enrollment) -> list[int]:
    return [pk for pk, *_ in _kept_and_fresh(mentee)[1]]


@pytest.fixture
def mentors(ready: World) -> World:
    """Mo and Omar, and four more mentors with their own words, zones and expertise."""
    topics = [ready.topic("Public speaking"), *ready.org.topics.exclude(name="Public speaking")]
    for n, bio in enumerate(BIOS):
        user = UserFactory.create(full_name=f"Mentor {n}")
        membership = MembershipFactory.create(
            user=user,
            organization=ready.org,
            time_zone=("America/Chicago", "Europe/Paris", "Asia/Tokyo", "UTC")[n],
        )
        enrollment = programs.enrollment_create(program=ready.program, user=user, roles=["mentor"])
        enrollment.membership = membership
        enrollment.save(update_fields=["membership", "updated_at"])
        programs.profile_save_offer(
            enrollment=enrollment,
            what_i_bring=bio,
            why_i_mentor="I had a mentor once.",
            expertise={topics[0]: 1 + n % 3, topics[n + 1]: 2},
            capacity=2,
            accepting_now=True,
        )
    Enrollment.objects.filter(program=ready.program, is_mentor=True).update(
        meeting_modes=["video", "phone"]
    )
    mentor_profiles.clear()
    return ready


def _enrollment(world: World, name: str) -> Enrollment:
    return Enrollment.objects.get(program=world.program, user__full_name=name)


def _uncached_fits(mentee: Enrollment) -> dict[int, tuple[int, tuple[str, ...]]]:
    """Score and explain every listed mentor the way the directory did before it kept any."""
    listed = list(givers_for(mentee).filter(is_mentor=True).values_list("pk", flat=True))
    profiles = list(profiles_of(listed).values())
    now = timezone.now()
    instance = instance_for(
        mentee.program,
        [mentee_row(mentee, wanted=1, now=now)],
        [mentor_of(profile, places=1, now=now) for profile in profiles],
        managers={},
    )
    features = build_features(instance, Policy())
    ri = np.array([features.mentor_index[p.key] for p in profiles], np.int64)
    mi = np.zeros(len(profiles), np.int64)
    scored = score_pairs(features, mi, ri)
    reasons = pair_reasons(features, mi, ri, scored.parts)
    return {
        p.key: (round(float(scored.score[i]) * 100), tuple(r.text for r in reasons[i][:3]))
        for i, p in enumerate(profiles)
        if scored.broken[i] < 0
    }


@pytest.fixture
def demo(db: None) -> list[Enrollment]:
    """The demo organization at 400 people: its mentees in programs where they choose."""
    demo_data_create(seed=11, people=400, today=timezone.localdate())
    choosing = Program.objects.exclude(matching_mode=Program.MatchingMode.ROUNDS)
    mentees = (
        Enrollment.objects.filter(
            program__in=choosing,
            is_mentee=True,
            status=Enrollment.Status.ACTIVE,
            profile_completed_at__isnull=False,
        )
        .select_related("program", "membership", "user")
        .order_by("pk")
    )
    return list(mentees[:12])


def test_the_demo_directory_lists_what_a_fresh_read_and_the_old_scoring_list(
    demo: list[Enrollment],
) -> None:
    assert demo, "the demo has mentees who choose their mentors"
    listed_someone = False
    for mentee in demo:
        for filters in ({}, {"accepting_only": False}, {"mode": "video"}):
            _listing(mentee, **filters)  # keep the program's mentors
            total, cards = _kept_and_fresh(mentee, **filters)
            assert total >= len(cards)
        total, cards = _listing(mentee)
        reference = _uncached_fits(mentee)
        assert total == len(reference)
        for pk, score, reasons, *_ in cards:
            assert (score, reasons) == reference[pk]
        best = sorted(reference, key=lambda pk: -reference[pk][0])
        assert [score for _, score, *_ in cards] == [reference[pk][0] for pk in best][:60]
        listed_someone |= bool(cards)
    assert listed_someone


def test_an_edited_profile_is_scored_as_edited(mentors: World) -> None:
    mia = mentors.mentee_enrollment
    before = _kept_and_fresh(mia)
    mentor = _enrollment(mentors, "Mentor 2")
    elsewhere = mentors.org.topics.exclude(name="Public speaking").order_by("name")[0]
    # No longer offering her focus: the card's score and reasons must follow.
    programs.profile_save_offer(
        enrollment=mentor,
        what_i_bring="Budgets and spreadsheets, mostly.",
        why_i_mentor="Someone helped me once.",
        expertise={elsewhere: 3},
        capacity=2,
        accepting_now=True,
    )
    after = _kept_and_fresh(mia)
    card = next(c for c in after[1] if c[0] == mentor.pk)
    was = next(c for c in before[1] if c[0] == mentor.pk)
    assert card[1] < was[1]
    assert not any("Public speaking" in reason for reason in card[2])


def test_a_new_time_zone_and_a_renamed_department_are_read_again(mentors: World) -> None:
    mia = mentors.mentee_enrollment
    mentor = _enrollment(mentors, "Mentor 1")
    _kept_and_fresh(mia)
    programs.profile_save_practicalities(
        enrollment=mentor,
        meeting_modes=["video"],
        preferred_cadence="",
        languages=[],
        identity_attributes=[],
        requested_attributes=[],
        time_zone="America/Chicago",
    )
    _kept_and_fresh(mia)
    # The same department for Mia and a mentor; then renamed, which touches no membership.
    department = Department.objects.create(organization=mentors.org, name="Planning")
    Membership.objects.filter(pk__in=[mia.membership_id, mentor.membership_id]).update(
        department=department, updated_at=timezone.now()
    )
    mia.refresh_from_db()
    _kept_and_fresh(mia)
    department_rename(department=department, name="Service planning")
    mia.refresh_from_db()
    _kept_and_fresh(mia)


def test_a_mentor_who_joins_is_listed_and_one_who_leaves_is_not(mentors: World) -> None:
    mia = mentors.mentee_enrollment
    _kept_and_fresh(mia)
    user = UserFactory.create(full_name="Nadia Newcomer")
    MembershipFactory.create(user=user, organization=mentors.org)
    joined = programs.enrollment_create(program=mentors.program, user=user, roles=["mentor"])
    programs.profile_save_offer(
        enrollment=joined,
        what_i_bring="New here, with fifteen years of public speaking behind me.",
        why_i_mentor="To give back.",
        expertise={mentors.topic("Public speaking"): 3},
        capacity=1,
        accepting_now=True,
    )
    Enrollment.objects.filter(pk=joined.pk).update(meeting_modes=["video"])
    assert joined.pk in _listed(mia)
    programs.enrollment_withdraw(enrollment=_enrollment(mentors, "Mentor 0"))
    listed = _listed(mia)
    assert _enrollment(mentors, "Mentor 0").pk not in listed
    assert joined.pk in listed


def test_a_lower_capacity_takes_a_full_mentor_off_the_list(mentors: World) -> None:
    mia = mentors.mentee_enrollment
    mentor = _enrollment(mentors, "Mentor 3")
    assert mentor.pk in _listed(mia)
    # Another mentee takes one of Mentor 3's two places, then Mentor 3 offers only one.
    user = UserFactory.create(full_name="Mina Other")
    MembershipFactory.create(user=user, organization=mentors.org)
    other = programs.enrollment_create(program=mentors.program, user=user, roles=["mentee"])
    programs.profile_save_goals(
        enrollment=other,
        goals="Speak up in meetings.",
        focus_areas={mentors.topic("Public speaking"): 2},
    )
    request = services.request_send(
        mentee=other, mentor=mentor, focus=mentors.topic("Public speaking"), message=MESSAGE
    )
    services.request_accept(request=request, by=mentor.user)
    assert mentor.pk in _listed(mia)
    programs.profile_save_offer(
        enrollment=mentor,
        what_i_bring=mentor.what_i_bring,
        why_i_mentor=mentor.why_i_mentor,
        expertise={mentors.topic("Public speaking"): 2},
        capacity=1,
        accepting_now=True,
    )
    assert mentor.pk not in _listed(mia)
    browsing = _kept_and_fresh(mia, accepting_only=False)[1]
    card = next(c for c in browsing if c[0] == mentor.pk)
    assert card[3:] == (0, False)  # listed to browse, with no place and no "Ask"


def _start(world: World, mentor: Enrollment) -> Relationship:
    mia = world.mentee_enrollment
    request = services.request_send(
        mentee=mia, mentor=mentor, focus=world.topic("Public speaking"), message=MESSAGE
    )
    return services.request_accept(request=request, by=mentor.user)


def test_a_relationship_starting_and_closing_moves_the_mentor_off_and_back(
    mentors: World,
) -> None:
    mia = mentors.mentee_enrollment
    mo = mentors.mentor_enrollment
    assert mo.pk in _listed(mia)
    relationship = _start(mentors, mo)
    assert mo.pk not in _listed(mia)  # she works with him now
    services.relationship_close(relationship=relationship, by=mentors.mentee, reason="completed")
    assert mo.pk in _listed(mia)


def test_a_relationship_ended_as_not_a_fit_keeps_the_mentor_off_the_list(
    mentors: World,
) -> None:
    mia = mentors.mentee_enrollment
    mo = mentors.mentor_enrollment
    relationship = _start(mentors, mo)
    services.relationship_close(relationship=relationship, by=mentors.mentee, reason="not_a_fit")
    listed = _listed(mia)
    assert mo.pk not in listed
    assert _enrollment(mentors, "Mentor 0").pk in listed


def test_the_directory_asks_no_more_queries_for_more_mentors(mentors: World) -> None:
    url = reverse("relationships:directory", args=[mentors.program.pk])
    client = client_for(mentors.mentee)

    def queries() -> int:
        client.get(url)  # keeps the mentors' profiles, and saves a fresh session
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(20):
        user = UserFactory.create(full_name=f"Extra mentor {n}")
        MembershipFactory.create(user=user, organization=mentors.org)
        extra = programs.enrollment_create(program=mentors.program, user=user, roles=["mentor"])
        programs.profile_save_offer(
            enrollment=extra,
            what_i_bring=BIOS[n % len(BIOS)],
            why_i_mentor="To give back.",
            expertise={mentors.topic("Public speaking"): 1 + n % 3},
            capacity=1,
            accepting_now=True,
        )
    assert queries() == before
    assert before <= 30


def test_a_profile_nobody_asks_for_within_the_hour_leaves_memory(mentors: World) -> None:
    now = [0.0]
    kept = MentorProfiles(unused_for=3600, clock=lambda: now[0])
    mo, omar = mentors.mentor_enrollment, _enrollment(mentors, "Omar Lind")
    kept.get(mentors.program.pk, {mo.pk: "a", omar.pk: "b"}, now=timezone.now())
    now[0] = 3000.0
    kept.get(mentors.program.pk, {mo.pk: "a"}, now=timezone.now())  # Omar no longer listed
    now[0] = 3601.5
    with CaptureQueriesContext(connection) as mo_read:
        kept.get(mentors.program.pk, {mo.pk: "a"}, now=timezone.now())
    with CaptureQueriesContext(connection) as omar_read:
        kept.get(mentors.program.pk, {omar.pk: "b"}, now=timezone.now())
    assert len(mo_read) == 0  # asked for ten minutes ago: still kept
    assert len(omar_read) > 0  # unasked for over an hour: gone, and read again


def _as_scored_anew(mentee: Enrollment) -> None:
    """The listing, from the kept features, is what scoring everyone anew gives."""
    total, cards = _listing(mentee)
    reference = _uncached_fits(mentee)
    assert total == len(reference)
    assert {pk: (score, reasons) for pk, score, reasons, *_ in cards} == {
        pk: reference[pk] for pk, *_ in cards
    }


def test_the_kept_features_follow_an_edit_a_join_and_a_leave_on_the_next_request(
    mentors: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[int] = []
    build = recommend.MentorSide.build

    def counting(*args: object, **kwargs: object) -> recommend.MentorSide:
        compiled.append(1)
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recommend.MentorSide, "build", counting)
    mia = mentors.mentee_enrollment
    _as_scored_anew(mia)
    _as_scored_anew(mia)
    _listing(mia, mode="video")  # fewer mentors, from the same kept features
    assert len(compiled) == 1

    mentor = _enrollment(mentors, "Mentor 2")
    programs.profile_save_offer(
        enrollment=mentor,
        what_i_bring="Public speaking for shy engineers: rehearsals, feedback, slides.",
        why_i_mentor="Someone helped me once.",
        expertise={mentors.topic("Public speaking"): 3},
        capacity=2,
        accepting_now=True,
    )
    _as_scored_anew(mia)
    assert len(compiled) == 2

    user = UserFactory.create(full_name="Nadia Newcomer")
    MembershipFactory.create(user=user, organization=mentors.org)
    joined = programs.enrollment_create(program=mentors.program, user=user, roles=["mentor"])
    programs.profile_save_offer(
        enrollment=joined,
        what_i_bring="Fifteen years of public speaking and board presentations.",
        why_i_mentor="To give back.",
        expertise={mentors.topic("Public speaking"): 2},
        capacity=1,
        accepting_now=True,
    )
    assert joined.pk in [pk for pk, *_ in _listing(mia)[1]]
    _as_scored_anew(mia)
    assert len(compiled) == 3

    programs.enrollment_withdraw(enrollment=mentor)
    assert mentor.pk not in [pk for pk, *_ in _listing(mia)[1]]
    # Leaving changes every other score's weights (fewer documents): still as anew.
    _as_scored_anew(mia)
    assert len(compiled) == 3  # the others are in the kept features as they were


def test_kept_features_leave_memory_with_their_program_and_their_profiles(
    mentors: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled: list[int] = []
    build = recommend.MentorSide.build

    def counting(*args: object, **kwargs: object) -> recommend.MentorSide:
        compiled.append(1)
        return build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(recommend.MentorSide, "build", counting)
    clock = [0.0]
    kept = MentorProfiles(programs=1, unused_for=3600, clock=lambda: clock[0])
    program = mentors.program
    stamps = dict(
        Enrollment.objects.filter(program=program, is_mentor=True)
        .annotate(stamp=recommend.profile_stamp())
        .values_list("pk", "stamp")
    )

    def compile_listing() -> None:
        found = kept.get(program.pk, stamps, now=timezone.now())
        kept.side(program.pk, [found[pk] for pk in sorted(found)], (), {})

    compile_listing()
    compile_listing()
    assert len(compiled) == 1
    kept.get(program.pk + 1, {}, now=timezone.now())  # another program takes the one place
    compile_listing()
    assert len(compiled) == 2
    clock[0] = 3601.0  # nobody asked for these profiles within the hour
    compile_listing()
    assert len(compiled) == 3

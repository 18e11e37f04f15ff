"""A round in a circles program: circles within bounds, apart from managers, reviewed, published."""

import calendar
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.circles.models import Circle, CircleMembership
from tandem.core.errors import DomainError
from tandem.matching import services
from tandem.matching.circle_review import round_circle_lock, round_circle_move
from tandem.matching.circle_rounds import circles_explained, load_circle_instance, utc_hours
from tandem.matching.loading import zone_offset
from tandem.matching.models import MatchingRound, RoundCircle, RoundCircleMember
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment, EnrollmentTopic, Topic
from tandem.relationships.models import MatchExclusion, Relationship
from tandem.testing.circles import Cast
from tandem.testing.rounds import round_create_default

Commit = Callable[..., Any]
# Three places, each free on Tuesday and Thursday evenings in their own time.
ZONES = ("Europe/London", "Europe/Berlin", "America/New_York")
EVENINGS = [24 + 17, 24 + 18, 72 + 17, 72 + 18]


def _people(cast: Cast, count: int) -> list[Enrollment]:
    """Enroll ``count`` more people across zones, focuses and levels of experience."""
    topics = list(Topic.objects.filter(organization=cast.world.org).order_by("pk")[:3])
    people = []
    for n in range(count):
        person = cast.person(f"Member {n:03d}")
        assert person.membership_id is not None
        Membership.objects.filter(pk=person.membership_id).update(time_zone=ZONES[n % 3])
        Enrollment.objects.filter(pk=person.pk).update(free_hours=EVENINGS)
        EnrollmentTopic.objects.create(
            enrollment=person, topic=topics[n % 3], kind=EnrollmentTopic.Kind.FOCUS, level=3
        )
        EnrollmentTopic.objects.create(
            enrollment=person,
            topic=topics[(n + 1) % 3],
            kind=EnrollmentTopic.Kind.EXPERTISE,
            level=1 + n % 3,
        )
        people.append(person)
    return people


def _program(cast: Cast, count: int = 30) -> list[Enrollment]:
    """The cast's eight, without focuses, make way for ``count`` described people."""
    Enrollment.objects.filter(pk__in=[p.pk for p in cast.people]).update(
        status=Enrollment.Status.WITHDRAWN
    )
    people = _people(cast, count)
    # A reporting line three deep: 0 manages 3, who manages 6, who manages 9.
    for boss, report in itertools.pairwise(people[0:12:3]):
        cast.manages(boss, report)
    return people


def _run(cast: Cast, commit: Commit, matching_round: MatchingRound | None = None) -> MatchingRound:
    matching_round = matching_round or round_create_default(program=cast.program, by=cast.admin)
    with commit(execute=True):
        services.round_start(matching_round=matching_round)
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY, matching_round.error
    return matching_round


def _circles(matching_round: MatchingRound) -> dict[int, set[int]]:
    circles: dict[int, set[int]] = {}
    for circle, enrollment in RoundCircleMember.objects.filter(round=matching_round).values_list(
        "circle_id", "enrollment_id"
    ):
        circles.setdefault(circle, set()).add(enrollment)
    return circles


def _line(people: list[Enrollment]) -> list[int]:
    return [p.pk for p in people[0:12:3]]


def test_free_hours_are_read_in_utc() -> None:
    assert utc_hours([24 + 18], 1.0) == {24 + 17}
    assert utc_hours([0], -5.0) == {5}
    assert utc_hours([167], -1.0) == {0}
    # A half-hour zone counts the UTC hour its local hour starts in.
    assert utc_hours([10], 5.5) == {4}


def test_a_round_forms_explained_circles_within_bounds_and_apart_from_managers(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    people = _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circles = _circles(matching_round)
    assert circles
    assert all(4 <= len(members) <= 6 for members in circles.values())
    line = set(_line(people))
    # Nobody shares a circle with someone above or below them, at any depth.
    assert all(len(members & line) <= 1 for members in circles.values())
    rows = RoundCircleMember.objects.filter(round=matching_round)
    assert all(row.reasons and row.reasons[0]["text"] for row in rows)
    report = matching_round.report
    placed = sum(len(members) for members in circles.values())
    assert report["placed"] == placed
    assert placed + len(report["unplaced"]) == len(people) == report["total"]
    assert all(u["reason"] for u in report["unplaced"])
    # Everyone is free on Tuesday and Thursday evenings in their own time: a circle's
    # common hours, in UTC, are free for each of its members, and most circles have one.
    zones = dict(
        Enrollment.objects.filter(program=cast.program).values_list("pk", "membership__time_zone")
    )
    now = timezone.now()
    stored = list(RoundCircle.objects.filter(round=matching_round))
    assert sum(bool(c.common_hours) for c in stored) > len(stored) / 2
    for circle in stored:
        assert 0 <= circle.fit <= 1
        for key in circles[circle.pk]:
            free = utc_hours(EVENINGS, zone_offset(zones[key], now))
            assert set(circle.common_hours) <= free
        # Scoring a stored circle again (as a move does) gives the engine's own fit.
        assert circle.fit == pytest.approx(_fit_now(cast, circle), abs=1e-4)


def test_a_move_into_a_managers_circle_is_refused_with_the_reason(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    people = _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circles = _circles(matching_round)
    # The top of the line and the one three levels below.
    boss, report = _line(people)[0], _line(people)[3]
    boss_circle = next(c for c, members in circles.items() if boss in members)
    before = _circles(matching_round)
    with pytest.raises(DomainError, match="reporting line"):
        round_circle_move(
            matching_round=matching_round,
            enrollment=Enrollment.objects.get(pk=report),
            circle_id=boss_circle,
        )
    assert _circles(matching_round) == before


def test_a_move_is_kept_pinned_and_explained(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast)
    Enrollment.objects.filter(program=cast.program).update(free_hours=EVENINGS)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circles = _circles(matching_round)
    line = set(
        Enrollment.objects.filter(membership__manager__isnull=False).values_list("pk", flat=True)
    ) | set(
        Enrollment.objects.filter(membership__reports__isnull=False).values_list("pk", flat=True)
    )
    # Someone outside the reporting line, from a circle with a place to spare, into a
    # circle with room.
    source = next(c for c, m in circles.items() if len(m) > 4)
    target = next(c for c, m in circles.items() if c != source and len(m) < 6)
    mover = next(pk for pk in sorted(circles[source]) if pk not in line)
    row = round_circle_move(
        matching_round=matching_round,
        enrollment=Enrollment.objects.get(pk=mover),
        circle_id=target,
    )
    assert row.circle_id == target and row.pinned
    assert row.reasons[0] == {
        "component": "admin",
        "text": "Placed in this circle by the program admins.",
    }
    # Both circles are scored and explained again with who is in them now.
    assert len(row.reasons) > 1
    for circle in RoundCircle.objects.filter(pk__in=[source, target]):
        assert circle.fit == pytest.approx(_fit_now(cast, circle), abs=1e-4)
        assert all(m.reasons for m in circle.members.all())
    target_name = RoundCircle.objects.get(pk=target).name
    rerun = _run(cast, django_capture_on_commit_callbacks, matching_round)
    kept = RoundCircleMember.objects.get(round=rerun, enrollment_id=mover)
    assert kept.pinned and kept.circle.name == target_name
    # They are still told an admin placed them there.
    assert kept.reasons[0]["component"] == "admin"


def _fit_now(cast: Cast, circle: RoundCircle) -> float:
    keys = sorted(circle.members.values_list("enrollment_id", flat=True))
    report = circle.round.report
    return circles_explained(cast.program, [keys], mix=report["mix_target"])[0][0]


def test_a_locked_circle_is_kept_exactly_when_the_round_runs_again(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circle = RoundCircle.objects.filter(round=matching_round).order_by("fit").first()
    assert circle is not None
    members = _circles(matching_round)[circle.pk]
    round_circle_lock(matching_round=matching_round, circle_id=circle.pk, locked=True)
    # A different seed shuffles everyone else.
    MatchingRound.objects.filter(pk=matching_round.pk).update(seed=7)
    rerun = _run(cast, django_capture_on_commit_callbacks, matching_round)
    again = RoundCircle.objects.get(round=rerun, name=circle.name)
    assert again.locked
    assert _circles(rerun)[again.pk] == members
    with pytest.raises(DomainError, match="locked"):
        round_circle_move(
            matching_round=rerun,
            enrollment=Enrollment.objects.get(pk=min(members)),
            circle_id=next(c for c in _circles(rerun) if c != again.pk),
        )


def test_circles_are_named_after_their_day_and_keep_their_names_when_published(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circles = list(RoundCircle.objects.filter(round=matching_round).order_by("pk"))
    locked = circles[-1]
    round_circle_lock(matching_round=matching_round, circle_id=locked.pk, locked=True)
    MatchingRound.objects.filter(pk=matching_round.pk).update(seed=7)
    rerun = _run(cast, django_capture_on_commit_callbacks, matching_round)
    rows = RoundCircle.objects.filter(round=rerun)
    names = sorted(rows.values_list("name", flat=True))
    assert locked.name in names and len(set(names)) == len(names)
    # Everyone is free on Tuesday and Thursday evenings: a circle takes the first day its
    # members can all meet, numbered from 1 without gaps the first run's names would leave.
    for row in rows.exclude(pk=locked.pk):
        day = calendar.day_name[min(row.common_hours) // 24] if row.common_hours else None
        stem = f"{day} circle" if day else "Circle"
        assert day in {"Tuesday", "Thursday", None}
        assert row.name.startswith(f"{stem} ")
        number = int(row.name.removeprefix(f"{stem} "))
        earlier = {f"{stem} {n}" for n in range(1, number)}
        assert earlier <= set(names)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_publish_start(matching_round=rerun)
    published = Circle.objects.filter(program=cast.program).values_list("name", flat=True)
    assert sorted(published) == names


def test_publishing_twice_proposes_each_circle_once(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circles = _circles(matching_round)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_publish_start(matching_round=matching_round)
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.PUBLISHED
    assert services.round_publish_run(round_id=matching_round.pk) == "skipped"
    with pytest.raises(DomainError):
        services.round_publish(matching_round=matching_round)
    published = Circle.objects.filter(program=cast.program)
    assert published.count() == len(circles)
    assert all(c.origin == Circle.Origin.ROUND and c.approved_by == cast.admin for c in published)
    places = CircleMembership.objects.filter(circle__program=cast.program)
    assert places.count() == sum(len(m) for m in circles.values())
    assert all(set(p.reasons[0]) == {"component", "text"} for p in places)
    assert Notification.objects.filter(kind="circle_proposed").count() == places.count()
    # The first hour that suits everyone is suggested as the meeting time.
    timed = [c for c in published if c.weekday is not None]
    assert all(c.time_zone == "UTC" and c.local_time is not None for c in timed)


def test_publishing_refuses_a_circle_the_reporting_line_now_forbids(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circle = next(iter(_circles(matching_round).values()))
    one, other = sorted(circle)[:2]
    # After the run, one becomes the other's manager's manager.
    middle = Enrollment.objects.get(pk=_program_outsider(cast, circle))
    cast.manages(middle, Enrollment.objects.get(pk=other))
    cast.manages(Enrollment.objects.get(pk=one), middle)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_publish_start(matching_round=matching_round)
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY
    assert "reporting line" in matching_round.error
    assert not Circle.objects.filter(program=cast.program).exists()
    assert not Notification.objects.filter(kind="circle_proposed").exists()


def _program_outsider(cast: Cast, circle: set[int]) -> int:
    """Someone of the program outside the circle and outside any reporting line."""
    return (
        Enrollment.objects.filter(program=cast.program, status=Enrollment.Status.ACTIVE)
        .exclude(pk__in=circle)
        .filter(membership__manager__isnull=True, membership__reports__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    ) or 0


def test_publishing_costs_a_fixed_number_of_queries_whatever_the_circles(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    def publish_queries(count: int) -> tuple[int, int]:
        Enrollment.objects.filter(program=cast.program).update(status=Enrollment.Status.WITHDRAWN)
        Circle.objects.filter(program=cast.program).delete()
        _people(cast, count)
        matching_round = _run(cast, django_capture_on_commit_callbacks)
        with CaptureQueriesContext(connection) as captured:
            services.round_publish(matching_round=matching_round)
        return len(captured), matching_round.circles.count()

    small, small_circles = publish_queries(10)
    large, large_circles = publish_queries(40)
    assert large_circles > small_circles
    # Circles, places and invitations are written in one statement each, whatever their count.
    assert large == small


def test_a_locked_circle_someone_left_is_formed_again_around_the_rest(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    _program(cast)
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    circle = RoundCircle.objects.filter(round=matching_round, members__isnull=False).first()
    assert circle is not None
    members = sorted(_circles(matching_round)[circle.pk])
    round_circle_lock(matching_round=matching_round, circle_id=circle.pk, locked=True)
    # Locked at the smallest size, one leaves the program: the round runs, not fails.
    cast.program.circle_min_size = len(members)
    cast.program.save()
    Enrollment.objects.filter(pk=members[0]).update(status=Enrollment.Status.WITHDRAWN)
    rerun = _run(cast, django_capture_on_commit_callbacks, matching_round)
    assert not RoundCircle.objects.filter(round=rerun, locked=True).exists()
    assert not RoundCircleMember.objects.filter(round=rerun, enrollment_id=members[0]).exists()


def test_people_kept_apart_by_the_policy_never_share_a_circle(
    cast: Cast, django_capture_on_commit_callbacks: Commit
) -> None:
    people = _program(cast, 12)
    # "Do not match", and an earlier match that was not a fit, in this organization.
    MatchExclusion.objects.create(mentee=people[1], mentor=people[2], reason="do_not_match")
    Relationship.objects.create(
        program=cast.program,
        mentor=people[4],
        mentee=people[5],
        focus=Topic.objects.filter(organization=cast.world.org).earliest("pk"),
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.CLOSED,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
    )
    instance = load_circle_instance(cast.program)
    assert {(people[1].pk, people[2].pk), (people[4].pk, people[5].pk)} <= instance.apart
    matching_round = _run(cast, django_capture_on_commit_callbacks)
    for members in _circles(matching_round).values():
        assert not {people[1].pk, people[2].pk} <= members
        assert not {people[4].pk, people[5].pk} <= members
    # A move that would put them together is refused with the policy's words.
    circles = _circles(matching_round)
    target = next(c for c, members in circles.items() if people[2].pk in members)
    source = next(c for c, members in circles.items() if people[1].pk in members)
    with pytest.raises(DomainError, match="not to be matched with each other"):
        round_circle_move(matching_round=matching_round, enrollment=people[1], circle_id=target)
    assert RoundCircleMember.objects.get(round=matching_round, enrollment=people[1]).circle_id == (
        source
    )

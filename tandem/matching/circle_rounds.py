"""A round in a circles program: load its members, group them, store the circles for review."""

import calendar
import datetime
import logging
import math
import time
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from tandem.core.bulk import rows_insert
from tandem.matching.engine import HierarchyCycleError
from tandem.matching.engine.circle_explain import circle_reasons
from tandem.matching.engine.circle_model import (
    HOURS_PER_WEEK,
    CircleInputError,
    CircleInstance,
    CircleMember,
    Scorer,
    mix_target,
)
from tandem.matching.engine.circles import CircleResult, run_circles
from tandem.matching.engine.explain import Reason
from tandem.matching.engine.hierarchy import Hierarchy
from tandem.matching.engine.instance import Topic
from tandem.matching.loading import Profile, profiles_in, profiles_of, zone_offset
from tandem.matching.models import MatchingRound, RoundCircle, RoundCircleMember
from tandem.policy.eligibility import circle_round_apart, circle_round_people, managers_of
from tandem.programs.models import Enrollment, Program
from tandem.programs.models import Topic as TopicRow

logger = logging.getLogger(__name__)

# The first reason of someone an admin moved into their circle, kept when the round runs again.
PLACED_BY_ADMINS = {"component": "admin", "text": "Placed in this circle by the program admins."}


def utc_hours(local: list[int], utc_offset: float) -> frozenset[int]:
    """Turn hours of the week in someone's own time into hours of the week in UTC.

    An offset of a part of an hour (India, +5:30) counts the UTC hour the local one starts in.
    """
    shift = math.ceil(utc_offset)
    return frozenset(
        (hour - shift) % HOURS_PER_WEEK
        for hour in local
        if isinstance(hour, int) and 0 <= hour < HOURS_PER_WEEK
    )


def _member(profile: Profile, utc_offset: float, free_hours: list[int]) -> CircleMember:
    return CircleMember(
        key=profile.key,
        person=profile.person,
        focus=dict(profile.focus),
        utc_offset=utc_offset,
        slots=utc_hours(free_hours, utc_offset),
        # The deepest expertise they offer: the experience a circle mixes.
        level=max(profile.expertise.values()) if profile.expertise else None,
    )


def load_circle_instance(
    program: Program,
    *,
    pinned: dict[int, int] | None = None,
    locked: frozenset[int] = frozenset(),
    now: datetime.datetime | None = None,
) -> CircleInstance:
    """Return everyone a circles round may place now, as the grouping engine sees them.

    ``pinned`` maps enrollment ids to the round circle an admin placed them in; those in
    ``locked`` circles keep exactly their members. Pinned people the policy no longer lets
    into a circle are left out; a locked circle they leave short is no longer locked, and
    the others pinned to it stay together.
    """
    now = now or timezone.now()
    keys = circle_round_people(program)
    profiles = profiles_in(program, set(keys))
    free = dict(Enrollment.objects.filter(pk__in=keys).values_list("pk", "free_hours"))
    offsets: dict[str, float] = {}
    members = []
    for key in keys:
        profile = profiles[key]
        if profile.time_zone not in offsets:
            offsets[profile.time_zone] = zone_offset(profile.time_zone, now)
        members.append(_member(profile, offsets[profile.time_zone], free.get(key) or []))
    present = set(keys)
    pins = {key: circle for key, circle in (pinned or {}).items() if key in present}
    sizes = Counter(pins.values())
    # A locked circle someone left below the smallest size is formed again around the rest.
    locked = frozenset(c for c in locked if sizes[c] >= program.circle_min_size)
    return CircleInstance(
        members=members,
        min_size=program.circle_min_size,
        max_size=program.circle_max_size,
        topics=_topics(program),
        # The same reporting lines the pair engine reads.
        managers=managers_of(program),
        pinned=pins,
        locked_circles=locked,
        # The circle policy's other pairs kept apart, a hard rule like the reporting lines.
        apart=frozenset(circle_round_apart(program, keys)),
    )


def _topics(program: Program) -> list[Topic]:
    return [
        Topic(id=t.pk, name=t.name, synonyms=tuple(t.synonyms))
        for t in TopicRow.objects.filter(organization_id=program.organization_id)
    ]


def _reasons(reasons: tuple[Reason, ...]) -> list[dict[str, object]]:
    # What is worth knowing but is no reason for the circle is marked as a note.
    return [
        {"component": r.component, "text": r.text, **({"note": True} if r.note else {})}
        for r in reasons
    ]


Explained = tuple[float, tuple[int, ...], dict[int, list[dict[str, object]]]]


def circles_explained(program: Program, circles: list[list[int]], *, mix: int) -> list[Explained]:
    """Score and explain circles of enrollment ids as a run would: fit, common hours, reasons.

    ``mix`` is the run's target of distinct experience levels (stored in its report).
    """
    now = timezone.now()
    keys = sorted({key for circle in circles for key in circle})
    profiles = profiles_of(keys)
    free = dict(Enrollment.objects.filter(pk__in=keys).values_list("pk", "free_hours"))
    members = {
        key: _member(p, zone_offset(p.time_zone, now), free.get(key) or [])
        for key, p in profiles.items()
    }
    topics = _topics(program)
    hierarchy = Hierarchy.build(managers_of(program), (m.person for m in members.values()))
    explained: list[Explained] = []
    for circle in circles:
        rows = [members[key] for key in circle]
        scorer = Scorer(rows, CircleInstance(members=rows).weights, hierarchy, mix)
        common, reasons = circle_reasons(scorer, topics)
        explained.append(
            (
                round(scorer.fit(range(len(rows))), 4),
                common,
                {key: _reasons(reasons[i]) for i, key in enumerate(circle)},
            )
        )
    return explained


def _progress(round_id: int, percent: int, note: str) -> None:
    MatchingRound.objects.filter(pk=round_id).update(progress=percent, progress_note=note)


def circle_round_run(matching_round: MatchingRound) -> str:
    """Group a circles program's members and store the circles; return the new status."""
    from tandem.matching.running import round_failed

    round_id = matching_round.pk
    kept = list(
        RoundCircleMember.objects.filter(round=matching_round).values_list(
            "enrollment_id", "circle_id", "pinned", "circle__locked"
        )
    )
    pinned = {enrollment: circle for enrollment, circle, pin, lock in kept if pin or lock}
    locked = frozenset(circle for _, circle, _, lock in kept if lock)
    clock = time.perf_counter()
    try:
        instance = load_circle_instance(matching_round.program, pinned=pinned, locked=locked)
        loaded = time.perf_counter() - clock
        _progress(round_id, 20, "Grouping: forming the circles")
        result = run_circles(instance, seed=matching_round.seed)
    except (CircleInputError, HierarchyCycleError, ValueError) as error:
        logger.warning("Circles round %s failed: %s", round_id, error)
        return round_failed(round_id, str(error))
    _progress(round_id, 90, "Storing the circles")
    _store(matching_round, result, loaded=loaded, mix=mix_target(instance.members))
    return MatchingRound.Status.READY


def _fresh_name(common_slots: Sequence[int], taken: set[str]) -> str:
    """Name a circle after the first day its members can all meet ("Thursday circle 1")."""
    # Slots are hours of the week in UTC from Monday 00:00, as the suggested rhythm reads them.
    stem = f"{calendar.day_name[min(common_slots) // 24]} circle" if common_slots else "Circle"
    number = 1
    while f"{stem} {number}" in taken:
        number += 1
    return f"{stem} {number}"


@transaction.atomic
def _store(matching_round: MatchingRound, result: CircleResult, *, loaded: float, mix: int) -> None:
    from tandem.matching.running import finished_emit

    clock = time.perf_counter()
    old = dict(matching_round.circles.values_list("pk", "name"))
    was_pinned = set(
        RoundCircleMember.objects.filter(round=matching_round, pinned=True).values_list(
            "enrollment_id", flat=True
        )
    )
    matching_round.circles.all().delete()
    # Locked circles keep their names; the others take the first free ones, so that the
    # names seen in the review are those published, without gaps left by the last run.
    taken = {
        old[p.circle_id] for p in result.circles if p.circle_id is not None and p.circle_id in old
    }
    members = []
    for proposed in result.circles:
        if proposed.circle_id is not None and proposed.circle_id in old:
            name = old[proposed.circle_id]
        else:
            name = _fresh_name(proposed.common_slots, taken)
            taken.add(name)
        circle = RoundCircle.objects.create(
            round=matching_round,
            name=name,
            fit=round(proposed.fit, 4),
            common_hours=list(proposed.common_slots),
            locked=proposed.locked,
        )
        for key in proposed.members:
            members.append(
                {
                    "round_id": matching_round.pk,
                    "circle_id": circle.pk,
                    "enrollment_id": key,
                    "reasons": [PLACED_BY_ADMINS, *_reasons(proposed.reasons[key])]
                    if key in was_pinned
                    else _reasons(proposed.reasons[key]),
                    "pinned": key in was_pinned,
                }
            )
    rows_insert(RoundCircleMember, members)
    matching_round.report = {
        "circles": len(result.circles),
        "placed": result.placed,
        "total": result.total,
        "placed_share": round(result.placed_share, 4),
        "mean_fit": round(result.objective / result.placed, 4) if result.placed else 0.0,
        # How many levels of experience make a full mix: a moved circle is scored again.
        "mix_target": mix,
        "unplaced": [{"member": u.key, "reason": u.reason} for u in result.unplaced],
        "timings": {
            "load": round(loaded, 4),
            "group": round(result.seconds, 4),
            "store": round(time.perf_counter() - clock, 4),
        },
    }
    matching_round.status = MatchingRound.Status.READY
    matching_round.progress = 100
    matching_round.progress_note = "Ready for review"
    matching_round.finished_at = timezone.now()
    matching_round.save()
    # A circles round proposes no pairs; its circles are in the round's report.
    finished_emit(matching_round, organization_id=matching_round.program.organization_id, pairs=0)

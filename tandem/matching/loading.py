"""Read a program from the database into the engine's input, and nothing more."""

import datetime
import zoneinfo
from dataclasses import replace
from typing import Any

from django.utils import timezone

from tandem.matching.engine import Instance, Mentee, Mentor, Policy, Rules, Topic, Weights
from tandem.policy.eligibility import managers_of, pairs_kept_apart, round_people
from tandem.programs.models import Enrollment, MeetingMode, Program
from tandem.programs.models import Topic as TopicRow
from tandem.programs.next_match import NextMatchAsks


def _offset(zone: str, now: datetime.datetime) -> float:
    try:
        delta = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    return delta.total_seconds() / 3600 if delta else 0.0


def load_instance(program: Program, *, now: datetime.datetime | None = None) -> Instance:
    """Return everyone who can be matched in this program now, as the engine sees them.

    Who is in, how many places each has left and which focuses a mentee still needs a
    mentor for all come from the pairing policy (tandem.policy.eligibility).
    """
    now = now or timezone.now()
    people = round_people(program)
    ids = set(people.seekers) | set(people.givers)
    topics = (
        Enrollment.objects.select_related("membership__department")
        .prefetch_related("topics")
        .in_bulk(ids)
    )
    mentees, mentors = [], []
    for pk, wanted in people.wanted.items():
        row = mentee_row(topics[pk], wanted=wanted, now=now)
        if not row.focus:  # nobody is matched before saying what they want help with
            continue
        if not program.is_peer:
            # Each mentor helps with a different focus: drop the focuses already covered,
            # and want no more mentors than focuses remain.
            taken = people.focuses_taken.get(pk, set())
            focus = {t: level for t, level in row.focus.items() if t not in taken}
            if not focus:
                continue
            row = replace(row, focus=focus, mentors_wanted=min(wanted, len(focus)))
        mentees.append(row)
    for pk, places in people.places.items():
        mentors.append(mentor_row(topics[pk], places=places, now=now))
    return instance_for(program, mentees, mentors, managers=people.managers)


def _common(e: Enrollment, now: datetime.datetime) -> dict[str, Any]:
    membership = e.membership
    department = membership.department if membership else None
    return {
        "key": e.pk,
        "person": membership.pk if membership else -e.pk,
        "department": department.name if department else None,
        "utc_offset": _offset(membership.time_zone if membership else "UTC", now),
        "modes": frozenset(e.meeting_modes),
        "languages": frozenset(e.languages),
        "location": (membership.location or None) if membership else None,
    }


def mentee_row(e: Enrollment, *, wanted: int, now: datetime.datetime) -> Mentee:
    """Describe a mentee to the engine (topics must be prefetched)."""
    common = _common(e, now)
    # What she asked for after a match that was not a fit, once she confirmed it.
    asks = NextMatchAsks.from_json(e.next_match_asks)
    return Mentee(
        **common,
        focus={t.topic_id: t.level for t in e.topics.all() if t.kind == "focus"},
        goals=e.goals,
        requested_attributes=frozenset(e.requested_attributes),
        mentors_wanted=wanted,
        # Self-described identity reaches the engine only with the person's consent.
        groups=e.consented_identity,
        avoid_departments=asks.avoid_departments(common["department"]),
        max_utc_gap_hours=asks.max_time_zone_gap,
        min_expertise=dict(asks.min_expertise),
        prefer_words=asks.words,
        preferred_cadence=asks.cadence or None,
    )


def mentor_row(e: Enrollment, *, places: int, now: datetime.datetime) -> Mentor:
    """Describe a mentor to the engine (topics must be prefetched)."""
    return Mentor(
        **_common(e, now),
        expertise={t.topic_id: t.level for t in e.topics.all() if t.kind == "expertise"},
        bio=f"{e.what_i_bring}\n{e.why_i_mentor}",
        capacity=max(places, 1),
        # Without consent a holder must look exactly like a non-holder: in scores,
        # reasons and order.
        attributes=e.consented_identity,
        preferred_cadence=e.preferred_cadence or None,
    )


def instance_for(
    program: Program,
    mentees: list[Mentee],
    mentors: list[Mentor],
    *,
    managers: dict[int, int] | None = None,
) -> Instance:
    """Wrap people in an instance with the program's vocabulary and reporting lines."""
    return Instance(
        mentees=mentees,
        mentors=mentors,
        topics=[
            Topic(id=t.pk, name=t.name, synonyms=tuple(t.synonyms))
            for t in TopicRow.objects.filter(organization_id=program.organization_id)
        ],
        managers=managers if managers is not None else managers_of(program),
        labels={mode.value: mode.label.lower() for mode in MeetingMode},
    )


def load_policy(
    program: Program,
    *,
    weights: dict[str, float],
    rules: dict[str, object],
    participation_first: bool,
) -> Policy:
    """Build the engine's policy from a round's settings and the program's history."""
    # Failed matches, "do not match" and pairs already together or waiting: the same
    # pairs the policy refuses one by one.
    apart = pairs_kept_apart(program)
    gap = rules.get("max_utc_gap_hours")
    return Policy(
        weights=Weights(
            **{k: float(v) for k, v in weights.items() if k in Weights.__dataclass_fields__}
        ),
        rules=Rules(
            not_same_department=bool(rules.get("not_same_department")),
            same_language=bool(rules.get("same_language")),
            same_location=bool(rules.get("same_location")),
            max_utc_gap_hours=float(gap) if isinstance(gap, int | float) else None,
            do_not_match=frozenset(apart),
        ),
        participation_first=participation_first,
    )

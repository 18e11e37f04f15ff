"""Read a program from the database into the engine's input, and nothing more."""

import datetime
import functools
import json
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from tandem.matching.engine import Instance, Mentee, Mentor, Policy, Rules, Topic, Weights
from tandem.policy.eligibility import managers_of, pairs_kept_apart, round_people
from tandem.programs.models import (
    Enrollment,
    EnrollmentTopic,
    MeetingMode,
    Program,
    consented_identity,
)
from tandem.programs.models import Topic as TopicRow
from tandem.programs.next_match import NextMatchAsks


def zone_offset(zone: str, now: datetime.datetime) -> float:
    """Return the zone's offset from UTC in hours at ``now`` (0 for an unknown zone)."""
    try:
        delta = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    return delta.total_seconds() / 3600 if delta else 0.0


@dataclass(frozen=True, slots=True)
class Profile:
    """What the engine reads of one enrollment, from a model instance or a bulk read."""

    key: int
    person: int
    department: str | None
    time_zone: str
    location: str | None
    modes: list[str]
    languages: list[str]
    goals: str
    requested_attributes: list[str]
    identity: frozenset[str]
    asks: NextMatchAsks
    bio: str
    preferred_cadence: str
    # Topic id -> level, in the order the profile lists them (deepest first, then by name).
    focus: dict[int, int]
    expertise: dict[int, int]


def profile_of(e: Enrollment) -> Profile:
    """Describe one enrollment (topics prefetched, membership and department joined)."""
    membership = e.membership
    department = membership.department if membership else None
    topics = list(e.topics.all())
    return Profile(
        key=e.pk,
        person=membership.pk if membership else -e.pk,
        department=department.name if department else None,
        time_zone=membership.time_zone if membership else "UTC",
        location=(membership.location or None) if membership else None,
        modes=e.meeting_modes,
        languages=e.languages,
        goals=e.goals,
        requested_attributes=e.requested_attributes,
        identity=e.consented_identity,
        asks=NextMatchAsks.from_json(e.next_match_asks),
        bio=f"{e.what_i_bring}\n{e.why_i_mentor}",
        preferred_cadence=e.preferred_cadence,
        focus={t.topic_id: t.level for t in topics if t.kind == EnrollmentTopic.Kind.FOCUS},
        expertise={t.topic_id: t.level for t in topics if t.kind == EnrollmentTopic.Kind.EXPERTISE},
    )


# One row per enrollment, membership and department joined: what profile_of reads. The
# JSON columns come as text, so that each distinct value ("[]", '["en"]') is parsed once.
_PROFILE_COLUMNS = (
    "pk",
    "membership_id",
    "membership__department__name",
    "membership__time_zone",
    "membership__location",
    "modes_json",
    "languages_json",
    "goals",
    "requested_json",
    "identity_use",
    "identity_json",
    "asks_json",
    "what_i_bring",
    "why_i_mentor",
    "preferred_cadence",
)
_JSON_COLUMNS = {
    "modes_json": "meeting_modes",
    "languages_json": "languages",
    "requested_json": "requested_attributes",
    "identity_json": "identity_attributes",
    "asks_json": "next_match_asks",
}


def profiles_in(program: Program, keys: set[int]) -> dict[int, Profile]:
    """Describe the program's enrollments in ``keys`` in two queries, as profile_of would.

    The whole program is read and ``keys`` picked in Python: cheaper than a long IN list
    when ``keys`` is most of the program, as in a round.
    """
    return _profiles(
        Enrollment.objects.filter(program=program),
        EnrollmentTopic.objects.filter(enrollment__program=program),
        keys,
    )


def profiles_of(keys: Sequence[int]) -> dict[int, Profile]:
    """Describe these enrollments, as profile_of would, in two queries a thousand of them."""
    profiles: dict[int, Profile] = {}
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        profiles |= _profiles(
            Enrollment.objects.filter(pk__in=chunk),
            EnrollmentTopic.objects.filter(enrollment__in=chunk),
            None,
        )
    return profiles


# Within every database's limit on the values of one statement.
_KEYS_PER_QUERY = 1000


def _profiles(
    enrollments: QuerySet[Enrollment],
    topics: QuerySet[EnrollmentTopic],
    keys: set[int] | None,
) -> dict[int, Profile]:
    focus: dict[int, dict[int, int]] = {}
    expertise: dict[int, dict[int, int]] = {}
    # The model's ordering (deepest first, then by name), as the prefetch reads them.
    for enrollment, topic, level, kind in topics.values_list(
        "enrollment_id", "topic_id", "level", "kind"
    ):
        if keys is None or enrollment in keys:
            side = focus if kind == EnrollmentTopic.Kind.FOCUS else expertise
            side.setdefault(enrollment, {})[topic] = level
    # Parsed values are shared between people: they are only read.
    parse = functools.lru_cache(maxsize=None)(json.loads)
    asks_of = functools.lru_cache(maxsize=None)(
        lambda text: NextMatchAsks.from_json(json.loads(text))
    )
    identity_of = functools.lru_cache(maxsize=None)(
        lambda use, text: consented_identity(use, json.loads(text))
    )
    profiles = {}
    rows = enrollments.annotate(
        **{name: Cast(column, TextField()) for name, column in _JSON_COLUMNS.items()}
    ).values_list(*_PROFILE_COLUMNS)
    for (
        pk,
        membership,
        department,
        time_zone,
        location,
        modes,
        languages,
        goals,
        requested,
        identity_use,
        identity_attributes,
        asks,
        what_i_bring,
        why_i_mentor,
        cadence,
    ) in rows.iterator(chunk_size=5000):
        if keys is not None and pk not in keys:
            continue
        profiles[pk] = Profile(
            key=pk,
            person=membership if membership is not None else -pk,
            department=department,
            time_zone=time_zone if membership is not None else "UTC",
            location=(location or None) if membership is not None else None,
            modes=parse(modes),
            languages=parse(languages),
            goals=goals,
            requested_attributes=parse(requested),
            identity=identity_of(identity_use, identity_attributes),
            asks=asks_of(asks),
            bio=f"{what_i_bring}\n{why_i_mentor}",
            preferred_cadence=cadence,
            focus=focus.get(pk, {}),
            expertise=expertise.get(pk, {}),
        )
    return profiles


def load_instance(program: Program, *, now: datetime.datetime | None = None) -> Instance:
    """Return everyone who can be matched in this program now, as the engine sees them.

    Who is in, how many places each has left and which focuses a mentee still needs a
    mentor for all come from the pairing policy (tandem.policy.eligibility).
    """
    now = now or timezone.now()
    people = round_people(program)
    profiles = profiles_in(program, set(people.wanted) | set(people.places))
    offsets: dict[str, float] = {}  # one zone lookup per time zone, not per person

    def offset(zone: str) -> float:
        if zone not in offsets:
            offsets[zone] = zone_offset(zone, now)
        return offsets[zone]

    mentees, mentors = [], []
    for pk, wanted in people.wanted.items():
        profile = profiles[pk]
        row = _mentee(profile, wanted=wanted, utc_offset=offset(profile.time_zone))
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
        profile = profiles[pk]
        mentors.append(_mentor(profile, places=places, utc_offset=offset(profile.time_zone)))
    return instance_for(program, mentees, mentors, managers=people.managers)


def _common(p: Profile, utc_offset: float) -> dict[str, Any]:
    return {
        "key": p.key,
        "person": p.person,
        "department": p.department,
        "utc_offset": utc_offset,
        "modes": frozenset(p.modes),
        "languages": frozenset(p.languages),
        "location": p.location,
    }


def _mentee(p: Profile, *, wanted: int, utc_offset: float) -> Mentee:
    common = _common(p, utc_offset)
    # What she asked for after a match that was not a fit, once she confirmed it.
    asks = p.asks
    return Mentee(
        **common,
        focus=dict(p.focus),
        goals=p.goals,
        requested_attributes=frozenset(p.requested_attributes),
        mentors_wanted=wanted,
        # Self-described identity reaches the engine only with the person's consent.
        groups=p.identity,
        avoid_departments=asks.avoid_departments(common["department"]),
        max_utc_gap_hours=asks.max_time_zone_gap,
        min_expertise=dict(asks.min_expertise),
        prefer_words=asks.words,
        preferred_cadence=asks.cadence or None,
    )


def _mentor(p: Profile, *, places: int, utc_offset: float) -> Mentor:
    return Mentor(
        **_common(p, utc_offset),
        expertise=dict(p.expertise),
        bio=p.bio,
        capacity=max(places, 1),
        # Without consent a holder must look exactly like a non-holder: in scores,
        # reasons and order.
        attributes=p.identity,
        preferred_cadence=p.preferred_cadence or None,
    )


def mentee_row(e: Enrollment, *, wanted: int, now: datetime.datetime) -> Mentee:
    """Describe a mentee to the engine (topics must be prefetched)."""
    profile = profile_of(e)
    return _mentee(profile, wanted=wanted, utc_offset=zone_offset(profile.time_zone, now))


def mentor_row(e: Enrollment, *, places: int, now: datetime.datetime) -> Mentor:
    """Describe a mentor to the engine (topics must be prefetched)."""
    return mentor_of(profile_of(e), places=places, now=now)


def mentor_of(profile: Profile, *, places: int, now: datetime.datetime) -> Mentor:
    """Describe a mentor to the engine from a profile read in bulk."""
    return _mentor(profile, places=places, utc_offset=zone_offset(profile.time_zone, now))


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

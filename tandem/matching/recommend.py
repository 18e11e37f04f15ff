"""Rank mentors for one mentee with the matching engine's own score and reasons."""

import datetime
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np
from django.db.models import TextField, Value
from django.db.models.functions import Cast, Concat

from tandem.matching.engine import Mentor, Policy, Topic
from tandem.matching.engine.explain import pair_reasons
from tandem.matching.engine.features import Features, build_features
from tandem.matching.engine.kept import MentorSide, mentee_features, score_listed
from tandem.matching.engine.scoring import score_pairs
from tandem.matching.engine.text import document_words
from tandem.matching.loading import (
    Profile,
    instance_for,
    mentee_row,
    mentor_of,
    profiles_of,
    zone_offset,
)
from tandem.programs.models import Enrollment

# What a mentor's profile was read at: the enrollment's and the membership's last change
# (every write to a profile, its topics or the person's membership sets them), which
# membership, and the department's name, which a rename changes without touching one.
Stamp = str


def profile_stamp() -> Concat:
    """Return the Stamp of each row of an Enrollment queryset, as one text.

    Text, because parsing two timestamps for every mentor costs more than comparing them.
    """
    return Concat(
        Cast("updated_at", TextField()),
        Value("|"),
        Cast("membership_id", TextField()),
        Value("|"),
        Cast("membership__updated_at", TextField()),
        Value("|"),
        "membership__department__name",
        output_field=TextField(),
    )


@dataclass(frozen=True)
class KeptMentor:
    profile: Profile
    # The stamp the profile was read at.
    stamp: Stamp
    # The bio split into words as the engine counts them.
    words: tuple[str, ...]
    # The engine's row for the mentor, for one place, at its time zone's offset then.
    row: Mentor


class MentorProfiles:
    """The profiles of each program's mentors, kept between requests in this process.

    A profile is reused while the stamp it was read at is the one the caller reads now,
    so a change to it shows on the next request without anyone having to forget it; who
    is listed, and who has room, is never kept here (the pairing policy reads it fresh).
    A profile no request has asked for in ``unused_for`` seconds is dropped: someone who
    left the program, or was erased, does not stay in memory for good.
    """

    def __init__(
        self,
        programs: int = 32,
        *,
        unused_for: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._programs = programs
        self._unused_for = unused_for
        self._clock = clock
        # Program id -> enrollment id -> (stamp, mentor, when last asked for).
        self._kept: OrderedDict[int, dict[int, tuple[Stamp, KeptMentor, float]]] = OrderedDict()
        # Program id -> the mentors' side of the engine's features, compiled from the
        # profiles kept for the program (see ``side``).
        self._sides: dict[int, _Side] = {}
        self._lock = threading.Lock()

    def get(
        self, program_id: int, stamps: Mapping[int, Stamp], *, now: datetime.datetime
    ) -> dict[int, KeptMentor]:
        """Return these enrollments as mentors, reading only those not kept as they are."""
        with self._lock:
            kept = self._kept.setdefault(program_id, {})
            self._kept.move_to_end(program_id)
            while len(self._kept) > self._programs:
                gone, _ = self._kept.popitem(last=False)
                self._sides.pop(gone, None)
        asked_at = self._clock()
        # Other threads add to ``kept`` outside the lock: sweep a copy (list() takes it whole).
        for pk, (_, _, last_asked) in list(kept.items()):
            if asked_at - last_asked > self._unused_for:
                kept.pop(pk, None)
                # Compiled with the others: forget those too, to compile without it.
                self._sides.pop(program_id, None)
        found = {}
        stale = []
        for pk, stamp in stamps.items():
            entry = kept.get(pk)
            if entry is not None and entry[0] == stamp:
                found[pk] = entry[1]
                kept[pk] = (stamp, entry[1], asked_at)
            else:
                stale.append(pk)
        # Read after the stamps: a profile is never older than the stamp kept with it.
        fresh = profiles_of(stale)
        for pk in stale:
            profile = fresh.get(pk)
            if profile is not None:
                found[pk] = KeptMentor(
                    profile,
                    stamps[pk],
                    document_words(profile.bio),
                    mentor_of(profile, places=1, now=now),
                )
                kept[pk] = (stamps[pk], found[pk], asked_at)
        # Offsets move with daylight saving time: one look-up per zone, not per mentor.
        offsets: dict[str, float] = {}
        for pk, mentor in found.items():
            zone = mentor.profile.time_zone
            if zone not in offsets:
                offsets[zone] = zone_offset(zone, now)
            if mentor.row.utc_offset != offsets[zone]:
                found[pk] = replace(mentor, row=replace(mentor.row, utc_offset=offsets[zone]))
        return found

    def side(
        self,
        program_id: int,
        mentors: Sequence[KeptMentor],
        topics: Sequence[Topic],
        labels: Mapping[str, str],
    ) -> MentorSide:
        """Return the mentors' side of the engine's features, with these mentors as they are.

        It is compiled once from every profile kept for the program (each mentee's listing
        leaves out her own reporting line, so others' listings find theirs in it too), and
        again when one of ``mentors`` is not in it as the caller has it: a stamp moved, a
        mentor joined, a time zone changed its offset, or the organization's topics changed.
        """
        with self._lock:
            kept = self._sides.get(program_id)
        topics = tuple(topics)
        if kept is not None and kept.covers(topics, mentors):
            return kept.side
        with self._lock:
            others = {pk: entry[1] for pk, entry in self._kept.get(program_id, {}).items()}
        current = {mentor.profile.key: mentor for mentor in mentors}
        pool = others | current
        # The caller's mentors carry offsets of now; others take their zone's offset now.
        offsets = {m.profile.time_zone: m.row.utc_offset for m in current.values()}
        rows = []
        for pk in sorted(pool):
            row = pool[pk].row
            offset = offsets.get(pool[pk].profile.time_zone, row.utc_offset)
            rows.append(row if row.utc_offset == offset else replace(row, utc_offset=offset))
        words = {mentor.profile.bio: mentor.words for mentor in pool.values()}
        side = MentorSide.build(topics, rows, Policy(), labels=labels, words=words.__getitem__)
        read = {row.key: (pool[row.key].stamp, row.utc_offset) for row in rows}
        with self._lock:
            if program_id in self._kept:
                self._sides[program_id] = _Side(side, topics, read)
        return side

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._sides.clear()


@dataclass(frozen=True)
class _Side:
    side: MentorSide
    topics: tuple[Topic, ...]
    # Enrollment id -> the stamp and time-zone offset it was compiled with.
    read: dict[int, tuple[Stamp, float]]

    def covers(self, topics: tuple[Topic, ...], mentors: Sequence[KeptMentor]) -> bool:
        if topics != self.topics:
            return False
        read = self.read
        for mentor in mentors:
            seen = read.get(mentor.profile.key)
            if seen is None or seen[0] != mentor.stamp or seen[1] != mentor.row.utc_offset:
                return False
        return True


mentor_profiles = MentorProfiles()


@dataclass(frozen=True)
class Fit:
    score: float
    # The engine's name for a hard rule the pair breaks (reporting line, ...), if any.
    broken_rule: bool


class MentorFits:
    """Each mentor's fit for one mentee as a matching round would score it."""

    def __init__(self, features: Features | None, fits: dict[int, Fit], parts: np.ndarray):
        self._features = features
        self.fits = fits
        self._parts = parts
        self._row = {key: i for i, key in enumerate(fits)}

    def reasons(self, keys: Sequence[int]) -> dict[int, tuple[str, ...]]:
        """Return the reasons for the fit of these mentors only, strongest first."""
        if self._features is None or not keys:
            return {}
        index = self._features.mentor_index
        rows = np.array([self._row[key] for key in keys], np.int64)
        ri = np.array([index[key] for key in keys], np.int64)
        mi = np.zeros(len(keys), np.int64)
        reasons = pair_reasons(self._features, mi, ri, self._parts[rows])
        return {key: tuple(r.text for r in reasons[i]) for i, key in enumerate(keys)}


def mentor_fits(
    *, mentee: Enrollment, mentors: Sequence[KeptMentor], now: datetime.datetime
) -> MentorFits:
    """Score each mentor for this mentee as a matching round would; key by enrollment id.

    The mentee comes with her topics and membership (department) loaded; the mentors as
    ``mentor_profiles`` keeps them. The mentors' side of the engine's features is kept
    with them (``MentorProfiles.side``): each request compiles only the mentee's row,
    and the scores and reasons are bit for bit those of compiling everyone anew.
    Reasons are worked out only for the mentors asked.
    """
    if not mentors:
        return MentorFits(None, {}, np.zeros((0, 6)))
    # The organization's topics and the labels of meeting modes, as a round reads them.
    # The pairing policy has already left out her reporting line, walking it in SQL;
    # loading the organization's whole hierarchy for one page would cost more.
    empty = instance_for(mentee.program, [], [], managers={})
    row = mentee_row(mentee, wanted=1, now=now)
    side = mentor_profiles.side(mentee.program_id, mentors, empty.topics, empty.labels)
    features = mentee_features(side, row, [mentor.profile.key for mentor in mentors])
    if features is not None:
        scored = score_listed(features)  # the mentors in the order given
    else:  # a topic outside the organization's: compile everyone
        words = {mentor.profile.bio: mentor.words for mentor in mentors}
        instance = replace(empty, mentees=[row], mentors=[mentor.row for mentor in mentors])
        features = build_features(instance, Policy(), words=words.__getitem__)
        ri = np.array([features.mentor_index[m.profile.key] for m in mentors], np.int64)
        scored = score_pairs(features, np.zeros(len(mentors), np.int64), ri)
    fits = {
        mentor.profile.key: Fit(
            score=float(scored.score[i]), broken_rule=bool(scored.broken[i] >= 0)
        )
        for i, mentor in enumerate(mentors)
    }
    return MentorFits(features, fits, scored.parts)

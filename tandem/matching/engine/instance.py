"""Input records of the matching engine: people, topics, reporting lines and policy.

The Django side builds these from the database; the benchmark builds them synthetically.
Keys (``key``) are the caller's own ids (enrollment pks); ``person`` ids (membership pks)
tie people to the reporting lines, so the same person enrolled as mentee and mentor is
never matched with themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# Names of the score components, in the order the engine stores them.
COMPONENTS = ("focus", "lexical", "attributes", "time_zone", "modes", "seniority")
# A preferred meeting rhythm is scored as one more "mode" under this prefix.
CADENCE_PREFIX = "cadence:"


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the program's vocabulary, with the other words people use for it."""

    id: int
    name: str
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mentee:
    """Someone who wants help: what with, how, and from whom."""

    key: int
    person: int
    # Topic id -> how much it matters to them (1 nice to have, 2 important, 3 top priority).
    focus: Mapping[int, int] = field(default_factory=dict)
    goals: str = ""
    # Mentor attributes they asked for (for example "parent_carer"); used only for scoring.
    requested_attributes: frozenset[str] = frozenset()
    department: str | None = None
    # Hours east of UTC at the time of the round (the Django side resolves IANA names).
    utc_offset: float = 0.0
    modes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    location: str | None = None
    # An ordinal grade (larger is more senior); None when unknown.
    seniority: int | None = None
    mentors_wanted: int = 1
    # Self-described groups for the fairness table; only aggregates of >= 5 people are shown.
    groups: frozenset[str] = frozenset()
    # What they asked for after an earlier match did not fit. Hard: never mentors from
    # these departments, more than this many hours away, or below these levels (topic id
    # -> 1..3) in these topics. Soft: words to look for in a mentor's profile (part of
    # the lexical score) and how often they would like to meet (part of "modes").
    avoid_departments: frozenset[str] = frozenset()
    max_utc_gap_hours: float | None = None
    min_expertise: Mapping[int, int] = field(default_factory=dict)
    prefer_words: str = ""
    preferred_cadence: str | None = None

    @property
    def has_asks(self) -> bool:
        return bool(
            self.avoid_departments
            or self.max_utc_gap_hours is not None
            or self.min_expertise
            or self.prefer_words.strip()
            or self.preferred_cadence
        )


@dataclass(frozen=True, slots=True)
class Mentor:
    """Someone who offers help: what in, how much, and how."""

    key: int
    person: int
    # Topic id -> level (1 some experience, 2 solid experience, 3 deep expertise).
    expertise: Mapping[int, int] = field(default_factory=dict)
    bio: str = ""
    capacity: int = 1
    department: str | None = None
    utc_offset: float = 0.0
    modes: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    location: str | None = None
    seniority: int | None = None
    # Attributes the mentor agreed to let the engine use for requested-attribute fit.
    attributes: frozenset[str] = frozenset()
    # How often they like to meet; scored only for mentees who asked for a rhythm.
    preferred_cadence: str | None = None


@dataclass(frozen=True, slots=True)
class Weights:
    """Relative weights of the score components; only their ratios matter."""

    focus: float = 0.40
    lexical: float = 0.20
    attributes: float = 0.10
    time_zone: float = 0.10
    modes: float = 0.10
    seniority: float = 0.10

    def as_tuple(self) -> tuple[float, ...]:
        return tuple(getattr(self, name) for name in COMPONENTS)


@dataclass(frozen=True, slots=True)
class Rules:
    """Hard rules: a pair that breaks one is never proposed."""

    not_same_department: bool = False
    same_language: bool = False
    max_utc_gap_hours: float | None = None
    # In-person programs: both people must give the same location.
    same_location: bool = False
    # "Must" criteria: the named components must be above zero (focus: shares a focus
    # area; attributes: has at least one requested attribute; modes: shares a mode).
    must: frozenset[str] = frozenset()
    # Pairs scoring below this are not proposed.
    min_score: float = 0.0
    # (mentee key, mentor key) pairs never to propose: explicit "do not match" and pairs
    # whose relationship already failed.
    do_not_match: frozenset[tuple[int, int]] = frozenset()
    failed_pairs: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True, slots=True)
class Policy:
    """A program's matching policy: weights, hard rules and solver options."""

    weights: Weights = Weights()
    rules: Rules = Rules()
    # Optimal solver: first match as many mentees as possible, then maximize the total.
    participation_first: bool = False
    # Mentor seniority minus mentee seniority that scores 1 (inclusive band).
    ideal_seniority_gap: tuple[int, int] = (1, 3)
    # Candidate graph: best mentors per mentee, best mentees per mentor.
    candidates_per_mentee: int = 16
    candidates_per_mentor: int = 48
    # Peer rounds of more than 200 people: a matching whose total is proved within this
    # relative gap of the best possible (0.001 = 0.1 %) is accepted rather than searched
    # past for the last hundredths of a percent; 0 asks for the proved optimum.
    peer_gap: float = 0.001


@dataclass(frozen=True, slots=True)
class Instance:
    """Everyone in one matching run, the topic vocabulary and the reporting lines."""

    mentees: Sequence[Mentee]
    mentors: Sequence[Mentor]
    topics: Sequence[Topic] = ()
    # Person id -> their manager's person id (people without a manager may be left out).
    managers: Mapping[int, int] = field(default_factory=dict)
    # Display names for codes that explanations mention (meeting modes, for example).
    labels: Mapping[str, str] = field(default_factory=dict)

"""Seeded synthetic matching instances: an organization's people, topics and texts.

The shape follows what large programs look like: a reporting tree six wide, departments
under the top managers, topic popularity with a Zipf skew (a few topics everyone asks
for, a long tail, three that no mentor offers), mentors more senior than mentees,
capacities 1-5, most mentees wanting one mentor and some two or three, several time
zones and languages, and goals and bios written from the topic phrases plus filler words.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.matching.engine import Instance, Mentee, Mentor, Policy, Rules, Topic

SIZES = {
    "1k": (1_000, 300),
    "10k": (10_000, 3_000),
    "15k": (15_000, 13_000),
    "100k": (100_000, 25_000),
    "1m": (1_000_000, 250_000),
}

N_TOPICS = 160
UNOFFERED_TOPICS = 3
TOPIC_SKEW = 1.0
BRANCHING = 6
MODES = ("in_person", "phone", "video", "chat")
LANGUAGES = ("en", "es", "fr", "de", "pt", "hi", "zh", "ja")
ATTRIBUTES = (
    "woman",
    "non_binary",
    "lgbtq",
    "parent_carer",
    "first_generation",
    "career_changer",
    "veteran",
    "disability",
    "immigrant",
    "returner",
)
OFFSETS = np.array([-8.0, -5.0, -3.0, 0.0, 1.0, 2.0, 5.5, 8.0, 10.0])
OFFSET_SHARE = np.array([0.14, 0.24, 0.04, 0.16, 0.16, 0.06, 0.1, 0.07, 0.03])
_SYLLABLES = [a + b for a in "bdfgklmnprstvz" for b in ("a", "e", "i", "o", "u", "ai", "or")]

# Bench policy: a cross-department program with a language rule and a time-zone limit.
BENCH_POLICY = Policy(
    rules=Rules(not_same_department=True, same_language=True, max_utc_gap_hours=6.0)
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _words(rng: np.random.Generator, n: int) -> list[str]:
    """Deterministic pseudo-words, unique."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        parts = rng.choice(len(_SYLLABLES), size=int(rng.integers(2, 4)))
        word = "".join(_SYLLABLES[p] for p in parts)
        if word not in seen:
            seen.add(word)
            out.append(word)
    return out


def _topics(rng: np.random.Generator) -> list[Topic]:
    vocab = _words(rng, 3 * N_TOPICS)
    topics = []
    for i in range(N_TOPICS):
        name = f"{vocab[3 * i]} {vocab[3 * i + 1]}"
        topics.append(Topic(id=1000 + i, name=name.capitalize(), synonyms=(vocab[3 * i + 2],)))
    return topics


def _pick(rng: np.random.Generator, share: FloatArray, n: int, size: IntArray) -> list[IntArray]:
    """For each of n people, pick size[i] distinct items by popularity ``share``."""
    draws = rng.choice(share.shape[0], size=(n, int(size.max()) * 3), p=share)
    out = []
    for row, want in zip(draws, size.tolist(), strict=True):
        _, first = np.unique(row, return_index=True)
        out.append(row[np.sort(first)][:want])
    return out


def _hierarchy(rng: np.random.Generator, n_people: int) -> tuple[IntArray, IntArray, IntArray]:
    """Return person ids, their manager position (-1 at the top) and depth."""
    positions = np.arange(n_people)
    manager = np.where(positions > 0, (positions - 1) // BRANCHING, -1)
    depth = np.zeros(n_people, np.int64)
    cursor = manager.copy()
    while np.any(cursor >= 0):
        depth += cursor >= 0
        cursor = np.where(cursor >= 0, manager[np.maximum(cursor, 0)], -1)
    ids = rng.permutation(n_people) + 1
    return ids, manager, depth


def _department(manager: IntArray, depth: IntArray) -> IntArray:
    """Department = the person's ancestor at depth 2 (themselves if shallower)."""
    dept = np.arange(manager.shape[0])
    for _ in range(int(depth.max())):
        dept = np.where(depth[dept] > 2, manager[dept], dept)
    return dept


@dataclass(frozen=True)
class _Words:
    """Topic phrases and Zipf-distributed filler words to write goals and bios with."""

    rng: np.random.Generator
    topics: list[Topic]
    filler: list[str]
    zipf: FloatArray

    def text(self, topic_idx: IntArray, lead: str, n_filler: int) -> str:
        phrases = []
        for t in topic_idx.tolist():
            topic = self.topics[t]
            phrases.append(topic.synonyms[0] if self.rng.random() < 0.3 else topic.name.lower())
        picks = self.rng.choice(len(self.filler), size=n_filler, p=self.zipf).tolist()
        return f"{lead} {' and '.join(phrases)}. " + " ".join(self.filler[i] for i in picks)


@dataclass(frozen=True)
class _People:
    """What mentees and mentors share: person, department, zone, languages, modes, level."""

    person: list[int]
    department: list[str]
    offset: list[float]
    languages: list[frozenset[str]]
    modes: list[frozenset[str]]
    seniority: list[int]


def _people(
    rng: np.random.Generator, pos: IntArray, ids: IntArray, dept: IntArray, depth: IntArray
) -> _People:
    n = pos.shape[0]
    offsets = OFFSETS[rng.choice(OFFSETS.shape[0], size=n, p=OFFSET_SHARE)]
    second = np.asarray(rng.choice(len(LANGUAGES), size=n)).tolist()
    has_second = np.asarray(rng.random(n) < 0.25).tolist()
    first_en = np.asarray(rng.random(n) < 0.85).tolist()
    mode_bits = rng.random((n, len(MODES))) < np.array([0.3, 0.5, 0.8, 0.4])
    return _People(
        person=ids[pos].tolist(),
        department=[f"D{d}" for d in dept[pos].tolist()],
        offset=offsets.tolist(),
        languages=[
            frozenset({"en" if e else LANGUAGES[s], *([LANGUAGES[s]] if h else [])})
            for e, s, h in zip(first_en, second, has_second, strict=True)
        ],
        modes=[frozenset(itertools.compress(MODES, bits)) for bits in mode_bits.tolist()],
        seniority=(int(depth.max()) - depth[pos] + rng.integers(0, 2, size=n)).tolist(),
    )


def _mentees(
    rng: np.random.Generator, p: _People, words: _Words, demand: FloatArray
) -> list[Mentee]:
    n = len(p.person)
    focus = _pick(rng, demand, n, rng.integers(1, 5, size=n))
    level = rng.integers(1, 4, size=(n, 4)).tolist()
    wanted = rng.choice([1, 2, 3], size=n, p=[0.85, 0.12, 0.03]).tolist()
    asks = (rng.random(n) < 0.2).tolist()
    asked = (rng.random((n, len(ATTRIBUTES))) < 0.12).tolist()
    groups = (rng.random((n, len(ATTRIBUTES))) < 0.1).tolist()
    topics = words.topics
    return [
        Mentee(
            key=i + 1,
            person=p.person[i],
            focus={topics[t].id: level[i][j] for j, t in enumerate(focus[i].tolist())},
            goals=words.text(focus[i], "I want to grow in", int(rng.integers(6, 18))),
            requested_attributes=frozenset(itertools.compress(ATTRIBUTES, asked[i]))
            if asks[i]
            else frozenset(),
            department=p.department[i],
            utc_offset=p.offset[i],
            modes=p.modes[i],
            languages=p.languages[i],
            seniority=p.seniority[i],
            mentors_wanted=wanted[i],
            groups=frozenset(itertools.compress(ATTRIBUTES, groups[i])),
        )
        for i in range(n)
    ]


def _mentors(
    rng: np.random.Generator, p: _People, words: _Words, supply: FloatArray
) -> list[Mentor]:
    n = len(p.person)
    expertise = _pick(rng, supply, n, rng.integers(2, 7, size=n))
    level = rng.integers(1, 4, size=(n, 6)).tolist()
    capacity = rng.integers(1, 6, size=n).tolist()
    has_attr = (rng.random((n, len(ATTRIBUTES))) < 0.15).tolist()
    topics = words.topics
    return [
        Mentor(
            key=i + 1,
            person=p.person[i],
            expertise={topics[t].id: level[i][j] for j, t in enumerate(expertise[i].tolist())},
            bio=words.text(expertise[i], "I have worked on", int(rng.integers(15, 40))),
            capacity=capacity[i],
            department=p.department[i],
            utc_offset=p.offset[i],
            modes=p.modes[i],
            languages=p.languages[i],
            seniority=p.seniority[i],
            attributes=frozenset(itertools.compress(ATTRIBUTES, has_attr[i])),
        )
        for i in range(n)
    ]


def generate(n_mentees: int, n_mentors: int, seed: int = 0) -> Instance:
    """Build one synthetic instance; the same arguments always give the same instance."""
    rng = np.random.default_rng(seed)
    topics = _topics(rng)
    filler = _words(rng, 3000)
    zipf = 1.0 / np.arange(1, len(filler) + 1, dtype=np.float64) ** 1.1
    words = _Words(rng, topics, filler, zipf / zipf.sum())
    popularity = rng.permutation(1.0 / np.arange(1, N_TOPICS + 1, dtype=np.float64) ** TOPIC_SKEW)
    demand = popularity / popularity.sum()
    supply = popularity.copy()
    supply[np.argsort(popularity)[:UNOFFERED_TOPICS]] = 0.0
    supply /= supply.sum()

    n_people = int((n_mentees + n_mentors) * 1.15)
    ids, manager, depth = _hierarchy(rng, n_people)
    dept = _department(manager, depth)
    managers = {int(ids[p]): int(ids[manager[p]]) for p in range(1, n_people)}
    # Mentors are drawn from the more senior (shallower) people, mentees from everyone else.
    seniority_draw = rng.random(n_people) * (depth.max() + 1) + depth
    order = np.argsort(seniority_draw, kind="stable")
    mentor_pos = order[:n_mentors]
    mentee_pos = rng.permutation(order[n_mentors:])[:n_mentees]
    mentees = _mentees(rng, _people(rng, mentee_pos, ids, dept, depth), words, demand)
    mentors = _mentors(rng, _people(rng, mentor_pos, ids, dept, depth), words, supply)
    return Instance(mentees=mentees, mentors=mentors, topics=topics, managers=managers)


def bench_policy(instance: Instance, seed: int = 0) -> Policy:
    """Return the bench policy with a few do-not-match and earlier-failed pairs."""
    rng = np.random.default_rng(seed + 1)
    n_me, n_mr = len(instance.mentees), len(instance.mentors)
    n_pairs = max(n_me // 500, 1)
    a = rng.integers(1, n_me + 1, size=2 * n_pairs)
    b = rng.integers(1, n_mr + 1, size=2 * n_pairs)
    pairs = list(zip(a.tolist(), b.tolist(), strict=True))
    rules = BENCH_POLICY.rules
    return Policy(
        weights=BENCH_POLICY.weights,
        rules=Rules(
            not_same_department=rules.not_same_department,
            same_language=rules.same_language,
            max_utc_gap_hours=rules.max_utc_gap_hours,
            do_not_match=frozenset(pairs[:n_pairs]),
            failed_pairs=frozenset(pairs[n_pairs:]),
        ),
    )

"""Compile the engine ahead of time by running it once on a small made-up program.

numba compiles each kernel the first time it runs and keeps the machine code in its
on-disk cache (``cache=True``: ``__pycache__`` beside the sources, or ``NUMBA_CACHE_DIR``).
Without that cache, the first round (and the first mentor directory) of a fresh
deployment waits while every kernel compiles. ``warm_up`` goes through every path a round
or a directory takes, so the cache holds them all; later processes only load them.
"""

from __future__ import annotations

import time

import numpy as np

from tandem.matching.engine.explain import pair_reasons
from tandem.matching.engine.features import build_features
from tandem.matching.engine.instance import Instance, Mentee, Mentor, Policy, Rules, Topic
from tandem.matching.engine.peers import run_peer_matching
from tandem.matching.engine.quality import tradeoff
from tandem.matching.engine.run import run_matching
from tandem.matching.engine.scoring import score_pairs

TOPICS = (
    Topic(1, "Public speaking", ("presenting", "talks")),
    Topic(2, "Budgeting", ("finance",)),
    Topic(3, "Leadership", ("managing people",)),
    Topic(4, "Data analysis", ("spreadsheets", "statistics")),
    Topic(5, "Grant writing", ()),
    Topic(6, "Negotiation", ()),
)
WORDS = ("budget", "board", "hiring", "python", "writing", "transit", "permits", "teams")
MODES = ("video", "phone", "in_person")
CADENCES = ("weekly", "biweekly", "monthly")


def warm_instance(*, mentees: int = 40, mentors: int = 30, seed: int = 7) -> Instance:
    """Build a varied program: every kind of field, rule input and reporting line is used."""
    rng = np.random.default_rng(seed)
    people = mentees + mentors
    managers = {p: int(rng.integers(1, p)) for p in range(2, people + 1) if rng.random() < 0.6}

    def words(n: int) -> str:
        return " ".join(str(w) for w in rng.choice(WORDS, size=n))

    def common(person: int) -> dict[str, object]:
        return {
            "person": person,
            "department": str(rng.choice(["Ops", "Finance", "Planning"])),
            "utc_offset": float(rng.choice([-6.0, -5.0, 0.0, 1.0, 5.5])),
            "modes": frozenset(m for m in MODES if rng.random() < 0.6),
            "languages": frozenset(lang for lang in ("en", "es") if rng.random() < 0.7),
            "location": str(rng.choice(["North", "South"])) if rng.random() < 0.8 else None,
            "seniority": int(rng.integers(1, 6)) if rng.random() < 0.9 else None,
        }

    seekers = [
        Mentee(
            key=1000 + i,
            focus={t.id: int(rng.integers(1, 4)) for t in TOPICS if rng.random() < 0.4}
            or {TOPICS[i % len(TOPICS)].id: 2},
            goals=" ".join([words(4), *TOPICS[i % len(TOPICS)].synonyms[:1]]),
            requested_attributes=frozenset({"parent"}) if rng.random() < 0.2 else frozenset(),
            mentors_wanted=int(rng.integers(1, 3)),
            groups=frozenset({"parent"}) if rng.random() < 0.5 else frozenset(),
            avoid_departments=frozenset({"Ops"}) if i % 9 == 0 else frozenset(),
            max_utc_gap_hours=5.0 if i % 11 == 0 else None,
            min_expertise={1: 2} if i % 13 == 0 else {},
            prefer_words=words(2) if i % 5 == 0 else "",
            preferred_cadence=str(rng.choice(CADENCES)) if i % 4 == 0 else None,
            **common(i + 1),  # type: ignore[arg-type]
        )
        for i in range(mentees)
    ]
    # One mentee wants what nobody offers, so the "why not matched" path runs too.
    seekers.append(Mentee(key=999, person=people + 1, focus={5: 3}, goals="grants"))
    givers = [
        Mentor(
            key=2000 + i,
            expertise={t.id: int(rng.integers(1, 4)) for t in TOPICS[:4] if rng.random() < 0.5}
            or {TOPICS[i % 4].id: 3},
            bio=words(6),
            capacity=int(rng.integers(1, 4)),
            attributes=frozenset({"parent"}) if rng.random() < 0.3 else frozenset(),
            preferred_cadence=str(rng.choice(CADENCES)) if rng.random() < 0.5 else None,
            **common(mentees + i + 1),  # type: ignore[arg-type]
        )
        for i in range(mentors)
    ]
    return Instance(
        mentees=seekers,
        mentors=givers,
        topics=TOPICS,
        managers=managers,
        labels={m: m.replace("_", " ") for m in MODES},
    )


def _peer_instance(instance: Instance) -> Instance:
    """Let the first mentees also give help, as peers in a co-mentoring program do."""
    peers = instance.mentees[:20]
    givers = [
        Mentor(
            key=m.key,
            person=m.person,
            expertise=dict(m.focus),
            bio=m.goals,
            capacity=2,
            department=m.department,
            utc_offset=m.utc_offset,
            modes=m.modes,
            languages=m.languages,
            location=m.location,
            seniority=m.seniority,
        )
        for m in peers
    ]
    return Instance(mentees=peers, mentors=givers, topics=instance.topics, labels=instance.labels)


def warm_up() -> dict[str, float]:
    """Run every compiled path of the engine once; return the seconds each step took."""
    instance = warm_instance()
    policy = Policy(
        rules=Rules(
            not_same_department=True,
            max_utc_gap_hours=8.0,
            do_not_match=frozenset({(1000, 2000)}),
            failed_pairs=frozenset({(1001, 2001)}),
        ),
        participation_first=True,
    )
    seconds: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        seconds[step] = round(now - clock, 3)
        clock = now

    optimal = run_matching(instance, policy, solver="optimal", seed=1)
    lap("optimal round")
    locked = [(optimal.pairs[0].mentee, optimal.pairs[0].mentor)] if optimal.pairs else []
    stable = run_matching(instance, policy, solver="stable", seed=1, locked_pairs=locked)
    tradeoff(stable.quality, optimal.quality)
    lap("stable round")
    run_peer_matching(_peer_instance(instance), Policy(), seed=1)
    lap("peer round")
    # The mentor directory: one mentee against every mentor, with reasons.
    features = build_features(instance, Policy())
    mentor_idx = np.arange(len(instance.mentors), dtype=np.int64)
    mentee_idx = np.zeros(len(instance.mentors), dtype=np.int64)
    scored = score_pairs(features, mentee_idx, mentor_idx)
    pair_reasons(features, mentee_idx, mentor_idx, scored.parts)
    lap("directory")
    return seconds

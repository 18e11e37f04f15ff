"""Mentors compiled once score a mentee bit for bit as the whole instance compiled anew."""

import dataclasses

import numpy as np
import pytest

from tandem.matching.engine import Instance, Mentee, Mentor, Policy
from tandem.matching.engine.explain import pair_reasons
from tandem.matching.engine.features import Features, build_features
from tandem.matching.engine.kept import MentorSide, mentee_features, score_listed
from tandem.matching.engine.scoring import score_pairs
from tandem.matching.engine.text import document_words
from tandem.matching.tests.engine_support import TOPICS, random_instance, random_policy

# Enough words that their order of first appearance differs from subset to subset.
VOCABULARY = [
    "budget",
    "hiring",
    "python",
    "leadership",
    "writing",
    "sales",
    "design",
    "data",
    "coaching",
    "board",
    "strategy",
    "finance",
    "people",
    "teams",
    "change",
    "product",
    "research",
    "analytics",
    "negotiation",
    "presenting",
    "talks",
    "promotion",
    "machine",
    "learning",
    "grant",
    "public",
    "speaking",
    "career",
    "growth",
    "science",
    "operations",
    "planning",
    "feedback",
    "conflict",
    "delegation",
    "mentoring",
    "resilience",
    "networking",
    "stakeholders",
    "roadmaps",
    "reporting",
]
LABELS = {"video": "video call", "phone": "phone", "in_person": "in person"}


def _text(rng: np.random.Generator, most: int) -> str:
    words = rng.choice(VOCABULARY, size=int(rng.integers(0, most)))
    return " ".join(str(w) for w in words) + (". unheard" if rng.random() < 0.2 else "")


def _wordy(seed: int) -> Instance:
    """A random instance with long bios and goals, no managers, and asks at random."""
    instance = random_instance(seed, max_mentees=5, max_mentors=30)
    rng = np.random.default_rng(seed + 99)
    return dataclasses.replace(
        instance,
        managers={},
        labels=LABELS,
        mentees=[
            dataclasses.replace(
                m,
                goals=_text(rng, 14),
                prefer_words=_text(rng, 4) if m.has_asks or rng.random() < 0.3 else "",
            )
            for m in instance.mentees
        ],
        mentors=[dataclasses.replace(r, bio=_text(rng, 40)) for r in instance.mentors],
    )


def _outcome(features: Features, mentee: Mentee, mentors: list[Mentor]) -> list[object]:
    ri = np.array([features.mentor_index[r.key] for r in mentors], np.int64)
    mi = np.full(len(mentors), features.mentee_index[mentee.key], np.int64)
    scored = score_pairs(features, mi, ri)
    reasons = pair_reasons(features, mi, ri, scored.parts)
    return [
        (
            float(scored.score[i]).hex(),
            [float(p).hex() for p in scored.parts[i]],
            int(scored.broken[i]),
            [(r.component, r.text, r.contribution) for r in reasons[i]],
        )
        for i in range(len(mentors))
    ]


@pytest.mark.parametrize("seed", range(40))
def test_a_mentee_against_kept_mentors_scores_as_a_fresh_build(seed: int) -> None:
    instance = _wordy(seed)
    policy = dataclasses.replace(random_policy(seed, instance), ideal_seniority_gap=(0, 2))
    side = MentorSide.build(TOPICS, instance.mentors, policy, labels=LABELS)
    rng = np.random.default_rng(seed)
    for mentee in instance.mentees:
        # The whole side, and subsets of it in its order, as listings leave mentors out.
        for share in (1.0, 0.8, 0.4):
            listed = [r for r in instance.mentors if rng.random() < share] or [instance.mentors[0]]
            fresh = build_features(
                dataclasses.replace(instance, mentees=[mentee], mentors=listed), policy
            )
            kept = mentee_features(side, mentee, [r.key for r in listed])
            assert kept is not None
            assert _outcome(kept, mentee, listed) == _outcome(fresh, mentee, listed)
            alone = score_listed(kept)
            scored = score_pairs(kept, np.zeros(len(listed), np.int64), np.arange(len(listed)))
            for name in ("score", "parts", "broken"):
                assert getattr(alone, name).tobytes() == getattr(scored, name).tobytes()


def test_mentors_with_no_words_and_a_mentee_with_none_score_as_a_fresh_build() -> None:
    instance = _wordy(7)
    mentors = [dataclasses.replace(r, bio="") for r in instance.mentors]
    side = MentorSide.build(TOPICS, mentors, Policy(), labels=LABELS)
    for mentee in (instance.mentees[0], dataclasses.replace(instance.mentees[0], goals="")):
        fresh = build_features(
            dataclasses.replace(instance, mentees=[mentee], mentors=mentors), Policy()
        )
        kept = mentee_features(side, mentee, [r.key for r in mentors])
        assert kept is not None
        assert _outcome(kept, mentee, mentors) == _outcome(fresh, mentee, mentors)


def test_a_topic_outside_the_list_is_left_to_a_fresh_build() -> None:
    instance = _wordy(3)
    mentee = dataclasses.replace(instance.mentees[0], focus={999: 2})
    side = MentorSide.build(TOPICS, instance.mentors, Policy())
    assert mentee_features(side, mentee, [r.key for r in instance.mentors]) is None


def test_mentors_out_of_the_kept_order_are_refused() -> None:
    instance = _wordy(5)
    side = MentorSide.build(TOPICS, instance.mentors, Policy(), words=document_words)
    keys = [r.key for r in instance.mentors]
    if len(keys) > 1:
        with pytest.raises(ValueError, match="order"):
            mentee_features(side, instance.mentees[0], keys[::-1])

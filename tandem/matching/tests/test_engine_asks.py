"""What a mentee asked for after an earlier match: firm asks exclude, soft asks score."""

import dataclasses

import numpy as np
import pytest

from tandem.matching.engine import (
    Instance,
    LockedPairError,
    Mentee,
    Mentor,
    Policy,
    Rules,
    Topic,
    run_matching,
)
from tandem.matching.engine.features import build_features
from tandem.matching.engine.scoring import score_pairs

TOPICS = [Topic(1, "Public speaking", ("presenting",)), Topic(2, "Budgeting")]
AFTER = "as you asked after your last match"


def _mentee(**asks: object) -> Mentee:
    return Mentee(
        key=1,
        person=10,
        focus={1: 3},
        goals="presenting to the board",
        department="Operations",
        modes=frozenset({"video"}),
        **asks,  # type: ignore[arg-type]
    )


def _mentor(key: int, **fields: object) -> Mentor:
    values: dict[str, object] = {
        "person": 100 + key,
        "expertise": {1: 3},
        "bio": "presenting",
        "department": "Finance",
        "modes": frozenset({"video"}),
    }
    values.update(fields)
    return Mentor(key=key, **values)  # type: ignore[arg-type]


def _proposed(instance: Instance, policy: Policy | None = None) -> dict[int, list[str]]:
    result = run_matching(instance, policy)
    return {p.mentor: [r.text for r in p.reasons] for p in result.pairs}


def _scores(instance: Instance) -> dict[int, float]:
    features = build_features(instance, Policy())
    ri = np.array([features.mentor_index[r.key] for r in instance.mentors], np.int64)
    scored = score_pairs(features, np.zeros(ri.shape[0], np.int64), ri)
    return {r.key: float(s) for r, s in zip(instance.mentors, scored.score, strict=True)}


def test_the_best_mentor_in_an_avoided_department_is_not_proposed_and_the_reason_says_so():
    mentors = [
        _mentor(2, department="Operations", bio="presenting to the board, every week"),
        _mentor(3, expertise={1: 2}),
    ]
    before = _proposed(Instance(mentees=[_mentee()], mentors=mentors, topics=TOPICS))
    assert list(before) == [2]
    asked = Instance(
        mentees=[_mentee(avoid_departments=frozenset({"Operations"}))],
        mentors=mentors,
        topics=TOPICS,
    )
    after = _proposed(asked)
    assert list(after) == [3]
    assert after[3][0] == f"Outside your department, {AFTER}"


def test_a_department_other_than_her_own_is_named():
    instance = Instance(
        mentees=[_mentee(avoid_departments=frozenset({"Legal"}))],
        mentors=[_mentor(2, department="Legal"), _mentor(3)],
        topics=TOPICS,
    )
    assert _proposed(instance)[3][0] == f"Outside Legal, {AFTER}"


def test_mentors_too_many_hours_away_are_not_proposed():
    mentors = [_mentor(2, utc_offset=9.0, bio="presenting to the board"), _mentor(3, utc_offset=2)]
    instance = Instance(mentees=[_mentee(max_utc_gap_hours=3.0)], mentors=mentors, topics=TOPICS)
    after = _proposed(instance)
    assert list(after) == [3]
    assert after[3][0] == f"Within 3 hours of your time zone, {AFTER}"


def test_mentors_below_the_asked_level_in_a_topic_are_not_proposed():
    mentors = [
        _mentor(2, expertise={1: 1}, bio="presenting to the board"),
        _mentor(3, expertise={1: 3, 2: 1}, bio="budgets"),
        _mentor(4, expertise={2: 3}),
    ]
    instance = Instance(mentees=[_mentee(min_expertise={1: 3})], mentors=mentors, topics=TOPICS)
    after = _proposed(instance)
    assert list(after) == [3]
    assert after[3][0] == f"Deep expertise in Public speaking, {AFTER}"


def test_asked_words_raise_mentors_whose_profile_has_them():
    mentors = [
        _mentor(2, bio="presenting"),
        _mentor(3, bio="presenting; I ask a lot of questions before giving advice"),
    ]
    before = _scores(Instance(mentees=[_mentee()], mentors=mentors, topics=TOPICS))
    assert before[2] > before[3]
    asked = Instance(
        mentees=[_mentee(prefer_words="asks questions")], mentors=mentors, topics=TOPICS
    )
    after = _scores(asked)
    assert after[3] > after[2]
    reasons = _proposed(asked)[3]
    assert reasons[0] == f"Their profile mentions 'question', {AFTER}"


def test_a_shared_rhythm_scores_and_is_named_but_does_not_count_as_a_meeting_mode():
    mentors = [
        _mentor(2, preferred_cadence="weekly"),
        _mentor(3, preferred_cadence="monthly"),
    ]
    plain = _scores(Instance(mentees=[_mentee()], mentors=mentors, topics=TOPICS))
    asked = Instance(mentees=[_mentee(preferred_cadence="monthly")], mentors=mentors, topics=TOPICS)
    scores = _scores(asked)
    assert plain[3] == plain[2]
    assert scores[3] > scores[2]
    assert _proposed(asked)[3][0] == f"Likes to meet monthly, {AFTER}"
    # Sharing only the rhythm is not sharing a way to meet.
    must_modes = Policy(rules=Rules(must=frozenset({"modes"})))
    by_phone = dataclasses.replace(
        asked, mentors=[_mentor(3, preferred_cadence="monthly", modes=frozenset({"phone"}))]
    )
    assert _proposed(by_phone, must_modes) == {}


def test_without_asks_a_mentors_rhythm_changes_no_score():
    mentors = [_mentor(2), _mentor(3, bio="budgets and presenting")]
    plain = _scores(Instance(mentees=[_mentee()], mentors=mentors, topics=TOPICS))
    rhythmic = [dataclasses.replace(r, preferred_cadence="weekly") for r in mentors]
    assert _scores(Instance(mentees=[_mentee()], mentors=rhythmic, topics=TOPICS)) == plain


def test_several_asks_make_one_reason_line_first():
    instance = Instance(
        mentees=[
            _mentee(
                avoid_departments=frozenset({"Operations"}),
                preferred_cadence="monthly",
                prefer_words="questions",
            )
        ],
        mentors=[_mentor(3, preferred_cadence="monthly", bio="questions first")],
        topics=TOPICS,
    )
    reasons = _proposed(instance)[3]
    assert reasons[0] == (
        "Outside your department, likes to meet monthly and their profile mentions "
        f"'question', {AFTER}"
    )
    assert reasons[1].startswith("Covers your focus areas")


def test_a_locked_pair_against_an_ask_is_refused():
    instance = Instance(
        mentees=[_mentee(avoid_departments=frozenset({"Operations"}))],
        mentors=[_mentor(2, department="Operations")],
        topics=TOPICS,
    )
    with pytest.raises(LockedPairError, match="excluded"):
        run_matching(instance, locked_pairs=[(1, 2)])


def test_a_mentee_whom_every_mentor_breaks_an_ask_for_is_told_why():
    instance = Instance(
        mentees=[_mentee(avoid_departments=frozenset({"Operations"}))],
        mentors=[_mentor(2, department="Operations")],
        topics=TOPICS,
    )
    [unmatched] = run_matching(instance).unmatched
    assert unmatched.code == "no_eligible_mentor"
    assert "what you asked for after it" in unmatched.reasons[0]

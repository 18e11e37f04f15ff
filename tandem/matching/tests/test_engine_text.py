import numpy as np
import pytest

from tandem.matching.engine import Topic
from tandem.matching.engine.features import build_features
from tandem.matching.engine.text import build_lexical_space, document_words
from tandem.matching.tests.engine_support import random_instance, random_policy

TOPICS = [Topic(1, "Public speaking", ("presenting", "giving talks")), Topic(2, "Negotiation")]


def _terms(space, matrix, row):
    return {space.labels[i] for i in matrix[row].indices}


def test_synonyms_and_phrases_fold_to_one_topic_term():
    space = build_lexical_space(
        ["I am nervous when presenting", "help me with giving talks", "public speaking"],
        ["I coach Public Speaking"],
        [[]],
        TOPICS,
    )
    for row in range(3):
        assert _terms(space, space.goals, row) >= {"Public speaking"}
    assert _terms(space, space.mentor_docs, 0) == {"Public speaking", "coach"}


def test_stopwords_are_dropped_and_plurals_folded():
    space = build_lexical_space(["I want to improve my budgets"], ["budget owner"], [[1]], TOPICS)
    assert _terms(space, space.goals, 0) == {"budget"}
    assert "Negotiation" in _terms(space, space.mentor_docs, 0)


def test_rows_are_unit_length_so_dot_products_are_cosines():
    space = build_lexical_space(["budget hiring budget"], ["hiring plans"], [[]], TOPICS)
    assert abs((space.goals.multiply(space.goals)).sum() - 1) < 1e-12
    assert 0 < space.goals.multiply(space.mentor_docs).sum() < 1


def test_documents_split_ahead_of_time_give_the_very_same_space():
    goals = ["Presenting to the board, and budgets", "giving talks; public speaking"]
    bios = ["I coach Public Speaking and budgets", "Negotiation: giving talks", "", "a the of"]
    fresh = build_lexical_space(goals, bios, [[1], [], [2], []], TOPICS, asked=["", "budget"])
    kept = build_lexical_space(
        goals,
        bios,
        [[1], [], [2], []],
        TOPICS,
        asked=["", "budget"],
        mentor_words=[document_words(bio) for bio in bios],
    )
    assert kept.labels == fresh.labels
    for a, b in ((kept.goals, fresh.goals), (kept.mentor_docs, fresh.mentor_docs)):
        assert a.indices.tolist() == b.indices.tolist()
        assert a.indptr.tolist() == b.indptr.tolist() and a.data.tolist() == b.data.tolist()


@pytest.mark.parametrize("seed", range(60))
def test_features_from_words_kept_between_calls_are_the_same_features(seed: int) -> None:
    instance = random_instance(seed, max_mentors=12)
    policy = random_policy(seed, instance)
    fresh = build_features(instance, policy, seed=seed)
    kept = build_features(instance, policy, seed=seed, words=document_words)
    assert kept.lexical.labels == fresh.lexical.labels
    for name, value in fresh.arrays._asdict().items():
        assert np.array_equal(getattr(kept.arrays, name), value), name

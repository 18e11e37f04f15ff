from tandem.matching.engine import Topic
from tandem.matching.engine.text import build_lexical_space

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

"""Lexical similarity of a mentee's goals to a mentor's expertise and bio: TF-IDF cosine.

Topic names and their synonyms are folded to one term per topic before weighting, so
"public speaking", "presenting" and "talks" count as the same thing when a topic lists
them. Documents become rows of L2-normalized ``scipy.sparse`` matrices; the cosine of a
goal and a bio is then the dot product of their rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tandem.matching.engine.instance import Topic

_WORD = re.compile(r"[a-z0-9][a-z0-9+#]*")
# Topic names and synonyms of up to this many words fold to the topic's term.
MAX_PHRASE = 3
# A word a mentee asked for in a mentor's profile weighs this much more than once in
# their goals (on top of the goals' own weight for it).
ASKED_WEIGHT = 2.0
I64 = npt.NDArray[np.int64]

# Common English words that say nothing about what someone wants or offers.
_STOPWORDS = frozenset(
    (
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "getting",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "let",
        "like",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "really",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "want",
        "wants",
        "was",
        "we",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "help",
        "helping",
        "learn",
        "learning",
        "better",
        "improve",
        "improving",
        "work",
        "working",
        "year",
        "years",
        "time",
        "new",
        "get",
        "good",
        "great",
        "lot",
        "lots",
        "much",
        "many",
        "one",
        "two",
        "make",
        "making",
        "way",
        "ways",
    )
)


def _normalize(token: str) -> str | None:
    if token in _STOPWORDS or len(token) < 2:
        return None
    # A light plural fold ("skills" -> "skill") without a stemmer dependency.
    if len(token) > 4 and token.endswith("s") and not token.endswith("ss"):
        token = token[:-1]
    return token


@dataclass(frozen=True, slots=True)
class LexicalSpace:
    """TF-IDF rows of the mentees' goals and the mentors' documents, in one vocabulary."""

    goals: sp.csr_matrix
    mentor_docs: sp.csr_matrix
    labels: tuple[str, ...]
    # Term id of each topic (index = topic position in the instance's topic list).
    topic_terms: npt.NDArray[np.int64]
    # Per mentee, 1 for each term of the words they asked for (explanations only).
    asked: sp.csr_matrix | None = None


class _Vocabulary:
    """Words and terms: every kept word has a term, topic words share their topic's term."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.labels: list[str] = [t.name for t in topics]
        self.word_of: dict[str, int] = {}  # normalized word -> word index
        self.term_of_word: list[int] = []
        self.phrases: dict[tuple[int, ...], int] = {}
        for term, topic in enumerate(topics):
            for phrase in (topic.name, *topic.synonyms):
                normalized = (_normalize(w) for w in _WORD.findall(phrase.lower()))
                words = tuple(self.word(w) for w in normalized if w)
                # A word naming several topics belongs to the first.
                if len(words) == 1 and self.term_of_word[words[0]] >= len(topics):
                    self.term_of_word[words[0]] = term
                elif 1 < len(words) <= MAX_PHRASE:
                    self.phrases.setdefault(words, term)

    def word(self, normalized: str) -> int:
        index = self.word_of.get(normalized)
        if index is None:
            index = len(self.term_of_word)
            self.word_of[normalized] = index
            self.term_of_word.append(len(self.labels))
            self.labels.append(normalized)
        return index


def _word_ids(vocab: _Vocabulary, docs: Sequence[str]) -> tuple[I64, I64]:
    """Return each kept word's index and its document, stopwords dropped."""
    tokens = [_WORD.findall(doc.lower()) for doc in docs]
    lengths = np.fromiter((len(t) for t in tokens), np.int64, len(tokens))
    raw_index: dict[str, int] = {}
    # In the order words first appear, not a set's: term ids, and so every tie the solvers
    # break by index, must not depend on the process's string hashing (PYTHONHASHSEED).
    for raw in dict.fromkeys(chain.from_iterable(tokens)):
        normalized = _normalize(raw)
        raw_index[raw] = -1 if normalized is None else vocab.word(normalized)
    flat = chain.from_iterable(tokens)
    words = np.fromiter(map(raw_index.__getitem__, flat), np.int64, int(lengths.sum()))
    docs_of = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
    keep = words >= 0
    return words[keep], docs_of[keep]


def document_words(doc: str) -> tuple[str, ...]:
    """Return a document's words as the vocabulary counts them: folded, stopwords dropped."""
    words = (_normalize(raw) for raw in _WORD.findall(doc.lower()))
    return tuple(word for word in words if word is not None)


def _stream_ids(vocab: _Vocabulary, streams: Sequence[Sequence[str]]) -> tuple[I64, I64]:
    """Return what ``_word_ids`` returns, from documents already split by document_words."""
    lengths = np.fromiter((len(s) for s in streams), np.int64, len(streams))
    # Words meet the vocabulary in the order they first appear, as in _word_ids.
    index = {word: vocab.word(word) for word in dict.fromkeys(chain.from_iterable(streams))}
    flat = chain.from_iterable(streams)
    words = np.fromiter(map(index.__getitem__, flat), np.int64, int(lengths.sum()))
    return words, np.repeat(np.arange(len(streams), dtype=np.int64), lengths)


def _fold_phrases(vocab: _Vocabulary, words: I64, docs_of: I64) -> tuple[I64, I64]:
    """Replace topic phrases (longest first, left to right) by their topic's term."""
    terms = np.asarray(vocab.term_of_word, np.int64)[words]
    base = max(len(vocab.term_of_word), 1)
    starts: list[I64] = []
    sizes: list[I64] = []
    found_terms: list[I64] = []
    for size in range(MAX_PHRASE, 1, -1):
        table = {k: t for k, t in vocab.phrases.items() if len(k) == size}
        if not table or words.shape[0] < size:
            continue
        keys = np.array([sum(w * base**p for p, w in enumerate(k)) for k in table], np.int64)
        order = np.argsort(keys)
        keys, topic_terms = keys[order], np.array(list(table.values()), np.int64)[order]
        n = words.shape[0] - size + 1
        key = sum(words[p : p + n] * base**p for p in range(size))
        same_doc = docs_of[:n] == docs_of[size - 1 : size - 1 + n]
        pos = np.minimum(np.searchsorted(keys, key), keys.shape[0] - 1)
        hit = np.flatnonzero(same_doc & (keys[pos] == key))
        starts.append(hit)
        sizes.append(np.full(hit.shape[0], size, np.int64))
        found_terms.append(topic_terms[pos[hit]])
    if not starts:
        return terms, docs_of
    start = np.concatenate(starts)
    size_of = np.concatenate(sizes)
    term_of = np.concatenate(found_terms)
    order = np.lexsort((-size_of, start))
    drop = np.zeros(words.shape[0], np.bool_)
    covered = -1
    for i in order.tolist():
        if start[i] <= covered:
            continue
        terms[start[i]] = term_of[i]
        drop[start[i] + 1 : start[i] + size_of[i]] = True
        covered = start[i] + size_of[i] - 1
    return terms[~drop], docs_of[~drop]


def _counts(terms: I64, docs_of: I64, n_docs: int, n_terms: int) -> sp.csr_matrix:
    data = np.ones(terms.shape[0], np.float64)
    matrix = sp.csr_matrix((data, (docs_of, terms)), shape=(n_docs, n_terms))
    matrix.sum_duplicates()
    return matrix


def _tfidf(
    counts: sp.csr_matrix, idf: npt.NDArray[np.float64], asked: sp.csr_matrix | None = None
) -> sp.csr_matrix:
    weighted = counts.copy()
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    if asked is not None and asked.nnz:
        extra = asked.copy()
        extra.data = ASKED_WEIGHT * idf[extra.indices]
        weighted = sp.csr_matrix(weighted + extra)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = np.repeat(1.0 / norms, np.diff(weighted.indptr))
    weighted.data *= scale
    return weighted


def build_lexical_space(
    goals: Sequence[str],
    mentor_texts: Sequence[str],
    mentor_topics: Iterable[Iterable[int]],
    topics: Sequence[Topic],
    *,
    asked: Sequence[str] = (),
    mentor_words: Sequence[Sequence[str]] | None = None,
) -> LexicalSpace:
    """Weight goals and mentor documents (bio plus expertise topics) by TF-IDF.

    ``asked`` (one text per goal, or none) holds words a mentee asked to find in a
    mentor's profile: each counts ASKED_WEIGHT times a goal word, in the same row.
    ``mentor_words``, when given, are the mentor texts as ``document_words`` splits them,
    kept by a caller who scores the same mentors again and again.
    """
    vocab = _Vocabulary(topics)
    goal_terms, goal_docs = _fold_phrases(vocab, *_word_ids(vocab, goals))
    bio_ids = (
        _word_ids(vocab, mentor_texts) if mentor_words is None else _stream_ids(vocab, mentor_words)
    )
    bio_terms, bio_docs = _fold_phrases(vocab, *bio_ids)
    asked_terms, asked_docs = _fold_phrases(vocab, *_word_ids(vocab, asked))
    owned = [list(t) for t in mentor_topics]
    owned_docs = np.repeat(np.arange(len(owned), dtype=np.int64), [len(t) for t in owned])
    owned_terms = np.fromiter(chain.from_iterable(owned), np.int64, owned_docs.shape[0])
    n_terms = len(vocab.labels)
    goal_counts = _counts(goal_terms, goal_docs, len(goals), n_terms)
    doc_counts = _counts(
        np.concatenate([bio_terms, owned_terms]),
        np.concatenate([bio_docs, owned_docs]),
        len(mentor_texts),
        n_terms,
    )
    marked = None
    mentee_terms = goal_counts
    if asked:
        marked = _counts(asked_terms, asked_docs, len(asked), n_terms)
        marked.data[:] = 1.0
        mentee_terms = sp.csr_matrix(goal_counts + marked)
    df = np.bincount(mentee_terms.indices, minlength=n_terms) + np.bincount(
        doc_counts.indices, minlength=n_terms
    )
    n_docs = goal_counts.shape[0] + doc_counts.shape[0]
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    return LexicalSpace(
        goals=_tfidf(goal_counts, idf, marked),
        mentor_docs=_tfidf(doc_counts, idf),
        labels=tuple(vocab.labels),
        topic_terms=np.arange(len(topics), dtype=np.int64),
        asked=marked,
    )

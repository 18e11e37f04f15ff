"""One mentee against mentors compiled once: what ``build_features`` gives her pairs, cheaply.

A directory scores one mentee against every listed mentor on each request. Compiling the
whole instance each time repeats the mentors' side: splitting and counting their
documents, coding their profiles. ``MentorSide`` does that once for a set of mentors;
``mentee_features`` then adds one mentee and any subset of them (in the side's order)
and returns ``Features`` restricted to the columns her pairs read: her focus topics and
her terms, with every mentor's values there.

Scores, component values and reasons from these features are bit for bit those of
``build_features`` on an instance of that mentee and that subset. What the full build
shares between mentee and mentors is redone exactly:

- term ids: the full vocabulary numbers topic words, then her goals' words, then the
  subset's bio words in the order they first appear (mentors in ``build_features``' own
  order), then her asked-for words. Only the relative order of ids matters (it orders her
  sum and each document's norm), and the side keeps where each word first appears in each
  mentor's bio to order them for any subset;
- IDF: document frequencies count the subset and her, so the documents that share a term
  with her (the only ones her pairs read) are weighted and normalized again, in the full
  build's term order, by the same ``_tfidf``;
- codes (departments, languages, modes, ...) only ever meet in comparisons, and the
  time-zone and seniority tables are elementwise, so one mentee's codes against the
  side's give the same values.

Reporting lines are not read: like the directory's, the instance has no managers, so only
the same person is "in the reporting line".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tandem.matching.engine.features import (
    Arrays,
    Features,
    _exclusions,
    _mentor_order,
    _seniority,
    _time_zones,
    _topic_list,
    _topic_matrix,
    _weights,
    _with_cadence,
    asked_pairs,
)
from tandem.matching.engine.instance import (
    CADENCE_PREFIX,
    Instance,
    Mentee,
    Mentor,
    Policy,
    Topic,
)
from tandem.matching.engine.scoring import PairScores, _pair_block
from tandem.matching.engine.text import (
    LexicalSpace,
    _counts,
    _fold_phrases,
    _stream_ids,
    _tfidf,
    _Vocabulary,
    _word_ids,
    document_words,
)

I64 = npt.NDArray[np.int64]
I32 = npt.NDArray[np.int32]
B1 = npt.NDArray[np.bool_]
# Sort keys of terms, in the full build's id order: topics and topic words keep their
# ids, her goals' words come next (ids below BIO), then bio words by where they first
# appear in the subset's documents, then words only she asked for.
BIO = 1 << 40
ASKED = 1 << 60
MAX_BITS = 62


def _bits(sets: Sequence[frozenset[str]], vocab: dict[str, int], what: str) -> I64:
    """Code sets as bitmasks over ``vocab``, adding unseen items (as ``_masks`` would)."""
    masks = []
    for items in sets:
        for item in sorted(items):
            vocab.setdefault(item, len(vocab))
        masks.append(sum(1 << vocab[x] for x in items))
    if len(vocab) > MAX_BITS:
        raise ValueError(f"At most {MAX_BITS} distinct {what} are supported, got {len(vocab)}.")
    return np.array(masks, np.int64)


def _code(value: str | None, codes: dict[str, int]) -> int:
    return -1 if value is None else codes.setdefault(value, len(codes))


@dataclass(frozen=True, eq=False)
class MentorSide:
    """The mentors' half of ``build_features``, done once (see the module docstring).

    Mentors are kept in the caller's order (``keys``); arrays are in that order too.
    """

    policy: Policy
    topics: tuple[Topic, ...]
    # The instance's display names of codes (meeting modes), for explanations.
    instance_labels: Mapping[str, str]
    mentors: tuple[Mentor, ...]
    index: dict[int, int]
    # Whether someone's expertise names a topic outside ``topics`` (then the full build
    # numbers topics differently for each subset: callers build in full).
    unknown_topics: bool
    position: dict[int, int]
    # Each mentor's place in build_features' order (by time zone, then as given).
    build_pos: I64
    # Per mentor, in the caller's order: term counts of their document (bio and expertise
    # topics), in the side's own term ids, and expertise levels / 3 as the kernels read them.
    counts: sp.csr_matrix
    counts_by_term: sp.csc_matrix
    entry_row: I32
    expertise: sp.csr_matrix
    # Terms: labels, and for each bio word (word index - topic words) its occurrences,
    # sorted by word then by first position in the documents laid end to end.
    labels: tuple[str, ...]
    word_of: dict[str, int]
    n_topic_words: int
    occ_word: I32
    occ_row: I32
    occ_pos: I32
    # The same with every mentor listed: where each word first appears, and in how many
    # documents each term is.
    first_all: I64
    df_all: I64
    # Codes of what hard rules and profile parts compare.
    person: I64
    dept: I64
    dept_codes: dict[str, int]
    loc: I64
    loc_codes: dict[str, int]
    lang: I64
    lang_bits: dict[str, int]
    attr: I64
    attr_bits: dict[str, int]
    modes: I64
    mode_bits: dict[str, int]
    # The distinct offsets and grades (None last), and each mentor's, as indices.
    offsets: tuple[float, ...]
    offset_of: I64
    levels: tuple[int | None, ...]
    level_of: I64
    capacity: I64

    @classmethod
    def build(
        cls,
        topics: Sequence[Topic],
        mentors: Sequence[Mentor],
        policy: Policy,
        *,
        labels: Mapping[str, str] | None = None,
        words: Callable[[str], Sequence[str]] | None = None,
    ) -> MentorSide:
        """Compile ``mentors`` once; ``words`` splits a bio as ``document_words`` does."""
        mentors = tuple(mentors)
        n = len(mentors)
        split = words or document_words
        topic_list, position = _topic_list(Instance(mentees=(), mentors=mentors, topics=topics))
        order = _mentor_order(mentors, policy.rules.same_language)
        build_pos = np.empty(n, np.int64)
        build_pos[np.array(order, np.int64)] = np.arange(n)
        vocab = _Vocabulary(topic_list)
        n_topic_words = len(vocab.term_of_word)
        # Documents in the build's order, as its vocabulary meets them.
        word_ids, docs_of = _stream_ids(vocab, [split(mentors[i].bio) for i in order])
        # Back to the caller's order for every row-wise array.
        rows = np.array(order, np.int64)[docs_of]
        first = np.flatnonzero(word_ids >= n_topic_words)
        pair = (word_ids[first] - n_topic_words) * max(n, 1) + docs_of[first]
        _, at = np.unique(pair, return_index=True)
        at = first[at]  # first position of each (bio word, document)
        by_word = np.lexsort((at, word_ids[at]))
        at = at[by_word]
        occ_word = word_ids[at] - n_topic_words
        first_all = np.full(len(vocab.term_of_word) - n_topic_words, -1, np.int64)
        starts = _starts(occ_word)
        first_all[occ_word[starts]] = at[starts]
        terms, term_docs = _fold_phrases(vocab, word_ids, docs_of)
        owned = [[position[t] for t in mentors[i].expertise] for i in order]
        owned_docs = np.repeat(np.arange(n, dtype=np.int64), [len(t) for t in owned])
        owned_terms = np.fromiter(chain.from_iterable(owned), np.int64, owned_docs.shape[0])
        by_build = _counts(
            np.concatenate([terms, owned_terms]),
            np.concatenate([term_docs, owned_docs]),
            n,
            len(vocab.labels),
        )
        counts = sp.csr_matrix(by_build[build_pos])
        counts.sort_indices()
        expertise = _topic_matrix([r.expertise for r in mentors], position, len(topic_list))
        dept_codes: dict[str, int] = {}
        loc_codes: dict[str, int] = {}
        lang_bits: dict[str, int] = {}
        attr_bits: dict[str, int] = {}
        mode_bits: dict[str, int] = {}
        mode_sets = [_with_cadence(r.modes, r.preferred_cadence) for r in mentors]
        offsets = sorted({r.utc_offset for r in mentors})
        levels = [*sorted({r.seniority for r in mentors if r.seniority is not None}), None]
        return cls(
            policy=policy,
            topics=tuple(topics),
            instance_labels=dict(labels or {}),
            mentors=mentors,
            index={r.key: i for i, r in enumerate(mentors)},
            unknown_topics=len(topic_list) != len(topics),
            position=position,
            build_pos=build_pos,
            counts=counts,
            counts_by_term=counts.tocsc(),
            entry_row=np.repeat(np.arange(n, dtype=np.int32), np.diff(counts.indptr)),
            # As build_features divides it, then casts it for the kernels.
            expertise=sp.csr_matrix((expertise / 3.0).astype(np.float32)),
            labels=tuple(vocab.labels),
            word_of=dict(vocab.word_of),
            n_topic_words=n_topic_words,
            # Half the memory of int64, for a side kept as long as its program is used.
            occ_word=occ_word.astype(np.int32),
            occ_row=rows[at].astype(np.int32),
            occ_pos=at.astype(np.int32),
            first_all=first_all,
            df_all=np.bincount(counts.indices, minlength=counts.shape[1]),
            person=np.array([r.person for r in mentors], np.int64),
            dept=np.array([_code(r.department, dept_codes) for r in mentors], np.int64),
            dept_codes=dept_codes,
            loc=np.array([_code(r.location, loc_codes) for r in mentors], np.int64),
            loc_codes=loc_codes,
            lang=_bits([r.languages for r in mentors], lang_bits, "languages"),
            lang_bits=lang_bits,
            attr=_bits([r.attributes for r in mentors], attr_bits, "attributes"),
            attr_bits=attr_bits,
            modes=_bits(mode_sets, mode_bits, "meeting modes"),
            mode_bits=mode_bits,
            offsets=tuple(offsets),
            offset_of=np.array([offsets.index(r.utc_offset) for r in mentors], np.int64),
            levels=tuple(levels),
            level_of=np.array([levels.index(r.seniority) for r in mentors], np.int64),
            capacity=np.array([max(r.capacity, 0) for r in mentors], np.int64),
        )

    def rows(self, keys: Sequence[int]) -> I64:
        """Return the side's rows of these mentors, who must be in the side's order."""
        rows = np.fromiter(map(self.index.__getitem__, keys), np.int64, len(keys))
        if rows.shape[0] > 1 and not bool(np.all(np.diff(rows) > 0)):
            raise ValueError("Mentors must come in the order the side keeps them.")
        return rows


def _starts(values: npt.NDArray[np.integer]) -> I64:
    """Return where each run of equal values begins."""
    if values.shape[0] == 0:
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))


def _first_in(side: MentorSide, listed: B1) -> I64:
    """Where each bio word first appears in the listed mentors' documents (-1: nowhere)."""
    out = np.full(side.first_all.shape[0], -1, np.int64)
    hit = np.flatnonzero(listed[side.occ_row])
    if hit.shape[0]:
        # Entries of a word are sorted by position: its first listed entry is the earliest.
        word = side.occ_word[hit]
        starts = _starts(word)
        out[word[starts]] = side.occ_pos[hit[starts]]
    return out


def mentee_features(side: MentorSide, mentee: Mentee, keys: Sequence[int]) -> Features | None:
    """Compile ``mentee`` against the side's mentors ``keys``; see the module docstring.

    Returns None when the topics make the full build number them per subset (a topic
    outside the instance's list): the caller builds in full then.
    """
    if side.unknown_topics or any(t not in side.position for t in mentee.focus):
        return None
    policy = side.policy
    rules = policy.rules
    rows = side.rows(keys)
    n = rows.shape[0]
    n_side = len(side.mentors)
    listed = np.zeros(n_side, np.bool_)
    listed[rows] = True
    topics = _topic_list(Instance(mentees=(), mentors=(), topics=side.topics))[0]
    n_topics = len(topics)
    # Term ids below ``first`` (topics, then words of topic names) are the same in both.
    first = n_topics + side.n_topic_words

    # Her words in a vocabulary of her own: the full build's until the bios come in.
    vocab = _Vocabulary(topics)
    goal_terms, goal_docs = _fold_phrases(vocab, *_word_ids(vocab, [mentee.goals]))
    goals_end = len(vocab.labels)
    asked_terms, asked_docs = _fold_phrases(vocab, *_word_ids(vocab, [mentee.prefer_words]))
    everyone = n == n_side
    first_at = side.first_all if everyone else _first_in(side, listed)

    def side_term(term: int) -> int:
        """The side's id of one of her terms, or -1 when no kept document has it."""
        if term < first:
            return term
        word = side.word_of.get(vocab.labels[term])
        return -1 if word is None else n_topics + word

    def key_of(term: int) -> int:
        if term < goals_end:
            return term
        found = side_term(term)
        if found >= 0 and first_at[found - first] >= 0:
            return BIO + int(first_at[found - first])
        return ASKED + term  # asked-for words keep the order she wrote them in

    her_terms = sorted(set(goal_terms.tolist()) | set(asked_terms.tolist()))
    her_keys = np.array([key_of(t) for t in her_terms], np.int64)
    her_side = np.array([side_term(t) for t in her_terms], np.int64)
    key_by_term = dict(zip(her_terms, her_keys.tolist(), strict=True))

    # Documents sharing a term with her: the only ones her pairs read.
    by_term = side.counts_by_term
    shared = [by_term.indices[by_term.indptr[t] : by_term.indptr[t + 1]] for t in her_side.tolist()]
    touched = np.unique(np.concatenate([np.zeros(0, np.int64), *shared]))
    touched = touched[listed[touched]]
    sub = side.counts[touched]
    # Each side term's key, in the full build's order: her goal words ahead of other bio
    # words, which come in the order they first appear in the listed documents.
    n_terms = side.counts.shape[1]
    term_key = np.arange(n_terms, dtype=np.int64)
    term_key[first:] = BIO + first_at
    goal_words = (her_side >= first) & (her_keys < BIO)
    term_key[her_side[goal_words]] = her_keys[goal_words]
    cols = np.flatnonzero(np.bincount(sub.indices, minlength=n_terms))
    space = np.unique(np.concatenate([term_key[cols], her_keys]))
    column = np.full(n_terms, -1, np.int64)
    column[cols] = np.searchsorted(space, term_key[cols])
    side_of = np.full(space.shape[0], -1, np.int64)
    side_of[column[cols]] = cols
    known = her_side >= 0
    side_of[np.searchsorted(space, her_keys[known])] = her_side[known]

    # Document frequencies over the listed mentors and her, as the full build counts them.
    df_listed = (
        side.df_all
        if everyone
        else np.bincount(side.counts.indices[listed[side.entry_row]], minlength=n_terms)
    )
    df = np.where(side_of >= 0, df_listed[np.maximum(side_of, 0)], 0).astype(np.int64)
    df[np.searchsorted(space, her_keys)] += 1
    n_docs = 1 + n
    idf = np.log((1.0 + n_docs) / (1.0 + df)) + 1.0
    docs = sp.csr_matrix(
        (sub.data, column[sub.indices], sub.indptr),
        shape=(touched.shape[0], len(space)),
    )
    docs.sort_indices()
    docs = _tfidf(docs, idf)

    def in_space(terms: I64) -> I64:
        return np.searchsorted(space, np.array([key_by_term[t] for t in terms.tolist()], np.int64))

    goal_counts = _counts(in_space(goal_terms), goal_docs, 1, len(space))
    marked = _counts(in_space(asked_terms), asked_docs, 1, len(space))
    marked.data[:] = 1.0
    goals = _tfidf(goal_counts, idf, marked)
    mine = np.searchsorted(space, np.sort(her_keys))
    goals = sp.csr_matrix(goals[:, mine])
    goals.sort_indices()
    marked = sp.csr_matrix(marked[:, mine])
    marked.sort_indices()
    # Her columns of every listed mentor's document, in the caller's order.
    row_of = np.full(n_side, -1, np.int64)
    row_of[rows] = np.arange(n)
    touched_docs = sp.coo_matrix(docs[:, mine])
    mentor_docs = sp.csr_matrix(
        (touched_docs.data, (row_of[touched[touched_docs.row]], touched_docs.col)),
        shape=(n, mine.shape[0]),
    )
    mentor_docs.sort_indices()

    focus = _topic_matrix([mentee.focus], side.position, n_topics)
    focus_sum = np.asarray(focus.sum(axis=1)).ravel()
    focus = sp.csr_matrix(sp.diags(1.0 / np.where(focus_sum > 0, focus_sum, 1.0)) @ focus)
    focus.sort_indices()
    areas = focus.indices.copy()
    focus = sp.csr_matrix(focus[:, areas])

    # Her profile against the side's codes.
    dept_codes, loc_codes = dict(side.dept_codes), dict(side.loc_codes)
    lang_bits, attr_bits, mode_bits = (
        dict(side.lang_bits),
        dict(side.attr_bits),
        dict(side.mode_bits),
    )
    me_modes = _bits(
        [_with_cadence(mentee.modes, mentee.preferred_cadence)], mode_bits, "meeting modes"
    )
    me_req = _bits([mentee.requested_attributes], attr_bits, "attributes")
    me_lang = _bits([mentee.languages], lang_bits, "languages")
    # One stand-in mentor per offset and per grade: the tables are the same pair by pair.
    hours = [Mentor(key=i, person=i, utc_offset=o) for i, o in enumerate(side.offsets)]
    me_tz, hour_tz, tz_val, tz_ok = _time_zones([mentee], hours, rules.max_utc_gap_hours)
    grades = [Mentor(key=i, person=i, seniority=s) for i, s in enumerate(side.levels)]
    me_sen, grade_sen, sen_val = _seniority([mentee], grades, policy.ideal_seniority_gap)
    mr_modes = side.modes[rows]
    mode_masks, mr_mode = np.unique(mr_modes, return_inverse=True)
    # No managers: only the same person is in someone's reporting line.
    people, mr_node = np.unique(side.person[rows], return_inverse=True)
    mr_node = mr_node.astype(np.int64).reshape(-1)
    same = np.flatnonzero(people == mentee.person)
    me_node = int(same[0]) if same.shape[0] else people.shape[0]

    applies = [
        np.array([focus.nnz > 0]),
        np.array([goals.nnz > 0]),
        me_req != 0,
        np.ones(1, np.bool_),
        me_modes != 0,
        np.array([mentee.seniority is not None]),
    ]
    weights = _weights(policy, applies)
    row = sp.hstack(
        [sp.diags(weights[:, 0]) @ focus, sp.diags(weights[:, 1]) @ goals], format="csr"
    )
    row.sort_indices()
    dense = np.ascontiguousarray(
        np.vstack(
            [
                side.expertise[rows][:, areas].toarray().T,
                mentor_docs.toarray().astype(np.float32).T,
            ]
        ).astype(np.float32)
    )
    n_features = dense.shape[0]
    mentors = tuple(map(side.mentors.__getitem__, rows.tolist()))
    mentee_index = {mentee.key: 0}
    mentor_index = {r.key: i for i, r in enumerate(mentors)}
    asked = asked_pairs([mentee], mentors)
    ex_ptr, ex_idx = _exclusions(policy, (), 1, mentee_index, mentor_index, asked)
    arrays = Arrays(
        me_tin=np.array([me_node], np.int64),
        me_tout=np.array([me_node + 1], np.int64),
        me_dept=np.array([_code(mentee.department, dept_codes)], np.int64),
        me_lang=me_lang,
        me_loc=np.array([_code(mentee.location, loc_codes)], np.int64),
        me_tz=me_tz,
        me_modes=me_modes,
        me_req=me_req,
        me_sen=me_sen,
        me_w=weights,
        me_has_focus=np.array([focus.nnz > 0]),
        me_rank=np.zeros(1, np.int64),
        wanted=np.array([max(mentee.mentors_wanted, 0)], np.int64),
        fptr=row.indptr.astype(np.int64),
        fidx=row.indices.astype(np.int64),
        fval=row.data.astype(np.float32),
        n_topics=areas.shape[0],
        mr_tin=mr_node,
        mr_tout=mr_node + 1,
        mr_dept=side.dept[rows],
        mr_lang=side.lang[rows],
        mr_loc=side.loc[rows],
        mr_tz=hour_tz[side.offset_of[rows]],
        mr_modes=mr_modes,
        mr_mode=mr_mode.astype(np.int64).reshape(-1),
        mode_masks=mode_masks,
        mr_attr=side.attr[rows],
        mr_sen=grade_sen[side.level_of[rows]],
        mr_rank=np.arange(n, dtype=np.int64),
        capacity=side.capacity[rows],
        seg_ptr=np.array([0, n], np.int64),
        seg_tz=np.zeros(1, np.int64),
        seg_lang=np.zeros(1, np.int64),
        dense_row=np.arange(n_features, dtype=np.int64),
        dense=dense,
        pptr=np.zeros(n_features + 1, np.int64),
        pidx=np.zeros(0, np.int64),
        pval=np.zeros(0, np.float32),
        tz_val=tz_val,
        tz_ok=tz_ok,
        sen_val=sen_val,
        ex_ptr=ex_ptr,
        ex_idx=ex_idx,
        rule_dept=rules.not_same_department,
        rule_lang=rules.same_language,
        rule_loc=rules.same_location,
        must_focus="focus" in rules.must,
        must_attr="attributes" in rules.must,
        must_modes="modes" in rules.must,
        mode_meet=sum(
            1 << bit for mode, bit in mode_bits.items() if not mode.startswith(CADENCE_PREFIX)
        ),
        min_score=float(rules.min_score),
    )
    # Her terms in the full build's order, named as it names them.
    labels = tuple(
        vocab.labels[t] for _, t in sorted(zip(her_keys.tolist(), her_terms, strict=True))
    )
    instance = Instance(
        mentees=(mentee,), mentors=mentors, topics=side.topics, labels=side.instance_labels
    )
    return Features(
        arrays=arrays,
        instance=instance,
        policy=policy,
        mentees=(mentee,),
        mentors=mentors,
        topics=topics,
        lexical=LexicalSpace(
            goals=goals,
            mentor_docs=mentor_docs,
            labels=labels,
            topic_terms=np.zeros(0, np.int64),
            asked=marked,
        ),
        mentee_index=mentee_index,
        mentor_index=mentor_index,
        topic_names={t.id: t.name for t in topics},
        asked=asked,
    )


def score_listed(features: Features) -> PairScores:
    """Score her against every mentor of ``features``, in their order, as ``score_pairs``.

    In one block on the calling thread: a page scores a few thousand pairs, less than
    handing them to a pool of threads costs.
    """
    n = features.n_mentors
    mi = np.zeros(n, np.int64)
    ri = np.arange(n, dtype=np.int64)
    scores = np.zeros(n)
    parts = np.zeros((n, 6))
    broken = np.full(n, -1, np.int64)
    _pair_block(features.arrays, mi, ri, scores, parts, broken, 0, n)
    return PairScores(scores, parts, broken)

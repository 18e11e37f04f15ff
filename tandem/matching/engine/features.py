"""Compile an instance and a policy into the flat arrays the kernels read.

Everything categorical becomes a small integer code or a bitmask, the score components
that depend only on a pair of codes become lookup tables, and the two sparse components
(focus coverage and lexical similarity) become one feature space: topics first, then
terms. A mentee's row holds the weights of its features already multiplied by its
component weights; a mentor's column holds the matching values. Frequent features are
stored as dense rows over all mentors (vectorized adds), rare ones as posting lists.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tandem.matching.engine.hierarchy import Hierarchy
from tandem.matching.engine.instance import (
    CADENCE_PREFIX,
    Instance,
    Mentee,
    Mentor,
    Policy,
    Topic,
)
from tandem.matching.engine.text import LexicalSpace, build_lexical_space

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
B1 = npt.NDArray[np.bool_]

# Working hours assumed per day when scoring time-zone overlap.
WORKDAY_HOURS = 8.0
# A feature held by at least 1/DENSE_SHARE of the mentors is stored as a dense row.
DENSE_SHARE = 16
DENSE_BUDGET_BYTES = 256 * 2**20


class Arrays(NamedTuple):
    """What the numba kernels read; see the module docstring."""

    me_tin: I64
    me_tout: I64
    me_dept: I64
    me_lang: I64
    me_loc: I64
    me_tz: I64
    me_modes: I64
    me_req: I64
    me_sen: I64
    me_w: F64  # (mentees, 6) effective component weights
    me_has_focus: B1
    me_rank: I64
    wanted: I64
    fptr: I64
    fidx: I64
    fval: F32
    n_topics: int
    mr_tin: I64
    mr_tout: I64
    mr_dept: I64
    mr_lang: I64
    mr_loc: I64
    mr_tz: I64
    mr_modes: I64
    mr_mode: I64  # index of the mentor's modes mask in mode_masks
    mode_masks: I64
    mr_attr: I64
    mr_sen: I64
    mr_rank: I64
    capacity: I64
    # Mentors are ordered by time zone then language; a segment shares both.
    seg_ptr: I64
    seg_tz: I64
    seg_lang: I64
    dense_row: I64
    dense: F32
    pptr: I64
    pidx: I64
    pval: F32
    tz_val: F64
    tz_ok: B1
    sen_val: F64
    ex_ptr: I64
    ex_idx: I64
    rule_dept: bool
    rule_lang: bool
    rule_loc: bool
    must_focus: bool
    must_attr: bool
    must_modes: bool
    # Bits of me_modes/mr_modes that are meeting modes (the rest are meeting rhythms).
    mode_meet: int
    min_score: float


@dataclass(frozen=True, slots=True)
class Features:
    """An instance compiled for the kernels, with what explanations need to speak."""

    arrays: Arrays
    instance: Instance
    policy: Policy
    # Mentees in the instance's order, mentors in the kernels' order (by time zone).
    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    topics: tuple[Topic, ...]
    lexical: LexicalSpace
    mentee_index: dict[int, int]
    mentor_index: dict[int, int]
    topic_names: dict[int, str]
    # (mentee index, mentor index) pairs that break what the mentee asked for after an
    # earlier match, sorted; excluded like do-not-match pairs.
    asked: tuple[I64, I64] = (np.zeros(0, np.int64), np.zeros(0, np.int64))

    @property
    def n_mentees(self) -> int:
        return len(self.mentees)

    @property
    def n_mentors(self) -> int:
        return len(self.mentors)


def _codes(values: Sequence[Hashable | None]) -> tuple[I64, list[Hashable]]:
    """Code values densely in first-seen order; None becomes -1."""
    seen: dict[Hashable, int] = {}
    codes = np.fromiter(
        (-1 if v is None else seen.setdefault(v, len(seen)) for v in values), np.int64, len(values)
    )
    return codes, list(seen)


def _masks(sets: Sequence[frozenset[str]], vocab: dict[str, int], what: str) -> I64:
    masks: dict[frozenset[str], int] = {}
    for s in set(sets):
        for item in sorted(s):
            vocab.setdefault(item, len(vocab))
        masks[s] = sum(1 << vocab[x] for x in s)
    if len(vocab) > 62:
        raise ValueError(f"At most 62 distinct {what} are supported, got {len(vocab)}.")
    return np.fromiter(map(masks.__getitem__, sets), np.int64, len(sets))


def _time_zones(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], max_gap: float | None
) -> tuple[I64, I64, F64, B1]:
    """Code offsets in increasing order; tabulate working-hours overlap and the gap rule."""
    people: list[Mentee | Mentor] = [*mentees, *mentors]
    offsets = np.array([round(p.utc_offset * 4) / 4 for p in people], np.float64)
    hours, codes = np.unique(offsets, return_inverse=True)
    diff = np.abs(hours[:, None] - hours[None, :]) % 24.0
    gap = np.minimum(diff, 24.0 - diff)
    overlap = np.clip(WORKDAY_HOURS - gap, 0.0, None) / WORKDAY_HOURS
    allowed = np.ones_like(gap, dtype=np.bool_) if max_gap is None else gap <= max_gap + 1e-9
    codes = codes.astype(np.int64)
    return codes[: len(mentees)], codes[len(mentees) :], overlap, allowed


def _seniority(
    mentees: Sequence[Mentee], mentors: Sequence[Mentor], band: tuple[int, int]
) -> tuple[I64, I64, F64]:
    """Code seniority levels (0 = unknown) and tabulate the seniority-gap component."""
    people: list[Mentee | Mentor] = [*mentees, *mentors]
    levels = sorted({p.seniority for p in people if p.seniority is not None})
    code: dict[int | None, int] = {level: i + 1 for i, level in enumerate(levels)}
    me = np.fromiter((code.get(p.seniority, 0) for p in mentees), np.int64, len(mentees))
    mr = np.fromiter((code.get(p.seniority, 0) for p in mentors), np.int64, len(mentors))
    values = np.array([0, *levels], np.float64)
    gap = values[None, :] - values[:, None]  # mentor minus mentee
    lo, hi = band
    outside = np.maximum(lo - gap, 0.0) + np.maximum(gap - hi, 0.0)
    table = np.clip(1.0 - outside / 3.0, 0.0, 1.0)
    table[:, 0] = 0.5  # mentor's seniority unknown: neutral
    table[0, :] = 0.0  # mentee's unknown: the component does not apply to them
    return me, mr, table


def _topic_list(instance: Instance) -> tuple[tuple[Topic, ...], dict[int, int]]:
    topics = list(instance.topics)
    position = {t.id: i for i, t in enumerate(topics)}
    used = {t for m in instance.mentees for t in m.focus} | {
        t for r in instance.mentors for t in r.expertise
    }
    for topic_id in sorted(used - position.keys()):
        position[topic_id] = len(topics)
        topics.append(Topic(id=topic_id, name=f"topic {topic_id}"))
    return tuple(topics), position


def _topic_matrix(
    rows: Sequence[Mapping[int, int]], position: dict[int, int], n_topics: int
) -> sp.csr_matrix:
    lengths = np.fromiter(map(len, rows), np.int64, len(rows))
    total = int(lengths.sum())
    ids = np.fromiter(chain.from_iterable(rows), np.int64, total)
    values = np.fromiter(chain.from_iterable(r.values() for r in rows), np.float64, total)
    known = np.array(sorted(position), np.int64)
    columns = np.array([position[t] for t in known.tolist()], np.int64)
    cols = columns[np.searchsorted(known, ids)] if total else ids
    indptr = np.zeros(len(rows) + 1, np.int64)
    np.cumsum(lengths, out=indptr[1:])
    matrix = sp.csr_matrix((values, cols, indptr), shape=(len(rows), n_topics))
    matrix.sort_indices()
    return matrix


def _weights(policy: Policy, has: list[B1]) -> F64:
    base = np.array(policy.weights.as_tuple(), np.float64)
    applies = np.stack(has, axis=1).astype(np.float64)
    raw = applies * base[None, :]
    total = raw.sum(axis=1, keepdims=True)
    total[total == 0] = 1.0
    weights: F64 = raw / total
    return weights


def _mentor_columns(
    expertise: sp.csr_matrix, docs: sp.csr_matrix, n_mentors: int, dense_share: int
) -> tuple[I64, F32, I64, I64, F32]:
    """Split mentor feature columns into dense rows and posting lists."""
    columns = sp.hstack([expertise, docs], format="csc", dtype=np.float32)
    columns.sort_indices()
    df = np.diff(columns.indptr)
    n_features = columns.shape[1]
    budget_rows = max(DENSE_BUDGET_BYTES // max(4 * n_mentors, 1), 0)
    wanted = np.flatnonzero(df * dense_share >= max(n_mentors, 1))
    wanted = wanted[np.argsort(-df[wanted], kind="stable")][:budget_rows]
    dense_row = np.full(n_features, -1, np.int64)
    dense_row[np.sort(wanted)] = np.arange(wanted.shape[0])
    dense = np.zeros((wanted.shape[0], n_mentors), np.float32)
    for f in np.sort(wanted):
        lo, hi = columns.indptr[f], columns.indptr[f + 1]
        dense[dense_row[f], columns.indices[lo:hi]] = columns.data[lo:hi]
    keep = np.repeat(dense_row < 0, df)
    pptr = np.zeros(n_features + 1, np.int64)
    np.cumsum(np.where(dense_row < 0, df, 0), out=pptr[1:])
    pidx = columns.indices[keep].astype(np.int64)
    pval = columns.data[keep].astype(np.float32)
    return dense_row, dense, pptr, pidx, pval


def _exclusions(
    policy: Policy,
    extra: Iterable[tuple[int, int]],
    n: int,
    mentee_index: dict[int, int],
    mentor_index: dict[int, int],
    asked: tuple[I64, I64] | None = None,
) -> tuple[I64, I64]:
    pairs = {
        (mentee_index[a], mentor_index[b])
        for a, b in (*policy.rules.do_not_match, *policy.rules.failed_pairs, *extra)
        if a in mentee_index and b in mentor_index
    }
    flat = np.array(sorted(pairs), np.int64).reshape(-1, 2)
    if asked is not None and asked[0].shape[0]:
        # Asked pairs can be many (a time-zone limit rules out most mentors): merge them
        # as sorted codes rather than as Python tuples.
        width = max(len(mentor_index), 1)
        codes = np.sort(
            np.concatenate([flat[:, 0] * width + flat[:, 1], asked[0] * width + asked[1]])
        )
        codes = codes[np.concatenate(([True], codes[1:] != codes[:-1]))]
        flat = np.stack([codes // width, codes % width], axis=1)
    ptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(flat[:, 0], minlength=n), out=ptr[1:])
    return ptr, flat[:, 1].copy()


def exclusion_lists(features: Features, extra: Iterable[tuple[int, int]]) -> tuple[I64, I64]:
    """Rebuild the per-mentee excluded mentors: the policy's and asked pairs plus ``extra``."""
    return _exclusions(
        features.policy,
        extra,
        features.n_mentees,
        features.mentee_index,
        features.mentor_index,
        features.asked,
    )


def _quarter_hours(offset: float) -> float:
    return round(offset * 4) / 4


def asked_pairs(mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> tuple[I64, I64]:
    """Return (mentee index, mentor index) of pairs that break a mentee's asks, sorted."""
    asking = [
        i
        for i, m in enumerate(mentees)
        if m.avoid_departments or m.max_utc_gap_hours is not None or m.min_expertise
    ]
    if not asking or not mentors:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    department_code: dict[str, int] = {}
    departments = np.fromiter(
        (
            -1
            if r.department is None
            else department_code.setdefault(r.department, len(department_code))
            for r in mentors
        ),
        np.int64,
        len(mentors),
    )
    offsets = np.array([_quarter_hours(r.utc_offset) for r in mentors], np.float64)
    levels: dict[int, I64] = {}
    me: list[I64] = []
    mr: list[I64] = []
    for i in asking:
        m = mentees[i]
        banned = np.zeros(len(mentors), np.bool_)
        avoid = [department_code[d] for d in m.avoid_departments if d in department_code]
        if avoid:
            banned |= np.isin(departments, avoid)
        if m.max_utc_gap_hours is not None:
            diff = np.abs(offsets - _quarter_hours(m.utc_offset)) % 24.0
            banned |= np.minimum(diff, 24.0 - diff) > m.max_utc_gap_hours + 1e-9
        for topic, level in m.min_expertise.items():
            if topic not in levels:
                levels[topic] = np.fromiter(
                    (r.expertise.get(topic, 0) for r in mentors), np.int64, len(mentors)
                )
            banned |= levels[topic] < level
        found = np.flatnonzero(banned).astype(np.int64)
        me.append(np.full(found.shape[0], i, np.int64))
        mr.append(found)
    return np.concatenate(me), np.concatenate(mr)


def _mentor_order(mentors: Sequence[Mentor], same_language: bool) -> list[int]:
    """Order mentors by time zone, then languages, so kernels can skip whole segments."""
    offsets = [round(r.utc_offset * 4) / 4 for r in mentors]
    langs = [tuple(sorted(r.languages)) if same_language else () for r in mentors]
    return sorted(range(len(mentors)), key=lambda i: (offsets[i], langs[i]))


def _segments(mr_tz: I64, mr_lang: I64) -> tuple[I64, I64, I64]:
    if mr_tz.shape[0] == 0:
        return np.zeros(1, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    change = np.flatnonzero((np.diff(mr_tz) != 0) | (np.diff(mr_lang) != 0)) + 1
    ptr = np.concatenate([[0], change, [mr_tz.shape[0]]]).astype(np.int64)
    return ptr, mr_tz[ptr[:-1]].copy(), mr_lang[ptr[:-1]].copy()


def _text_features(
    mentees: Sequence[Mentee],
    mentors: Sequence[Mentor],
    topics: tuple[Topic, ...],
    position: dict[int, int],
    words: Callable[[str], Sequence[str]] | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix, LexicalSpace]:
    n_topics = len(topics)
    focus = _topic_matrix([m.focus for m in mentees], position, n_topics)
    focus_sum = np.asarray(focus.sum(axis=1)).ravel()
    focus = sp.diags(1.0 / np.where(focus_sum > 0, focus_sum, 1.0)) @ focus
    expertise = _topic_matrix([r.expertise for r in mentors], position, n_topics)
    lexical = build_lexical_space(
        [m.goals for m in mentees],
        [r.bio for r in mentors],
        ([position[t] for t in r.expertise] for r in mentors),
        topics,
        asked=[m.prefer_words for m in mentees],
        mentor_words=None if words is None else [words(r.bio) for r in mentors],
    )
    return sp.csr_matrix(focus), sp.csr_matrix(expertise / 3.0), lexical


def _with_cadence(modes: frozenset[str], cadence: str | None) -> frozenset[str]:
    return modes | {CADENCE_PREFIX + cadence} if cadence else modes


def _person_fields(
    instance: Instance, policy: Policy, mentees: tuple[Mentee, ...], mentors: tuple[Mentor, ...]
) -> dict[str, Any]:
    """Code everyone's reporting line, department, languages, modes, zone and level."""
    rules = policy.rules
    n_me = len(mentees)
    people: list[Mentee | Mentor] = [*mentees, *mentors]
    hierarchy = Hierarchy.build(instance.managers, (p.person for p in people))
    me_node = hierarchy.nodes([p.person for p in mentees])
    mr_node = hierarchy.nodes([p.person for p in mentors])
    dept, _ = _codes([p.department for p in people])
    loc, _ = _codes([p.location for p in people])
    vocab: dict[str, dict[str, int]] = {"languages": {}, "attributes": {}, "meeting modes": {}}
    asked = [m.requested_attributes for m in mentees]
    # A mentee's preferred rhythm scores as one more mode; a mentor's rhythm counts only
    # for the mentees who asked for one, since only the mentee's bits are counted.
    me_modes = [_with_cadence(m.modes, m.preferred_cadence) for m in mentees]
    mr_modes = [_with_cadence(r.modes, r.preferred_cadence) for r in mentors]
    fields: dict[str, Any] = {
        "me_tin": hierarchy.tin[me_node],
        "me_tout": hierarchy.tout[me_node],
        "mr_tin": hierarchy.tin[mr_node],
        "mr_tout": hierarchy.tout[mr_node],
        "me_dept": dept[:n_me],
        "mr_dept": dept[n_me:],
        "me_loc": loc[:n_me],
        "mr_loc": loc[n_me:],
        "me_lang": _masks([m.languages for m in mentees], vocab["languages"], "languages"),
        "mr_lang": _masks([r.languages for r in mentors], vocab["languages"], "languages"),
        "me_req": _masks(asked, vocab["attributes"], "attributes"),
        "mr_attr": _masks([r.attributes for r in mentors], vocab["attributes"], "attributes"),
        "me_modes": _masks(me_modes, vocab["meeting modes"], "meeting modes"),
        "mr_modes": _masks(mr_modes, vocab["meeting modes"], "meeting modes"),
        "wanted": np.array([max(m.mentors_wanted, 0) for m in mentees], np.int64),
        "capacity": np.array([max(r.capacity, 0) for r in mentors], np.int64),
    }
    fields["mode_meet"] = sum(
        1 << bit
        for mode, bit in vocab["meeting modes"].items()
        if not mode.startswith(CADENCE_PREFIX)
    )
    mode_masks, mr_mode = np.unique(fields["mr_modes"], return_inverse=True)
    fields["mode_masks"], fields["mr_mode"] = mode_masks, mr_mode.astype(np.int64).reshape(-1)
    zones = _time_zones(mentees, mentors, rules.max_utc_gap_hours)
    fields["me_tz"], fields["mr_tz"], fields["tz_val"], fields["tz_ok"] = zones
    levels = _seniority(mentees, mentors, policy.ideal_seniority_gap)
    fields["me_sen"], fields["mr_sen"], fields["sen_val"] = levels
    languages = fields["mr_lang"] if rules.same_language else 0 * fields["mr_lang"]
    fields["seg_ptr"], fields["seg_tz"], fields["seg_lang"] = _segments(zones[1], languages)
    return fields


def _score_fields(
    policy: Policy,
    text: tuple[sp.csr_matrix, sp.csr_matrix, LexicalSpace],
    people: dict[str, Any],
    dense_share: int,
) -> dict[str, Any]:
    """Weight each mentee's components and lay out the sparse part of the score."""
    focus, expertise, lexical = text
    has_focus = np.diff(focus.indptr) > 0
    applies = [
        has_focus,
        np.diff(lexical.goals.indptr) > 0,
        people["me_req"] != 0,
        np.ones(focus.shape[0], np.bool_),
        people["me_modes"] != 0,
        people["me_sen"] > 0,
    ]
    weights = _weights(policy, applies)
    rows = sp.hstack(
        [sp.diags(weights[:, 0]) @ focus, sp.diags(weights[:, 1]) @ lexical.goals], format="csr"
    )
    rows.sort_indices()
    dense_row, dense, pptr, pidx, pval = _mentor_columns(
        expertise, lexical.mentor_docs, expertise.shape[0], dense_share
    )
    return {
        "me_w": weights,
        "me_has_focus": has_focus,
        "fptr": rows.indptr.astype(np.int64),
        "fidx": rows.indices.astype(np.int64),
        "fval": rows.data.astype(np.float32),
        "n_topics": focus.shape[1],
        "dense_row": dense_row,
        "dense": dense,
        "pptr": pptr,
        "pidx": pidx,
        "pval": pval,
    }


def build_features(
    instance: Instance,
    policy: Policy,
    *,
    seed: int = 0,
    excluded_pairs: Iterable[tuple[int, int]] = (),
    dense_share: int = DENSE_SHARE,
    words: Callable[[str], Sequence[str]] | None = None,
) -> Features:
    """Compile ``instance`` under ``policy``; ``seed`` fixes tie-breaking ranks.

    ``words`` splits a mentor's bio as ``text.document_words`` would, from what the caller
    keeps between calls; without it every bio is split here.
    """
    rules = policy.rules
    mentees = tuple(instance.mentees)
    order = _mentor_order(instance.mentors, rules.same_language)
    mentors = tuple(instance.mentors[i] for i in order)
    mentee_index = {p.key: i for i, p in enumerate(mentees)}
    mentor_index = {p.key: i for i, p in enumerate(mentors)}
    if len(mentee_index) != len(mentees) or len(mentor_index) != len(mentors):
        raise ValueError("Mentee keys and mentor keys must each be unique.")
    topics, position = _topic_list(instance)
    lexical_text = _text_features(mentees, mentors, topics, position, words)
    people = _person_fields(instance, policy, mentees, mentors)
    scores = _score_fields(policy, lexical_text, people, dense_share)
    asked = asked_pairs(mentees, mentors)
    ex_ptr, ex_idx = _exclusions(
        policy, excluded_pairs, len(mentees), mentee_index, mentor_index, asked
    )
    rng = np.random.default_rng(seed)
    arrays = Arrays(
        **people,
        **scores,
        me_rank=rng.permutation(len(mentees)).astype(np.int64),
        mr_rank=rng.permutation(len(mentors)).astype(np.int64),
        ex_ptr=ex_ptr,
        ex_idx=ex_idx,
        rule_dept=rules.not_same_department,
        rule_lang=rules.same_language,
        rule_loc=rules.same_location,
        must_focus="focus" in rules.must,
        must_attr="attributes" in rules.must,
        must_modes="modes" in rules.must,
        min_score=float(rules.min_score),
    )
    return Features(
        arrays=arrays,
        instance=instance,
        policy=policy,
        mentees=mentees,
        mentors=mentors,
        topics=topics,
        lexical=lexical_text[2],
        mentee_index=mentee_index,
        mentor_index=mentor_index,
        topic_names={t.id: t.name for t in topics},
        asked=asked,
    )

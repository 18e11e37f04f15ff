"""Peer explanations computed in bulk say exactly what scoring each pair one by one says.

The references here are the straightforward ways: every pair scored with
``score_edges`` (the engine's pair-by-pair kernels), the shared words of each pair read
off its two sparse rows. The bulk paths (``peer_scan``, the batched shared words) must
give the same counts, rules, weights and sentences, to the bit.
"""

from dataclasses import replace

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.matching.engine import peer_report, run_peer_matching
from tandem.matching.engine.features import build_features
from tandem.matching.engine.instance import COMPONENTS
from tandem.matching.engine.pairs import N_RULES, NO_CAPACITY_RULE
from tandem.matching.engine.peer_explain import PeerShortfall, peer_unmatched_reasons
from tandem.matching.engine.peer_graph import people_of, score_edges, with_limits
from tandem.matching.engine.peer_scan import edge_weights
from tandem.matching.engine.run import UnmatchedMentee
from tandem.matching.tests.engine_support import random_policy
from tandem.matching.tests.test_engine_peers import random_peers


def _setup(seed: int):
    instance = random_peers(seed, max_people=24, dense=bool(seed % 2))
    policy = random_policy(seed, instance)
    policy = replace(policy, rules=replace(policy.rules, min_score=float(seed % 3) / 10))
    plain = replace(policy, rules=replace(policy.rules, min_score=0.0))
    features = replace(build_features(instance, plain), policy=policy)
    people = people_of(instance, features)
    features = with_limits(features, people, people.limit, set())
    return instance, policy, features, people


def _complete_pairs(people):
    on_both = np.flatnonzero((people.mentee >= 0) & (people.mentor >= 0))
    a, b = np.triu_indices(on_both.shape[0], k=1)
    return on_both[a], on_both[b]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_edge_weights_are_the_pair_scores_of_every_eligible_pair(seed):
    _, policy, features, people = _setup(seed)
    u, v = _complete_pairs(people)
    reference = score_edges(features, people, u, v)
    weight, broken = edge_weights(
        features.arrays, people.mentee, people.mentor, u, v, policy.rules.min_score
    )
    assert broken.tolist() == reference.broken.tolist()
    ok = broken < 0
    assert weight[ok].tolist() == reference.weight[ok].tolist()


def _reference_unmatched(features, people, u, v, cand, budget):
    """Each short person scored against everyone with score_edges, as long as ``budget``
    pairs last, else counted on the candidate graph: the explanation's definition."""
    got = np.bincount(np.concatenate([u, v]), minlength=people.n)
    offers: dict[int, int] = {}
    for record in people.sides:
        for t in record.gives.expertise if record else ():
            offers[t] = offers.get(t, 0) + 1
    out = []
    for p in np.flatnonzero(got < people.limit).tolist():
        mine = np.array(sorted(set(v[u == p].tolist()) | set(u[v == p].tolist())), np.int64)
        counts = None
        if budget >= people.n:
            budget -= people.n
            others = np.array([q for q in range(people.n) if q != p], np.int64)
            complete = others[[people.sides[q] is not None for q in others.tolist()]]
            tally = np.zeros(N_RULES, np.int64)
            tally[NO_CAPACITY_RULE] += others.shape[0] - complete.shape[0]
            scored = score_edges(features, people, np.full(complete.shape[0], p), complete)
            ok = scored.broken < 0
            np.add.at(tally, scored.broken[~ok], 1)
            free = got[complete] < people.limit[complete]
            eligible = int(ok.sum())
            with_room = int((ok & free & ~np.isin(complete, mine)).sum())
            counts = tally.tolist()
        else:
            cu, cv = cand
            near = np.concatenate([cv[cu == p], cu[cv == p]])
            near = near[~np.isin(near, mine)]
            eligible = mine.shape[0] + near.shape[0]
            with_room = int((got[near] < people.limit[near]).sum())
        side = people.side(p)
        uncovered = sorted(
            t for t in side.seeks.focus if offers.get(t, 0) - (t in side.gives.expertise) <= 0
        )
        shortfall = PeerShortfall(side, int(got[p]), eligible, with_room, people.n - 1, counts)
        code, reasons = peer_unmatched_reasons(features, shortfall, uncovered)
        key, wanted = int(people.keys[p]), int(people.limit[p])
        out.append(UnmatchedMentee(key, wanted, int(got[p]), code, reasons))
    return tuple(out)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 6))
def test_shortfalls_count_what_scoring_every_pair_counts(seed, scans):
    _, _, features, people = _setup(seed)
    rng = np.random.default_rng(seed + 9)
    u, v = _complete_pairs(people)
    _, broken = edge_weights(
        features.arrays, people.mentee, people.mentor, u, v, features.policy.rules.min_score
    )
    cand = (rng.random(u.shape[0]) < 0.6) & (broken < 0)
    # Some eligible pairs, within everyone's places.
    room = people.limit.copy()
    chosen = []
    for e in np.flatnonzero((broken < 0) & (rng.random(u.shape[0]) < 0.4)).tolist():
        if room[u[e]] > 0 and room[v[e]] > 0:
            room[u[e]] -= 1
            room[v[e]] -= 1
            chosen.append(e)
    pu, pv = u[chosen], v[chosen]
    # Up to ``scans`` short people are scanned in full, the others counted on candidates.
    budget = scans * people.n
    original = peer_report.EXPLAIN_PAIRS
    peer_report.EXPLAIN_PAIRS = budget
    try:
        got = peer_report.peer_unmatched(features, people, pu, pv, (u[cand], v[cand]))
    finally:
        peer_report.EXPLAIN_PAIRS = original
    assert got == _reference_unmatched(features, people, pu, pv, (u[cand], v[cand]), budget)


def _reference_words(features, a, b) -> list[str]:
    """The two terms adding most to one pair's lexical similarity, read off its rows."""
    lexical = features.lexical
    me, mr = features.mentee_index, features.mentor_index
    ab = lexical.goals[me[a.seeks.key]].multiply(lexical.mentor_docs[mr[b.gives.key]])
    ba = lexical.goals[me[b.seeks.key]].multiply(lexical.mentor_docs[mr[a.gives.key]])
    both = sp.csr_matrix(ab + ba)
    top = np.lexsort((both.indices, -both.data))[:2]
    return [lexical.labels[t] for t in both.indices[top].tolist()]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_pair_reasons_quote_the_words_each_pair_shares(seed):
    instance, policy, features, people = _setup(seed)
    result = run_peer_matching(instance, policy, seed=seed)
    position = {int(k): i for i, k in enumerate(people.keys.tolist())}
    lexical = COMPONENTS.index("lexical")
    for pair in result.pairs:
        for reason in pair.reasons:
            if reason.component != COMPONENTS[lexical]:
                continue
            a, b = people.side(position[pair.mentee]), people.side(position[pair.mentor])
            quoted = ", ".join(f"'{t}'" for t in _reference_words(features, a, b))
            assert reason.text == f"Your goals and profiles have in common: {quoted}"

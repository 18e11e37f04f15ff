"""Explanations for peer pairs, in words that read true for both people of a pair.

A peer pair is proposed to both people with one list of reasons, so the reasons speak
to "you" as the two of them ("You can help each other: ... one way, ... the other")
rather than to one side. Like the one-to-one reasons, they name topics, shared words,
time zones, meeting modes and levels, never a self-described attribute.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from tandem.matching.engine.explain import LEVELS, MAX_REASONS, MIN_CONTRIBUTION, Reason
from tandem.matching.engine.features import Features
from tandem.matching.engine.instance import COMPONENTS, Mentee, Mentor
from tandem.matching.engine.pairs import RULES
from tandem.matching.engine.scoring import PairScores

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

_RULE_NOUNS = {
    "reporting_line": "in your reporting line",
    "excluded_pair": "excluded for you (do-not-match or an earlier pair)",
    "department": "in your own department",
    "language": "without a language in common with you",
    "location": "in another location",
    "time_zone": "too many time zones away",
    "must_focus": "without focus areas you can cover for each other",
    "must_attributes": "without what one of you asked for",
    "must_modes": "without a way of meeting you both prefer",
    "min_score": "below the program's minimum fit",
    "no_capacity": "without places left",
}


@dataclass(frozen=True, slots=True)
class Side:
    """One person of a pair as the engine sees them: seeking (mentee) and giving (mentor)."""

    seeks: Mentee
    gives: Mentor


def _offers(features: Features, seeker: Side, giver: Side) -> list[str]:
    """Name up to two topics the giver offers that the seeker wants, best first."""
    want, have = seeker.seeks.focus, giver.gives.expertise
    shared = sorted((-want[t] * have[t], t) for t in want if t in have)
    return [
        f"{features.topic_names[t]} ({LEVELS.get(have[t], 'experience')})" for _, t in shared[:2]
    ]


def _focus_text(features: Features, a: Side, b: Side) -> str:
    to_a, to_b = _offers(features, a, b), _offers(features, b, a)
    if to_a and to_b:
        one, other = " and ".join(to_a), " and ".join(to_b)
        return f"You can help each other: {one} one way; {other} the other way"
    return "One of you offers what the other wants: " + " and ".join(to_a or to_b)


def _shared_terms(features: Features, a: Sequence[Side], b: Sequence[Side]) -> list[list[str]]:
    """Return, per pair, the two terms adding most to its lexical similarity, both ways.

    A term's weight is what it adds a seeking from b plus b seeking from a; ties go to
    the term listed first.
    """
    lexical = features.lexical
    me, mr = features.mentee_index, features.mentor_index
    a_seeks = np.array([me[s.seeks.key] for s in a], np.int64)
    a_gives = np.array([mr[s.gives.key] for s in a], np.int64)
    b_seeks = np.array([me[s.seeks.key] for s in b], np.int64)
    b_gives = np.array([mr[s.gives.key] for s in b], np.int64)
    ab = lexical.goals[a_seeks].multiply(lexical.mentor_docs[b_gives])
    ba = lexical.goals[b_seeks].multiply(lexical.mentor_docs[a_gives])
    both = sp.csr_matrix(ab + ba)
    rows = np.repeat(np.arange(both.shape[0]), np.diff(both.indptr))
    order = np.lexsort((both.indices, -both.data, rows))
    rank = np.arange(order.shape[0]) - both.indptr[rows[order]]
    top = order[rank < 2]
    out: list[list[str]] = [[] for _ in range(both.shape[0])]
    for row, term in zip(rows[top].tolist(), both.indices[top].tolist(), strict=True):
        out[row].append(lexical.labels[term])
    return out


def _profile_text(features: Features, component: str, a: Side, b: Side, value: float) -> str:
    if component == "attributes":
        return "Fits what you asked for in a peer partner"
    if component == "time_zone":
        gap = abs(a.seeks.utc_offset - b.seeks.utc_offset) % 24
        gap = min(gap, 24 - gap)
        if gap == 0:
            return "Same time zone"
        hours = "hour" if gap == 1 else "hours"
        return f"Time zones {gap:g} {hours} apart, with {value * 8:g} working hours in common"
    if component == "modes":
        modes = sorted((a.seeks.modes & b.gives.modes) | (b.seeks.modes & a.gives.modes))
        labels = features.instance.labels
        return "Ways of meeting you share: " + ", ".join(
            labels.get(mode, mode.replace("_", " ")) for mode in modes
        )
    if a.seeks.seniority is None or b.seeks.seniority is None:
        return "Different vantage points"
    gap = abs(a.seeks.seniority - b.seeks.seniority)
    if gap == 0:
        return "At the same level: a peer's view both ways"
    return f"{gap} level{'s' if gap > 1 else ''} apart: different vantage points"


def peer_reasons(
    features: Features, a: Sequence[Side], b: Sequence[Side], forward: PairScores, back: PairScores
) -> list[tuple[Reason, ...]]:
    """Return the two or three strongest reasons for each pair (a[i], b[i]), strongest first.

    ``forward`` scores a seeking and b giving, ``back`` the other way; a component's
    contribution is the mean of what it adds to the two directed scores, so the
    contributions add up to the pair's score.
    """
    w = features.arrays.me_w
    me = features.mentee_index
    wa = w[np.array([me[s.seeks.key] for s in a], np.int64).reshape(-1)]
    wb = w[np.array([me[s.seeks.key] for s in b], np.int64).reshape(-1)]
    contribution = (wa * forward.parts + wb * back.parts) / 2
    order = np.argsort(-contribution, axis=1, kind="stable")[:, :MAX_REASONS]
    strength = np.take_along_axis(contribution, order, axis=1)
    parts = (forward.parts + back.parts) / 2
    # Shared words only for the pairs whose lexical part is among their reasons.
    lexical = COMPONENTS.index("lexical")
    worded = np.flatnonzero(((order == lexical) & (strength >= MIN_CONTRIBUTION)).any(axis=1))
    picked = worded.tolist()
    terms = _shared_terms(features, [a[i] for i in picked], [b[i] for i in picked])
    words = dict(zip(picked, terms, strict=True))
    out: list[tuple[Reason, ...]] = []
    for i, (components, values) in enumerate(zip(order.tolist(), strength.tolist(), strict=True)):
        reasons = []
        for c, value in zip(components, values, strict=True):
            if value < MIN_CONTRIBUTION:
                break
            name = COMPONENTS[c]
            if name == "focus":
                text = _focus_text(features, a[i], b[i])
            elif name == "lexical":
                quoted = ", ".join(f"'{t}'" for t in words[i])
                text = f"Your goals and profiles have in common: {quoted}"
            else:
                text = _profile_text(features, name, a[i], b[i], float(parts[i, c]))
            reasons.append(Reason(name, text, round(value, 4)))
        out.append(tuple(reasons))
    return out


@dataclass(frozen=True, slots=True)
class PeerShortfall:
    """What the engine knows about someone left with fewer peer pairs than they can take.

    ``rule_counts`` (per rule in ``RULES`` order, the first rule each other peer breaks in
    either direction) is filled when the person has no eligible peer at all.
    """

    person: Side
    matched: int
    eligible: int
    with_room: int
    others: int
    rule_counts: Sequence[int] | None = None


def _rules_sentence(shortfall: PeerShortfall) -> str:
    if shortfall.others == 0:
        return "There is no other peer in this round"
    counts = shortfall.rule_counts or [0] * len(RULES)
    listed = sorted(
        ((count, rule) for rule, count in zip(RULES, counts, strict=True) if count), reverse=True
    )
    if len(listed) == 1:
        return f"Every other peer is {_RULE_NOUNS[listed[0][1]]}"
    parts = [f"{count:,} {_RULE_NOUNS[rule]}" for count, rule in listed[:3]]
    return "No peer passes all the program's rules (" + "; ".join(parts) + ")"


def peer_unmatched_reasons(
    features: Features, shortfall: PeerShortfall, uncovered: Sequence[int]
) -> tuple[str, tuple[str, ...]]:
    """Return a reason code and the sentences that explain a peer's shortfall."""
    sentences = [f"No other peer offers '{features.topic_names[t]}'" for t in uncovered]
    other = "other " if shortfall.matched else ""
    if shortfall.eligible == 0:
        code = "no_eligible_peer"
        sentences.insert(0, _rules_sentence(shortfall))
    elif shortfall.with_room == 0:
        code = "peers_at_capacity"
        sentences.insert(0, f"All {other}eligible peers are at capacity with other pairs")
    else:
        code = "not_selected"
        peers = "peer" if shortfall.with_room == 1 else "peers"
        sentences.insert(
            0,
            f"{shortfall.with_room} {other}eligible {peers} with free places "
            "were not paired with you in the best matching found",
        )
    return code, tuple(sentences)

"""Explanations in plain words: why a pair was proposed, why a mentee was not matched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tandem.matching.engine.features import Features
from tandem.matching.engine.instance import CADENCE_PREFIX, COMPONENTS, Mentee, Mentor
from tandem.matching.engine.pairs import RULES

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

MAX_REASONS = 3
# A component must add at least this much to the score to be worth mentioning.
MIN_CONTRIBUTION = 0.01
LEVELS = {1: "some experience", 2: "solid experience", 3: "deep expertise"}
# Words for meeting rhythms when the instance's labels do not name them.
CADENCES = {
    "weekly": "weekly",
    "fortnightly": "every two weeks",
    "monthly": "monthly",
    "bimonthly": "every two months",
}
ASKED = "asked"

_RULE_SENTENCES = {
    "reporting_line": "every candidate is in your reporting line",
    "excluded_pair": (
        "every candidate is excluded for you (do-not-match, an earlier match, "
        "or what you asked for after it)"
    ),
    "department": "every candidate is in your own department",
    "language": "no candidate shares a language with you",
    "location": "no candidate is in your location",
    "time_zone": "every candidate is too many time zones away",
    "must_focus": "no candidate covers any of your focus areas",
    "must_attributes": "no candidate has what you asked for in a mentor",
    "must_modes": "no candidate can meet the way you prefer",
    "min_score": "no candidate reaches the program's minimum fit",
    "no_capacity": "every candidate has no places left",
}
_RULE_NOUNS = {
    "reporting_line": "in your reporting line",
    "excluded_pair": "excluded for you",
    "department": "in your department",
    "language": "without a shared language",
    "location": "elsewhere",
    "time_zone": "too far in time zones",
    "must_focus": "not covering your focus areas",
    "must_attributes": "without what you asked for",
    "must_modes": "not meeting the way you prefer",
    "min_score": "below the minimum fit",
    "no_capacity": "without places left",
}


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason a pair was proposed: a score component and what it means."""

    component: str
    text: str
    contribution: float
    # Something worth knowing rather than a reason for the match ("no hour suits everyone").
    note: bool = False


def _label(features: Features, code: str) -> str:
    return features.instance.labels.get(code, code.replace("_", " "))


def _focus_text(features: Features, mentee: Mentee, mentor: Mentor) -> str:
    shared = [
        (mentee.focus[t] * mentor.expertise[t], t) for t in mentee.focus if t in mentor.expertise
    ]
    shared.sort(key=lambda item: (-item[0], item[1]))
    names = [
        f"{features.topic_names[t]} ({LEVELS.get(mentor.expertise[t], 'experience')})"
        for _, t in shared[:2]
    ]
    return "Covers your focus areas: " + ", ".join(names)


def _shared_terms(features: Features, mi: I64, ri: I64) -> list[list[str]]:
    """Return, per pair, the two terms adding most to its lexical similarity."""
    lexical = features.lexical
    shared = lexical.goals[mi].multiply(lexical.mentor_docs[ri]).tocsr()
    rows = np.repeat(np.arange(shared.shape[0]), np.diff(shared.indptr))
    order = np.lexsort((-shared.data, rows))
    rank = np.arange(order.shape[0]) - shared.indptr[rows[order]]
    top = order[rank < 2]
    out: list[list[str]] = [[] for _ in range(shared.shape[0])]
    for row, term in zip(rows[top].tolist(), shared.indices[top].tolist(), strict=True):
        out[row].append(lexical.labels[term])
    return out


def _profile_text(
    features: Features, component: str, mentee: Mentee, mentor: Mentor, value: float
) -> str:
    if component == "attributes":
        # Mentors reach the engine with attributes only when they agreed to be matched on
        # them, so the sentence says so rather than implying the engine found them out.
        asked = len(mentee.requested_attributes)
        shared = round(value * asked)
        what = (
            "what you asked for in a mentor"
            if shared == asked
            else f"{shared} of the {asked} things you asked for in a mentor"
        )
        return f"Shares {what}, and chose to let matching use it"
    if component == "time_zone":
        gap = abs(mentee.utc_offset - mentor.utc_offset) % 24
        gap = min(gap, 24 - gap)
        if gap == 0:
            return "Same time zone"
        hours = "hour" if gap == 1 else "hours"
        return f"Time zones {gap:g} {hours} apart, with {value * 8:g} working hours in common"
    if component == "modes":
        ways = [_label(features, m) for m in sorted(mentee.modes & mentor.modes)]
        if mentee.preferred_cadence and mentee.preferred_cadence == mentor.preferred_cadence:
            ways.append(_cadence(features, mentee.preferred_cadence))
        return "Can meet the way you prefer: " + ", ".join(ways)
    gap = (mentor.seniority or 0) - (mentee.seniority or 0)
    if gap > 0:
        return f"{gap} level{'s' if gap > 1 else ''} more senior than you"
    return "At your level: a peer's view" if gap == 0 else "Brings a different vantage point"


def _cadence(features: Features, cadence: str) -> str:
    return features.instance.labels.get(CADENCE_PREFIX + cadence, CADENCES.get(cadence, cadence))


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _asked_terms(features: Features, mi: I64, ri: I64) -> list[list[str]]:
    """Return, per pair, the asked-for words that the mentor's profile shares."""
    asked = features.lexical.asked
    if asked is None:
        return [[] for _ in range(mi.shape[0])]
    shared = asked[mi].multiply(features.lexical.mentor_docs[ri]).tocsr()
    labels = features.lexical.labels
    return [
        [labels[t] for t in shared.indices[shared.indptr[i] : shared.indptr[i + 1]].tolist()]
        for i in range(shared.shape[0])
    ]


def asked_reason(features: Features, mentee: Mentee, mentor: Mentor, words: list[str]) -> str:
    """Say which of the mentee's asks after an earlier match this mentor meets, or ''."""
    met = []
    others = sorted(d for d in mentee.avoid_departments if d != mentee.department)
    if mentee.avoid_departments and mentor.department not in mentee.avoid_departments:
        if mentee.department in mentee.avoid_departments:
            met.append("outside your department")
        if others:
            met.append("outside " + _and(others))
    if mentee.max_utc_gap_hours is not None:
        gap = abs(mentee.utc_offset - mentor.utc_offset) % 24
        if min(gap, 24 - gap) <= mentee.max_utc_gap_hours + 1e-9:
            hours = mentee.max_utc_gap_hours
            met.append(
                "in your time zone"
                if hours == 0
                else f"within {hours:g} hour{'s' if hours != 1 else ''} of your time zone"
            )
    for topic, level in sorted(mentee.min_expertise.items()):
        has = mentor.expertise.get(topic, 0)
        if level > 0 and has >= level:
            met.append(f"{LEVELS.get(has, 'experience')} in {features.topic_names[topic]}")
    if mentee.preferred_cadence and mentee.preferred_cadence == mentor.preferred_cadence:
        met.append("likes to meet " + _cadence(features, mentee.preferred_cadence))
    if words:
        met.append("their profile mentions " + _and([f"'{w}'" for w in words[:3]]))
    if not met:
        return ""
    text = _and(met)
    return f"{text[0].upper()}{text[1:]}, as you asked after your last match"


def pair_reasons(features: Features, mi: I64, ri: I64, parts: F64) -> list[tuple[Reason, ...]]:
    """Return the two or three strongest reasons for each pair, strongest first.

    When the mentee asked for something after an earlier match, a line saying which asks
    this mentor meets comes first.
    """
    contribution = features.arrays.me_w[mi] * parts
    order = np.argsort(-contribution, axis=1, kind="stable")[:, :MAX_REASONS]
    strength = np.take_along_axis(contribution, order, axis=1)
    lexical = COMPONENTS.index("lexical")
    wants_terms = np.flatnonzero(((order == lexical) & (strength >= MIN_CONTRIBUTION)).any(axis=1))
    terms = dict(
        zip(
            wants_terms.tolist(),
            _shared_terms(features, mi[wants_terms], ri[wants_terms]),
            strict=True,
        )
    )
    asking = np.flatnonzero([features.mentees[m].has_asks for m in mi.tolist()])
    words = dict(zip(asking.tolist(), _asked_terms(features, mi[asking], ri[asking]), strict=True))
    out: list[tuple[Reason, ...]] = []
    for i, (components, values) in enumerate(zip(order.tolist(), strength.tolist(), strict=True)):
        mentee, mentor = features.mentees[mi[i]], features.mentors[ri[i]]
        reasons = []
        if i in words:
            asked = asked_reason(features, mentee, mentor, words[i])
            if asked:
                reasons.append(Reason(ASKED, asked, 0.0))
        for c, value in zip(components, values, strict=True):
            if value < MIN_CONTRIBUTION:
                break
            name = COMPONENTS[c]
            if name == "focus":
                text = _focus_text(features, mentee, mentor)
            elif name == "lexical":
                quoted = ", ".join(f"'{t}'" for t in terms[i])
                text = f"Their profile speaks to your goals: {quoted}"
            else:
                text = _profile_text(features, name, mentee, mentor, float(parts[i, c]))
            reasons.append(Reason(name, text, round(value, 4)))
        out.append(tuple(reasons))
    return out


@dataclass(frozen=True, slots=True)
class Shortfall:
    """What the engine knows about a mentee left with fewer mentors than wanted."""

    mentee: int
    has_eligible: bool
    with_room: int
    rule_totals: Sequence[int] | None = None
    rule_sole: Sequence[int] | None = None


def _rules_sentence(shortfall: Shortfall) -> str:
    totals = shortfall.rule_totals or [0] * len(RULES)
    sole = shortfall.rule_sole or [0] * len(RULES)
    deciding = [(count, rule) for rule, count in zip(RULES, sole, strict=True) if count]
    if deciding:
        _, rule = max(deciding)
        return _RULE_SENTENCES[rule].capitalize()
    listed = sorted(
        ((count, rule) for rule, count in zip(RULES, totals, strict=True) if count), reverse=True
    )
    parts = [f"{count:,} {_RULE_NOUNS[rule]}" for count, rule in listed[:3]]
    return "No mentor passes all the program's rules (" + "; ".join(parts) + ")"


def unmatched_reasons(
    features: Features, shortfall: Shortfall, uncovered: Sequence[int], solver: str
) -> tuple[str, tuple[str, ...]]:
    """Return a reason code and the sentences that explain a mentee's shortfall."""
    sentences = [f"No mentor covers '{features.topic_names[t]}'" for t in uncovered]
    if not shortfall.has_eligible:
        code = "no_eligible_mentor"
        sentences.insert(0, _rules_sentence(shortfall))
    elif shortfall.with_room == 0:
        code = "mentors_at_capacity"
        fit = "mentees they fit better" if solver == "stable" else "other mentees"
        sentences.insert(0, f"All eligible mentors are at capacity with {fit}")
    else:
        code = "not_selected"
        sentences.insert(
            0,
            f"{shortfall.with_room} eligible mentors with free places fit others better "
            "in the overall best matching",
        )
    return code, tuple(sentences)

"""Explain circles in plain words: why this circle suits each member, why someone is left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np

from tandem.matching.engine.circle_model import (
    HOURS_PER_WEEK,
    ZONE_SPAN,
    CircleInstance,
    CircleMember,
    Scorer,
)
from tandem.matching.engine.explain import Reason
from tandem.matching.engine.hierarchy import Hierarchy
from tandem.matching.engine.instance import Topic

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_TOPICS = 3
# The experience levels members give, in words (a member's level is their deepest expertise).
LEVEL_WORDS = {1: "some experience", 2: "solid experience", 3: "deep expertise"}


def hour_text(hour: int, utc_offset: float | None = None) -> str:
    """Name an hour of the week in UTC, and in the member's own time when given."""
    text = f"{DAYS[hour // 24]} {hour % 24:02d}:00 UTC"
    if utc_offset:
        local = (hour * 60 + round(utc_offset * 60)) % (HOURS_PER_WEEK * 60)
        text += f" ({DAYS[local // 1440]} {local % 1440 // 60:02d}:{local % 60:02d} your time)"
    return text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _focus_reason(scorer: Scorer, i: int, circle: Sequence[int], names: dict[int, str]) -> Reason:
    me = scorer.members[i]
    others = [scorer.members[j] for j in circle if j != i]
    shared = sorted(
        ((sum(1 for o in others if t in o.focus), w, t) for t, w in me.focus.items()),
        key=lambda s: (-s[0], -s[1], s[2]),
    )
    shared = [s for s in shared if s[0] > 0][:MAX_TOPICS]
    contribution = sum(scorer.cosine[i][j] for j in circle if j != i) / max(len(others), 1)
    weight = scorer.w_focus * contribution
    if not shared:
        return Reason(
            "focus", "Nobody else here lists the same focus topics as you.", weight, note=True
        )
    parts = [f"{names.get(t, f'topic {t}')} with {_plural(n, 'other')}" for n, _, t in shared]
    return Reason("focus", "You share " + ", ".join(parts) + ".", weight)


def _slot_reason(scorer: Scorer, i: int, circle: Sequence[int], common: list[int]) -> Reason:
    offset = scorer.offsets[i]
    if common:
        more = f", and {_plural(len(common) - 1, 'other hour')} suit everyone" if common[1:] else ""
        text = f"Everyone can meet on {hour_text(common[0], offset)}{more}."
        return Reason("slots", text, scorer.w_common)
    counts: Counter[int] = Counter()
    for j in circle:
        mask = scorer.masks[j]
        counts.update(h for h in range(HOURS_PER_WEEK) if mask >> h & 1)
    if not counts:
        return Reason("slots", "Nobody here has given hours when they can meet.", 0.0, note=True)
    hour, count = min(counts.items(), key=lambda hc: (-hc[1], hc[0]))
    text = f"No hour suits everyone yet; {hour_text(hour, offset)} suits {count} of {len(circle)}."
    return Reason("slots", text, 0.0, note=True)


def _zone_reason(scorer: Scorer, circle: Sequence[int]) -> Reason:
    offsets = [scorer.offsets[j] for j in circle]
    spread = max(offsets) - min(offsets)
    zone = max(0.0, 1.0 - spread / ZONE_SPAN)
    if spread == 0:
        text = f"Everyone is in the same time zone (UTC{offsets[0]:+g})."
    else:
        text = (
            f"Everyone lives within {spread:g} hour{'' if spread == 1 else 's'} of each other "
            f"(UTC{min(offsets):+g} to UTC{max(offsets):+g})."
        )
    return Reason("time_zone", text, scorer.w_zone * zone)


def _level_words(level: int) -> str:
    return LEVEL_WORDS.get(level, f"experience level {level}")


def _mix_reason(scorer: Scorer, i: int, circle: Sequence[int]) -> Reason:
    levels = Counter(scorer.levels[j] for j in circle if scorer.levels[j] >= 0)
    if not levels:
        return Reason("mix", "Nobody here has said how experienced they are.", 0.0, note=True)
    mix = min(len(levels), scorer.mix_target) / scorer.mix_target
    mine = scorer.levels[i]
    if len(levels) == 1:
        words = _level_words(next(iter(levels)))
        text = (
            f"Similar experience: everyone here has {words}, as you do."
            if mine >= 0
            else f"Similar experience: everyone here who said has {words}."
        )
        return Reason("mix", text, scorer.w_mix * mix)
    parts = ", ".join(f"{n} with {_level_words(lv)}" for lv, n in sorted(levels.items()))
    yours = f"; you have {_level_words(mine)}" if mine >= 0 else ""
    return Reason("mix", f"A mix of experience: {parts}{yours}.", scorer.w_mix * mix)


def circle_reasons(
    scorer: Scorer, topics: Sequence[Topic]
) -> tuple[tuple[int, ...], list[tuple[Reason, ...]]]:
    """Return the circle's common hours and each member's reasons, most telling first.

    The circle is all of the scorer's members. A reason's ``contribution`` is what its
    component adds to the circle's fit (for focus, the member's own mean cosine).
    """
    circle = list(range(len(scorer.members)))
    names = {t.id: t.name for t in topics}
    common_mask = -1
    for j in circle:
        common_mask &= scorer.masks[j]
    common = [h for h in range(HOURS_PER_WEEK) if common_mask >> h & 1]
    zone = _zone_reason(scorer, circle)
    reasons: list[tuple[Reason, ...]] = []
    for i in circle:
        found = [
            _focus_reason(scorer, i, circle, names),
            _slot_reason(scorer, i, circle, common),
            zone,
            _mix_reason(scorer, i, circle),
        ]
        # Reasons first, most telling first; then what is worth knowing.
        found.sort(key=lambda r: (r.note, -r.contribution))
        reasons.append(tuple(found))
    return tuple(common), reasons


def unplaced_reason(member: CircleMember, instance: CircleInstance, hierarchy: Hierarchy) -> str:
    """Say in one sentence why ``member`` is in no circle."""
    low = instance.min_size
    others = [m.person for m in instance.members if m.key != member.key]
    if len(others) + 1 < low:
        return f"Only {len(others) + 1} people are in the run; a circle needs at least {low}."
    nodes = hierarchy.nodes(others)
    mine = np.full(len(others), hierarchy.nodes([member.person])[0], np.int64)
    outside = int((~hierarchy.related(mine, nodes)).sum())
    if outside + 1 < low:
        return (
            f"Only {outside} of the others are outside your reporting line; "
            f"a circle needs at least {low} people."
        )
    if member.key in instance.pinned:
        return (
            f"Your pinned circle could not reach {low} members without putting someone "
            "with their manager or report; unpin or add people to it."
        )
    return (
        "Every circle was full or had someone in your reporting line or someone you are not "
        "to be grouped with, and too few people "
        f"were left to start a new circle of {low}."
    )

"""Rank mentors for one mentee with the matching engine's own score and reasons."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from tandem.matching.engine import Policy
from tandem.matching.engine.explain import pair_reasons
from tandem.matching.engine.features import build_features
from tandem.matching.engine.scoring import score_pairs
from tandem.matching.loading import Profile, instance_for, mentee_row, mentor_of
from tandem.programs.models import Enrollment


@dataclass(frozen=True)
class Fit:
    score: float
    reasons: tuple[str, ...]
    # The engine's name for a hard rule the pair breaks (reporting line, ...), if any.
    broken_rule: bool


def mentor_fits(*, mentee: Enrollment, mentors: Sequence[Profile]) -> dict[int, Fit]:
    """Score each mentor for this mentee as a matching round would; key by enrollment id.

    The mentee comes with her topics and membership (department) loaded; the mentors as
    ``loading.profiles_of`` reads them.
    """
    if not mentors:
        return {}
    now = timezone.now()
    instance = instance_for(
        mentee.program,
        [mentee_row(mentee, wanted=1, now=now)],
        [mentor_of(profile, places=1, now=now) for profile in mentors],
        # The pairing policy has already left out her reporting line, walking it in SQL;
        # loading the organization's whole hierarchy for one page would cost more.
        managers={},
    )
    features = build_features(instance, Policy())
    ri = np.array([features.mentor_index[profile.key] for profile in mentors], np.int64)
    mi = np.zeros(len(mentors), np.int64)
    scored = score_pairs(features, mi, ri)
    reasons = pair_reasons(features, mi, ri, scored.parts)
    return {
        profile.key: Fit(
            score=float(scored.score[i]),
            reasons=tuple(reason.text for reason in reasons[i]),
            broken_rule=bool(scored.broken[i] >= 0),
        )
        for i, profile in enumerate(mentors)
    }

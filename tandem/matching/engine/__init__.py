"""The matching engine: pure Python, numpy, scipy, numba and OR-Tools; no Django.

Build an ``Instance`` (mentees, mentors, topics, reporting lines) and a ``Policy``
(weights, hard rules), then call ``run_matching``, or ``run_peer_matching`` to pair
peers within one set of people. See ``run.py`` for the result types. Circles (groups of
``min_size``..``max_size``) come from a ``CircleInstance`` and ``run_circles``.
"""

from tandem.matching.engine.circle_model import (
    CircleInputError,
    CircleInstance,
    CircleMember,
    CircleWeights,
)
from tandem.matching.engine.circles import (
    CircleResult,
    ProposedCircle,
    UnplacedMember,
    run_circles,
)
from tandem.matching.engine.explain import Reason
from tandem.matching.engine.hierarchy import HierarchyCycleError
from tandem.matching.engine.instance import (
    COMPONENTS,
    Instance,
    Mentee,
    Mentor,
    Policy,
    Rules,
    Topic,
    Weights,
)
from tandem.matching.engine.peers import run_peer_matching
from tandem.matching.engine.quality import FairnessRow, QualityReport, Tradeoff, tradeoff
from tandem.matching.engine.run import (
    LockedPairError,
    MatchResult,
    ProposedPair,
    UnmatchedMentee,
    run_matching,
)
from tandem.matching.engine.solve_optimal import SolverError

__all__ = [
    "COMPONENTS",
    "CircleInputError",
    "CircleInstance",
    "CircleMember",
    "CircleResult",
    "CircleWeights",
    "FairnessRow",
    "HierarchyCycleError",
    "Instance",
    "LockedPairError",
    "MatchResult",
    "Mentee",
    "Mentor",
    "Policy",
    "ProposedCircle",
    "ProposedPair",
    "QualityReport",
    "Reason",
    "Rules",
    "SolverError",
    "Topic",
    "Tradeoff",
    "UnmatchedMentee",
    "UnplacedMember",
    "Weights",
    "run_circles",
    "run_matching",
    "run_peer_matching",
    "tradeoff",
]

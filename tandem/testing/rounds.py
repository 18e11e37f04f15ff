"""Matching rounds for tests: set one up with the default weights in one call."""

from typing import Any

from tandem.accounts.models import User
from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.programs.models import Program


def round_create_default(*, program: Program, by: User, **options: Any) -> MatchingRound:
    """Set up (not start) a round with the default weights; ``options`` override them."""
    settings: dict[str, Any] = {
        "name": "Spring",
        "solver": "optimal",
        "participation_first": True,
        "weights": services.DEFAULT_WEIGHTS,
        "rules": {},
        "seed": 1,
    }
    return services.round_create(program=program, by=by, **(settings | options))

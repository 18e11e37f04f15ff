"""`manage.py warm_engine` compiles, ahead of time, everything a round and the directory run."""

import importlib
import io
import pkgutil

from django.core.management import call_command
from django.urls import reverse
from numba.core.caching import NullCache
from numba.core.registry import CPUDispatcher

import tandem.matching.engine
from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.testing.fixtures import World, client_for


def _compiled() -> dict[str, frozenset[str]]:
    """Return the signatures compiled so far for each of the engine's cached kernels."""
    compiled = {}
    for info in pkgutil.iter_modules(tandem.matching.engine.__path__):
        module = importlib.import_module(f"tandem.matching.engine.{info.name}")
        for name, value in vars(module).items():
            cache = getattr(value, "_cache", None)
            if isinstance(value, CPUDispatcher) and not isinstance(cache, NullCache):
                compiled[f"{info.name}.{name}"] = frozenset(map(str, value.signatures))
    return compiled


def test_after_warming_a_round_and_the_directory_compile_nothing_new(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    out = io.StringIO()
    call_command("warm_engine", stdout=out)
    assert "Matching engine ready" in out.getvalue()
    warmed = _compiled()
    # The kernels Python calls directly; the others compile as part of them.
    entry_points = {
        "hierarchy._euler_tour",
        "scans.merge_mentor_heaps",
        "scans._candidate_kernel",
        "scans._extend_kernel",
        "scans._audit_kernel",
        "scoring._pair_block",
        "scoring._rule_block",
        "solve_stable._propose",
    }
    assert entry_points <= {name for name, signatures in warmed.items() if signatures}

    created = services.round_create(
        program=cohort.program,
        by=cohort.admin,
        name="Spring",
        solver="stable",  # runs the optimal solver too, for the trade-off it reports
        participation_first=True,
        weights=services.DEFAULT_WEIGHTS,
        rules={"not_same_department": True, "max_utc_gap_hours": 6.0},
        seed=3,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    directory = reverse("relationships:directory", args=[cohort.program.pk])
    assert client_for(cohort.mentee).get(directory).status_code == 200

    assert _compiled() == warmed

"""Benchmark the matching engine against the tools people use today.

Run from the repository root (as a module, so the PyPI ``matching`` package is not
shadowed by this file):

    .venv/bin/python -m bench.matching                 # 1k, 10k and 100k
    .venv/bin/python -m bench.matching --sizes 1k,10k

Each method runs in a fresh process (peak memory is that process's peak RSS, the
instance included) after a warm-up on a tiny instance, so imports and numba's on-disk
compiled kernels are loaded before the clock starts. Every result is then audited the
same way, with the engine's own scores: total score, matched mentees, blocking pairs
over every eligible pair, and hard-rule violations.
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import resource
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench import baselines, floors
from bench.synthetic import SIZES, bench_policy, generate
from tandem.matching.engine import Instance, Policy, run_matching
from tandem.matching.engine.audit import audit_matching
from tandem.matching.engine.features import Features, build_features
from tandem.matching.engine.scoring import score_pairs

I64 = npt.NDArray[np.int64]
TIME_LIMIT = 600.0
# How much longer the matching package takes at 100k than at 10k (at least; see below).
HR_GROWTH = 25
MEMORY_LIMIT = 20 * 2**30
CACHE = Path(tempfile.gettempdir()) / "tandem-bench"
METHODS = (
    "tandem-optimal",
    "tandem-stable",
    "careful",
    "straightforward",
    "matching-hr",
    "dense-lsa",
)
# The baseline each stage table compares Tandem with, end to end.
FAIREST = "careful"
STAGES = ("features", "candidates", "solve", "audit", "explanations", "quality")
# Which measured floor each stage is set against (see bench/floors.py).
STAGE_FLOORS = {"candidates": "scan", "solve": "solve", "audit": "scan"}


@dataclass
class Outcome:
    method: str
    seconds: float | None = None
    peak_gib: float | None = None
    pairs: tuple[I64, I64] | None = None
    skipped: str | None = None
    stages: dict[str, float] | None = None
    runs: list[float] | None = None


def _instance(size: str, seed: int) -> tuple[Instance, Policy]:
    """Load the seeded instance of a size, generating it once into a cache."""
    path = CACHE / f"{size}-{seed}.pickle"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            pickle.dump(generate(*SIZES[size], seed=seed), out)
    with path.open("rb") as source:
        instance: Instance = pickle.load(source)
    return instance, bench_policy(instance, seed)


def _keys_to_idx(f: Features, mentees: list[int], mentors: list[int]) -> tuple[I64, I64]:
    mi = np.array([f.mentee_index[k] for k in mentees], np.int64)
    ri = np.array([f.mentor_index[k] for k in mentors], np.int64)
    return mi, ri


def _run(
    method: str, instance: Instance, policy: Policy
) -> tuple[list[int], list[int], dict[str, float]]:
    """Run one method end to end; return chosen pairs as (mentee keys, mentor keys)."""
    if method.startswith("tandem"):
        result = run_matching(instance, policy, solver=method.split("-")[1])  # type: ignore[arg-type]
        return (
            [p.mentee for p in result.pairs],
            [p.mentor for p in result.pairs],
            dict(result.timings),
        )
    f = build_features(instance, policy)
    k, kr = policy.candidates_per_mentee, policy.candidates_per_mentor
    if method == "floors":
        scan = statistics.median(floors.scan_floor(f.arrays) for _ in range(3))
        return [], [], {"scan": scan, "solve": floors.solve_floor(f)}
    if method == "straightforward":
        mi, ri = baselines.straightforward(f, k, kr)
    elif method == "careful":
        mi, ri = baselines.careful(f, k, kr)
    elif method == "matching-hr":
        mi, ri = baselines.hospital_residents(f, k)
    elif method == "dense-lsa":
        mi, ri = baselines.lsa(f)
    elif method == "full-optimum":
        mi, ri = baselines.full_optimum(f)
    else:
        raise ValueError(method)
    mentees = [f.mentees[i].key for i in mi.tolist()]
    mentors = [f.mentors[i].key for i in ri.tolist()]
    return mentees, mentors, {}


def _child(method: str, size: str, seed: int, out: str) -> None:
    warm = generate(200, 60, seed=seed + 7)
    _run(method, warm, bench_policy(warm, seed))
    instance, policy = _instance(size, seed)
    start = time.perf_counter()
    mentees, mentors, stages = _run(method, instance, policy)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 2**30
    with open(out, "wb") as sink:
        pickle.dump((mentees, mentors, seconds, peak, stages), sink)


def _in_process(method: str, size: str, seed: int, f: Features, repeat: int = 1) -> Outcome:
    """Run a method ``repeat`` times, each in a fresh process; keep the median run's time."""
    runs = [_in_process_once(method, size, seed, f) for _ in range(repeat)]
    done = [r for r in runs if r.seconds is not None]
    if len(done) < len(runs):
        return next(r for r in runs if r.seconds is None)
    done.sort(key=lambda r: r.seconds or 0.0)
    middle = done[len(done) // 2]
    stages = None
    if middle.stages:
        names = middle.stages.keys()
        stages = {k: statistics.median((r.stages or {})[k] for r in done) for k in names}
    for r in done[1:]:
        # Every run must give the same pairs: the engine's and the baselines' are seeded.
        if r.pairs is not None and middle.pairs is not None:
            assert all(np.array_equal(x, y) for x, y in zip(r.pairs, middle.pairs, strict=True))
    return Outcome(
        method,
        middle.seconds,
        max(r.peak_gib or 0.0 for r in done),
        middle.pairs,
        stages=stages,
        runs=[r.seconds or 0.0 for r in runs],
    )


def _in_process_once(method: str, size: str, seed: int, f: Features) -> Outcome:
    with tempfile.NamedTemporaryFile(suffix=".pickle") as out:
        context = multiprocessing.get_context("spawn")
        process = context.Process(target=_child, args=(method, size, seed, out.name))
        process.start()
        process.join(timeout=TIME_LIMIT + 120)
        if process.is_alive():
            process.kill()
            return Outcome(method, skipped=f"stopped after {TIME_LIMIT + 120:.0f} s")
        if process.exitcode != 0:
            return Outcome(method, skipped=f"failed (exit code {process.exitcode})")
        with open(out.name, "rb") as source:
            mentees, mentors, seconds, peak, stages = pickle.load(source)
    return Outcome(method, seconds, peak, _keys_to_idx(f, mentees, mentors), stages=stages)


def _skip_reason(method: str, f: Features, measured: dict[str, Outcome], size: str) -> str | None:
    """Estimate what a baseline would need here; say why it is not run, or None."""
    if method == "dense-lsa":
        cells = baselines.lsa_cells(f)
        # The float64 slot matrix plus the full score matrix and a working copy.
        need = cells * 8 * 2
        if need > MEMORY_LIMIT:
            return f"needs ~{need / 2**30:.0f} GiB for the {cells:.1e}-cell slot matrix"
        small = measured.get("dense-lsa-10k")
        if size == "100k" and small and small.seconds:
            # Shortest augmenting paths on a dense matrix: about cubic in the side.
            estimate = small.seconds * 1000
            return f"estimated {estimate / 3600:.0f} h from the 10k run (> 10 min)"
    if method == "matching-hr" and size == "100k":
        small = measured.get("matching-hr-10k")
        # Measured here: 32 s at 10k, still running after 12 min at 100k.
        if small and small.seconds and small.seconds * HR_GROWTH > TIME_LIMIT:
            estimate = small.seconds * HR_GROWTH / 60
            return f"estimated {estimate:.0f} min from the 10k run (> 10 min)"
    return None


@dataclass
class Row:
    size: str
    method: str
    seconds: float | None
    peak_gib: float | None
    total: float | None
    matched: int | None
    pairs: int | None
    blocking: int | None
    violations: int | None
    note: str = ""


def _evaluate(size: str, outcome: Outcome, f: Features) -> Row:
    if outcome.pairs is None:
        return Row(
            size, outcome.method, None, None, None, None, None, None, None, outcome.skipped or ""
        )
    mi, ri = outcome.pairs
    scored = score_pairs(f, mi, ri)
    a = f.arrays
    over_mr = np.maximum(np.bincount(ri, minlength=f.n_mentors) - a.capacity, 0).sum()
    over_me = np.maximum(np.bincount(mi, minlength=f.n_mentees) - a.wanted, 0).sum()
    duplicates = mi.shape[0] - np.unique(mi * f.n_mentors + ri).shape[0]
    violations = int((scored.broken >= 0).sum() + over_mr + over_me + duplicates)
    blocking = audit_matching(f, mi, ri, scored.score).blocking_pairs
    note = "total counts invalid pairs too" if violations else ""
    return Row(
        size,
        outcome.method,
        outcome.seconds,
        outcome.peak_gib,
        float(scored.score.sum()),
        int(np.unique(mi).shape[0]),
        int(mi.shape[0]),
        blocking,
        violations,
        note,
    )


def _fmt(value: float | int | None, spec: str) -> str:
    width = int("".join(c for c in spec.split(".")[0] if c.isdigit()) or 0)
    return "—".rjust(width) if value is None else format(value, spec)


def _print_rows(rows: list[Row]) -> None:
    head = (
        f"{'size':>5} {'method':<16} {'wall s':>8} {'peak GiB':>8} {'total score':>12} "
        f"{'matched':>8} {'pairs':>7} {'blocking':>9} {'violations':>10}  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.size:>5} {r.method:<16} {_fmt(r.seconds, '8.1f')} {_fmt(r.peak_gib, '8.2f')} "
            f"{_fmt(r.total, '12.1f')} {_fmt(r.matched, '8d')} {_fmt(r.pairs, '7d')} "
            f"{_fmt(r.blocking, '9,d')} {_fmt(r.violations, '10d')}  {r.note}"
        )


def _print_ratios(rows: list[Row]) -> None:
    print("\nTandem (optimal) against each method at the same size:")
    for size in dict.fromkeys(r.size for r in rows):
        tandem = next((r for r in rows if r.size == size and r.method == "tandem-optimal"), None)
        if tandem is None:
            continue
        for r in rows:
            if r.size != size or r is tandem or r.seconds is None or tandem.seconds is None:
                continue
            speed = r.seconds / tandem.seconds
            score = (tandem.total or 0) / r.total if r.total else float("nan")
            memory = (tandem.peak_gib or 0) / r.peak_gib if r.peak_gib else float("nan")
            print(
                f"  {size:>5} vs {r.method:<16} {speed:6.2f}x faster, total score x{score:.4f}, "
                f"peak memory x{memory:.2f}"
            )


def _print_stages(size: str, measured: dict[str, Outcome]) -> None:
    """Print each Tandem stage against its floor, and the end-to-end ratio to the fairest."""
    floor = (measured.get(f"floors-{size}") or Outcome("floors")).stages or {}
    runs = {
        solver: (measured.get(f"tandem-{solver}-{size}") or Outcome(solver)).stages or {}
        for solver in ("optimal", "stable")
    }
    if not any(runs.values()):
        return
    print(f"\n{size}: Tandem's stages (median seconds) against their floors, same run:")
    head = f"{'stage':<14}{'optimal':>9}{'stable':>9}{'floor':>9}  {'floor is':<34}"
    head += f"{'opt/floor':>10}"
    print(head)
    print("-" * len(head))
    what = {
        "scan": "one streaming pass of the score",
        "solve": "OR-Tools min-cost flow, same edges",
    }
    for stage in STAGES:
        opt, sta = runs["optimal"].get(stage), runs["stable"].get(stage)
        name = STAGE_FLOORS.get(stage)
        low = floor.get(name) if name else None
        ratio = f"{opt / low:9.1f}x" if opt is not None and low else f"{'—':>10}"
        print(
            f"{stage:<14}{_fmt(opt, '9.2f')}{_fmt(sta, '9.2f')}{_fmt(low, '9.2f')}  "
            f"{what.get(name or '', 'not measured'):<34}{ratio}"
        )
    totals = {k: (measured.get(f"tandem-{k}-{size}") or Outcome(k)).seconds for k in runs}
    print(f"{'end to end':<14}{_fmt(totals['optimal'], '9.2f')}{_fmt(totals['stable'], '9.2f')}")
    fair = measured.get(f"{FAIREST}-{size}")
    if fair and fair.seconds:
        for solver, seconds in totals.items():
            if seconds:
                print(
                    f"Tandem {solver} against the {FAIREST} numpy pipeline ({fair.seconds:.1f} s): "
                    f"{fair.seconds / seconds:.1f}x faster"
                )
    for key, outcome in measured.items():
        times = outcome.runs or []
        if key.endswith(f"-{size}") and key != f"floors-{size}" and len(times) > 1:
            print(f"  runs of {key}: {', '.join(f'{t:.2f}' for t in times)} s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="1k,10k,100k", help="comma-separated, of 1k,10k,15k,100k,1m"
    )
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per method (fresh processes); the median"
    )
    parser.add_argument("--baseline-repeat", type=int, help="runs per baseline (default: --repeat)")
    parser.add_argument("--no-floors", action="store_true", help="skip the stage floors")
    args = parser.parse_args(argv)
    sizes = [s for s in args.sizes.split(",") if s]
    methods = [m for m in args.methods.split(",") if m]
    rows: list[Row] = []
    measured: dict[str, Outcome] = {}
    for size in sizes:
        instance, policy = _instance(size, args.seed)
        f = build_features(instance, policy)
        todo = methods + (["full-optimum"] if size not in ("100k", "1m") else [])
        if not args.no_floors and any(m.startswith("tandem") for m in methods):
            # Right after Tandem's own runs, so both see the machine in the same state.
            last = max(i for i, m in enumerate(todo) if m.startswith("tandem"))
            todo.insert(last + 1, "floors")
        for method in todo:
            repeat = args.repeat if method.startswith("tandem") else None
            repeat = repeat or args.baseline_repeat or args.repeat
            if method == "floors":
                # One process; the scan floor is already the median of three passes.
                measured[f"floors-{size}"] = _in_process(method, size, args.seed, f)
                print(f"[{size}] floors: {measured[f'floors-{size}'].stages}", file=sys.stderr)
                continue
            reason = _skip_reason(method, f, measured, size)
            outcome = (
                Outcome(method, skipped=reason)
                if reason
                else _in_process(method, size, args.seed, f, repeat)
            )
            measured[f"{method}-{size}"] = outcome
            rows.append(_evaluate(size, outcome, f))
            print(
                f"[{size}] {method}: {outcome.skipped or f'{outcome.seconds:.1f} s'}",
                file=sys.stderr,
            )
            if outcome.stages:
                print(f"[{size}] {method} stages: {outcome.stages}", file=sys.stderr)
        if size == "100k":
            rows.append(
                Row(
                    size,
                    "full-optimum",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    "needs every eligible pair (~1e9) in the flow graph",
                )
            )
    print()
    _print_rows(rows)
    _print_ratios(rows)
    for size in sizes:
        _print_stages(size, measured)
    optimum = {r.size: r.total for r in rows if r.method == "full-optimum" and r.total}
    for r in rows:
        if r.method == "tandem-optimal" and r.size in optimum and r.total:
            gap = 1 - r.total / optimum[r.size]
            print(f"\n{r.size}: Tandem optimal is within {gap:.3%} of the full-graph optimum.")


if __name__ == "__main__":
    if not __package__:
        sys.exit("Run it as a module from the repository root: python -m bench.matching")
    main()

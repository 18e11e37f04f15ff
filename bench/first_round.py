"""Time a fresh deployment's first matching round, with and without `manage.py warm_engine`.

Run from the repository root:

    .venv/bin/python -m bench.first_round            # about five minutes on two cores
    .venv/bin/python -m bench.first_round --people 800

It builds the demo organization (`manage.py demo_data`) in a throwaway SQLite database,
then times two deployments, each starting from an empty numba cache of its own
(`NUMBA_CACHE_DIR`), every step in a new process as in production:

- cold: the first round of the demo's matched program, run as the task worker runs it;
- warm: `manage.py warm_engine`, then the same round.

For each round it also counts the kernels numba still had to compile (the cache's
"data saved" lines under `NUMBA_DEBUG_CACHE=1`): after warming it should be none.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable

ROUND = """
import time
from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.matching.running import round_run
from tandem.programs.models import Program
program = Program.objects.filter(matching_mode="rounds", format="one_to_one").first()
matching_round = services.round_create(
    program=program, by=program.admins.first(), name="First", solver="optimal",
    participation_first=True, weights=services.DEFAULT_WEIGHTS, rules={}, seed=1,
)
MatchingRound.objects.filter(pk=matching_round.pk).update(status="running")
start = time.perf_counter()
status = round_run(round_id=matching_round.pk)
print(f"ROUND {time.perf_counter() - start:.2f} {status}")
"""


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=1800
    )
    return time.perf_counter() - start, done.stdout + done.stderr


def _round(env: dict[str, str]) -> tuple[float, float, int]:
    """Run one round in a new process; return its seconds, the process's, and compilations."""
    seconds, out = _run([PYTHON, "manage.py", "shell", "-c", ROUND], env)
    line = next(x for x in out.splitlines() if x.startswith("ROUND "))
    return float(line.split()[1]), seconds, out.count("data saved")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=400, help="People in the demo agency.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tandem-first-round-") as tmp:
        base = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "TASK_BACKEND": "dummy",
            "NUMBA_CACHE_DIR": f"{tmp}/numba-setup",
        }
        _run([PYTHON, "manage.py", "migrate", "-v0"], base)
        _run([PYTHON, "manage.py", "demo_data", "--people", str(options.people)], base)
        rows = []
        for case in ("cold", "warm"):
            env = {**base, "NUMBA_CACHE_DIR": f"{tmp}/numba-{case}", "NUMBA_DEBUG_CACHE": "1"}
            warm = 0.0
            if case == "warm":
                warm, _ = _run([PYTHON, "manage.py", "warm_engine"], env)
            engine, process, compiled = _round(env)
            rows.append((case, warm, engine, process, compiled))
    print(f"{'case':<6}{'warm_engine s':>15}{'round s':>10}{'process s':>11}{'compiled':>10}")
    for case, warm, engine, process, compiled in rows:
        print(f"{case:<6}{warm:>15.1f}{engine:>10.2f}{process:>11.1f}{compiled:>10}")


if __name__ == "__main__":
    main()

"""Time a round in the product: click to review-ready through a real task worker, by stage.

Run from the repository root:

    .venv/bin/python -m bench.round_in_product                      # PostgreSQL and SQLite
    .venv/bin/python -m bench.round_in_product --databases postgres --baseline none

It fills a database with the 100,000-person demo organization (`manage.py demo_data
--people 100000`, kept between runs) and takes its largest round program (the peer
co-mentoring program: about 15,000 people seeking and 13,000 giving), with the
same-department and six-hour time-zone rules on and the reporting lines the demo draws.
Each step runs in a new process, as in production:

- stages, for the code of this tree ("after") and of the baseline commit ("before",
  exported with `git archive`; by default the last commit before loading and storing
  went to bulk reads and plain-row inserts): `load_instance` + `load_policy`, then the
  engine, then `_store`, one after the other. The engine runs once, in this tree, and the
  baseline stores the very same result (pickled): both trees run the same engine.
- click: with `TASK_BACKEND=database`, `manage.py db_worker` is started (it warms the
  engine before it polls), a round is created and started as the round page's Run button
  does (`services.round_start`), and the clock stops when the round is ready for review.
  The progress notes the round page would have shown are printed with the second they
  appeared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# The last commit before loading and storing in bulk.
BASELINE = "6e27895"
PG_URL = "postgres://postgres@127.0.0.1:5432/bench_round"
PG_ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
RULES = {"not_same_department": True, "max_utc_gap_hours": 6}

# Shared by both scripts below: the program and a new round of it.
SETUP = f"""
import inspect, json, time
from django.db.models import Count, Q
from tandem.matching import running, services
from tandem.matching.models import MatchingRound
from tandem.programs.models import Program

def largest():
    ready = Q(enrollments__profile_completed_at__isnull=False)
    return (
        Program.objects.filter(matching_mode="rounds")
        .annotate(n=Count("enrollments", filter=ready))
        .order_by("-n")
        .first()
    )

program = largest()
matching_round = services.round_create(
    program=program, by=program.admins.first(), name="Bench", solver="optimal",
    participation_first=True, weights=services.DEFAULT_WEIGHTS, rules={RULES!r}, seed=1,
)
"""

STAGES = (
    SETUP
    + """
import os, pickle
from tandem.matching.loading import load_instance, load_policy
saved = os.environ["BENCH_RESULT"]
cached = os.path.exists(saved)
if not cached:
    from tandem.matching.engine import run_matching
    from tandem.matching.engine.peers import run_peer_matching
    from tandem.matching.engine.warm import warm_up
    warm_up()
start = time.perf_counter()
instance = load_instance(program)
policy = load_policy(
    program, weights=matching_round.weights, rules=matching_round.rules,
    participation_first=True,
)
loaded = time.perf_counter()
if cached:
    # The other tree's engine run: the same engine, so the same result.
    with open(saved, "rb") as f:
        result = pickle.load(f)
    engine = None
else:
    if program.is_peer:
        result = run_peer_matching(instance, policy, seed=1)
    else:
        result = run_matching(instance, policy, solver="optimal", seed=1)
    engine = time.perf_counter() - loaded
    with open(saved, "wb") as f:
        pickle.dump(result, f)
matched = time.perf_counter()
new_store = "loaded" in inspect.signature(running._store).parameters
extra = {"loaded": loaded - start} if new_store else {}
running._store(matching_round, result, None, **extra)
stored = time.perf_counter()
print("STAGES " + json.dumps({
    "program": program.name, "mentees": len(instance.mentees), "mentors": len(instance.mentors),
    "pairs": len(result.pairs), "load": loaded - start, "engine": engine,
    "store": stored - matched, "engine_stages": result.timings, "stats": result.stats,
}))
"""
)

CLICK = (
    SETUP
    + """
start = time.perf_counter()
services.round_start(matching_round=matching_round)
timeline, last = [], None
while True:
    row = MatchingRound.objects.values("status", "progress", "progress_note", "report").get(
        pk=matching_round.pk
    )
    seconds = time.perf_counter() - start
    if (row["progress"], row["progress_note"]) != last:
        last = (row["progress"], row["progress_note"])
        timeline.append([round(seconds, 2), *last])
    if row["status"] not in ("running",):
        break
    time.sleep(0.05)
print("CLICK " + json.dumps({
    "seconds": seconds, "status": row["status"], "timeline": timeline,
    "timings": row["report"].get("timings", {}),
}))
"""
)


def _env(database_url: str, **extra: str) -> dict[str, str]:
    # As in production: DEBUG off (no query log, no autoreload).
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-round-in-product-not-a-secret-0123456789abcdefghijkl",
        **extra,
    }


def _shell(tree: Path, env: dict[str, str], script: str, tag: str) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", script],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    for line in done.stdout.splitlines():
        if line.startswith(tag + " "):
            return dict(json.loads(line[len(tag) + 1 :]))
    raise RuntimeError(f"{tag} failed in {tree}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def _prepare(url: str, people: int) -> None:
    """Create the database if needed, migrate it, and load the demo once."""
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                c.execute(f'CREATE DATABASE "{name}"')
    env = _env(url, TASK_BACKEND="dummy")
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PYTHON, "manage.py", "demo_data", "--people", str(people), "--if-empty"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def _click(tree: Path, url: str, log: Path) -> dict[str, Any]:
    """Start a worker (it warms the engine first), click Run, and wait for review."""
    env = _env(url, TASK_BACKEND="database")
    start = time.perf_counter()
    with log.open("w") as out:
        worker = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
            cwd=tree,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        while "Starting worker" not in log.read_text():
            if worker.poll() is not None:
                raise RuntimeError(f"db_worker ended:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        started = time.perf_counter() - start
        click = _shell(tree, env, CLICK, "CLICK")
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    return {**click, "worker_start": started}


def _ratio(before: float | None, after: float) -> str:
    return f"{before / after:.1f}x" if before else ""


def _print(database: str, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    s = after["stages"]
    engine = s["engine"]
    print(
        f"\n{database}: {s['program']}, {s['mentees']:,} seeking x {s['mentors']:,} giving, "
        f"{s['pairs']:,} pairs"
    )
    print(f"{'step':<36}{'before s':>10}{'after s':>10}{'ratio':>8}")
    print("-" * 64)
    rows: list[tuple[str, float | None, float]] = [
        ("load (people, policy)", before and before["load"], s["load"]),
        ("engine (one run, both trees)", before and engine, engine),
        ("store (pairs, report)", before and before["store"], s["store"]),
        (
            "load + engine + store",
            before and before["load"] + engine + before["store"],
            s["load"] + engine + s["store"],
        ),
        ("click to review-ready (worker)", None, after["click"]["seconds"]),
    ]
    for name, b, a in rows:
        shown = "" if b is None else f"{b:.2f}"
        print(f"{name:<36}{shown:>10}{a:>10.2f}{_ratio(b, a):>8}")
    c = after["click"]
    print(
        f"worker: engine warmed and polling {c['worker_start']:.1f} s after it started; "
        f"round {c['status']}; the round's stored timings: {c['timings']}"
    )
    print(f"engine stages {s['engine_stages']}, {s['stats']}")
    print("progress the round page showed (seconds after the click, %, note):")
    for seconds, percent, note in c["timeline"]:
        print(f"  {seconds:>6.2f}  {percent:>3}  {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="postgres,sqlite")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--postgres-url", default=PG_URL)
    parser.add_argument("--baseline", default=BASELINE, help="Commit to compare with, or 'none'.")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tandem-round-") as name:
        tmp = Path(name)
        old = None
        if options.baseline != "none":
            old = tmp / "baseline"
            old.mkdir()
            archive = subprocess.run(
                ["git", "archive", options.baseline], cwd=ROOT, capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True)
        for database in options.databases.split(","):
            if database == "postgres":
                url = options.postgres_url
            else:
                url = f"sqlite:///{tempfile.gettempdir()}/tandem-bench-round.sqlite3"
            _prepare(url, options.people)
            saved = str(tmp / f"result-{database}.pickle")
            env = _env(url, TASK_BACKEND="dummy", BENCH_RESULT=saved)
            after = {"stages": _shell(ROOT, env, STAGES, "STAGES")}
            before = _shell(old, env, STAGES, "STAGES") if old else None
            after["click"] = _click(ROOT, url, tmp / f"worker-{database}.log")
            _print(database, before, after)


if __name__ == "__main__":
    main()

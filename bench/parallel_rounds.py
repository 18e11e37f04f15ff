"""Rounds of different programs run side by side on different task workers.

Starts ``--workers`` task workers (``manage.py db_worker``, TASK_BACKEND=database, each its
own process as on separate machines, sharing only PostgreSQL), then starts a round in each
of the largest programs that match in rounds, as the round page's Run button does, and
waits until every round is ready for review. Prints, per round, the program, the worker
that ran it, when it started and finished (seconds after the click) and its pairs; then
how long all of them took against the sum of their own times: the rounds ran in parallel
when the first is close to the longest, not to the sum.

Usage, on a database holding the 100k demo (see bench/load.py)::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/load100k \\
        .venv/bin/python -m bench.parallel_rounds [--workers 2] [--rounds 2]

The rounds it creates are deleted at the end.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "bench-parallel-rounds-not-a-secret-0123456789abcdefghijklmn",
    "TASK_BACKEND": "database",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the PostgreSQL database holding the demo.")
    os.environ.update(ENV)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction
    from django.db.models import Count, Q
    from django_tasks_db.models import DBTaskResult

    from tandem.matching import services
    from tandem.matching.models import MatchingRound
    from tandem.programs.models import Program

    ready = Q(enrollments__profile_completed_at__isnull=False)
    programs = list(
        Program.objects.exclude(matching_mode=Program.MatchingMode.CHOICE)
        .annotate(n=Count("enrollments", filter=ready))
        .order_by("-n", "pk")[: args.rounds]
    )
    if len(programs) < args.rounds:
        raise SystemExit(f"Only {len(programs)} programs match in rounds here.")

    logs = Path(tempfile.mkdtemp(prefix="tandem-workers-"))
    workers = []
    rounds: list[MatchingRound] = []
    try:
        for i in range(args.workers):
            log = (logs / f"worker-{i}.log").open("w")
            workers.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
                    cwd=ROOT,
                    env={**os.environ, **ENV},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        # Each worker compiles (or loads) the engine before it takes a task.
        for i, worker in enumerate(workers):
            while "Starting worker" not in (logs / f"worker-{i}.log").read_text():
                if worker.poll() is not None:
                    raise SystemExit((logs / f"worker-{i}.log").read_text()[-3000:])
                time.sleep(0.2)
        for program in programs:
            rounds.append(
                services.round_create(
                    program=program,
                    by=program.admins.order_by("pk")[0],
                    name="Parallel bench",
                    solver="optimal",
                    participation_first=True,
                    weights=services.DEFAULT_WEIGHTS,
                    rules={"not_same_department": True, "max_utc_gap_hours": 6},
                )
            )
        clicked = time.time()
        for matching_round in rounds:
            with transaction.atomic():
                services.round_start(matching_round=matching_round)
        pending = {r.pk for r in rounds}
        while pending:
            time.sleep(0.5)
            pending = set(
                MatchingRound.objects.filter(
                    pk__in=pending, status=MatchingRound.Status.RUNNING
                ).values_list("pk", flat=True)
            )
        whole = time.time() - clicked

        print(f"{args.rounds} rounds, {args.workers} task workers, one PostgreSQL\n")
        header = f"{'program':<28} {'worker':<12} {'started s':>9} {'ready s':>8} {'pairs':>7}"
        print(header)
        print("-" * len(header))
        own = []
        for matching_round in rounds:
            matching_round.refresh_from_db()
            task = (
                DBTaskResult.objects.filter(
                    task_path="tandem.matching.tasks.run_round",
                    args_kwargs__args=[matching_round.pk],
                )
                .order_by("-enqueued_at")
                .first()
            )
            ran_on = (task.worker_ids[-1] if task and task.worker_ids else "?")[:12]
            assert matching_round.started_at and matching_round.finished_at
            started = matching_round.started_at.timestamp() - clicked
            finished = matching_round.finished_at.timestamp() - clicked
            own.append(finished - started)
            print(
                f"{matching_round.program.name[:28]:<28} {ran_on:<12} {started:>9.1f} "
                f"{finished:>8.1f} {matching_round.pairs.count():>7}"
            )
        print(
            f"\nAll ready {whole:.1f} s after the click; the rounds' own times add up to "
            f"{sum(own):.1f} s, the longest is {max(own):.1f} s "
            f"(parallel: x{sum(own) / whole:.2f} of one worker's throughput)."
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=120)
        for matching_round in rounds:
            matching_round.delete()


if __name__ == "__main__":
    main()

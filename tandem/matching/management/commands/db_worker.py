"""Run the task worker of django-tasks-db, with the matching engine compiled before it starts.

A worker that starts on a fresh deployment would otherwise compile the engine's kernels
(a minute or more) inside the first round it runs, and even with numba's cache filled it
would load them then. Warming here compiles them into the cache (or loads them from it)
before the first task is taken; ``--no-warm-engine`` skips it for workers that never run
rounds. Settings list ``django_tasks_db`` after ``tandem.matching`` so that this command
is the one ``manage.py db_worker`` runs.
"""

import os
import time
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from tandem.matching.engine.warm import warm_up


class Command(db_worker.Command):
    help = "Compile the matching engine, then run a database background worker."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-warm-engine",
            action="store_false",
            dest="warm_engine",
            help="Start taking tasks at once, without compiling the matching engine first.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        warm_engine = options.pop("warm_engine")
        # With --reload the first process only watches files; the worker is its child.
        watcher = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if warm_engine and not watcher:
            start = time.perf_counter()
            warm_up()
            self.stderr.write(f"Matching engine ready in {time.perf_counter() - start:.1f} s.")
        super().handle(*args, **options)

"""Fill numba's on-disk cache so the first matching round does not wait for compilation.

Run it once per deployment, after the code is in place and before (or while) the web
processes and task workers start, as the same user and with the same NUMBA_CACHE_DIR as
them. A second run only loads what the first compiled, in a second or two.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand

from tandem.matching.engine.warm import warm_up


class Command(BaseCommand):
    help = "Compile the matching engine ahead of time by running it on a small made-up program."

    def handle(self, *args: Any, **options: Any) -> None:
        start = time.perf_counter()
        for step, seconds in warm_up().items():
            self.stdout.write(f"{step}: {seconds:.1f} s")
        self.stdout.write(f"Matching engine ready in {time.perf_counter() - start:.1f} s.")

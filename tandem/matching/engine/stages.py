"""Time the stages of one engine run and report each as it ends."""

from __future__ import annotations

import time
from collections.abc import Callable


class Stages:
    """A stopwatch over a run's stages; ``timings`` holds seconds per finished stage."""

    def __init__(self, progress: Callable[[str], None] | None = None) -> None:
        self.timings: dict[str, float] = {}
        self._progress = progress
        self._clock = time.perf_counter()

    def lap(self, stage: str) -> None:
        """Record that ``stage`` just ended, and tell whoever follows the run's progress."""
        now = time.perf_counter()
        self.timings[stage] = round(now - self._clock, 4)
        self._clock = now
        if self._progress:
            self._progress(stage)

"""Enqueue Tandem's time-based work on a fixed rhythm, for as long as it runs.

Run one of these per deployment, next to the web process and the task worker:
every few minutes it enqueues the sweep (reminders, expiries, gentle auto-closes), and
once a day the e-mail digest. Both tasks are safe to run twice, so a restart or a second
scheduler does no harm. `--once` enqueues both right away and exits (for cron).
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tandem.notifications.tasks import send_daily_digests
from tandem.relationships.tasks import sweep_due_work


class Command(BaseCommand):
    help = "Enqueue reminders, expiries and digests on a schedule (or once with --once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run once and exit.")
        parser.add_argument(
            "--every", type=int, default=300, help="Seconds between sweeps (default 300)."
        )
        parser.add_argument(
            "--digest-hour", type=int, default=7, help="Local hour to send digests (0-23)."
        )

    def handle(self, *args: Any, once: bool, every: int, digest_hour: int, **options: Any) -> None:
        if every < 10:
            raise CommandError("--every must be at least 10 seconds.")
        last_digest_day = None
        while True:
            result = sweep_due_work.enqueue()
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} sweep enqueued ({result.id})")
            today = timezone.localdate()
            if once or (timezone.localtime().hour >= digest_hour and last_digest_day != today):
                send_daily_digests.enqueue()
                last_digest_day = today
            if once:
                return
            time.sleep(every)

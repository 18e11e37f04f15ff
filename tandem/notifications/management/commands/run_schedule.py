"""Enqueue Tandem's time-based work on a fixed rhythm, for as long as it runs.

Run one of these per deployment, next to the web process and the task worker:
every few minutes it puts back in the queue the tasks of workers that died mid-task
(RUNNING for longer than TASK_RECOVER_AFTER_MINUTES), enqueues the sweep (reminders,
expiries, gentle auto-closes), the reminders of circles' sessions, the informational
interviews' reminders and follow-ups, the warm introductions' reminders and expiries
(INTRODUCTION_SUGGESTION_EXPIRY_DAYS), the webhook deliveries due for a retry and the
insights of programs (and the health of their organizations) last computed a day ago, and
once a day the e-mail digest, the board's digest of new questions for mentors, and the
pruning of kept records (security events past SECURITY_LOG_RETENTION_DAYS, unconfirmed uploads,
webhook deliveries past WEBHOOKS_LOG_RETENTION_DAYS).
Every task is safe to run twice, so a restart or a second scheduler does no harm.
`--once` does it all right away and exits (for cron).
"""

import datetime
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tandem.board.tasks import send_board_digests
from tandem.circles.tasks import remind_circle_sessions
from tandem.core.task_runs import tasks_recover_abandoned
from tandem.insights.health_tasks import send_monthly_health_reports
from tandem.insights.snapshots.tasks import refresh_due_insights
from tandem.interviews.tasks import send_interview_reminders
from tandem.introductions.tasks import sweep_introductions
from tandem.notifications.tasks import send_daily_digests
from tandem.people.tasks import prune_kept_records
from tandem.relationships.tasks import sweep_due_work
from tandem.webhooks.tasks import prune_deliveries, send_due_deliveries


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
        parser.add_argument(
            "--recover-after",
            type=int,
            default=None,
            help="Seconds a task may stay RUNNING before it counts as left by a dead worker "
            "and is queued again (default: TASK_RECOVER_AFTER_MINUTES). Only lower it while "
            "no worker runs.",
        )

    def handle(
        self,
        *args: Any,
        once: bool,
        every: int,
        digest_hour: int,
        recover_after: int | None,
        **options: Any,
    ) -> None:
        if every < 10:
            raise CommandError("--every must be at least 10 seconds.")
        if recover_after is None:
            recover_after = settings.TASK_RECOVER_AFTER_MINUTES * 60
        if recover_after < 0:
            raise CommandError("--recover-after must not be negative.")
        last_digest_day = None
        while True:
            recovered = tasks_recover_abandoned(
                older_than=datetime.timedelta(seconds=recover_after)
            )
            if any(recovered.values()):
                self.stdout.write(
                    f"{timezone.now():%Y-%m-%d %H:%M:%S} tasks of dead workers: "
                    f"{recovered['requeued']} queued again, {recovered['failed']} given up"
                )
            result = sweep_due_work.enqueue()
            self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} sweep enqueued ({result.id})")
            # Circles' sessions of the coming day.
            remind_circle_sessions.enqueue()
            # Webhook retries that are due, and deliveries a dead worker left half-sent.
            send_due_deliveries.enqueue()
            # Reminders a day before informational interviews, and the question after them.
            send_interview_reminders.enqueue()
            # Warm introductions: a reminder halfway to people suggested, then the expiry.
            sweep_introductions.enqueue()
            # Each program's insights and each organization's health, when a day old; one
            # already asked for waits.
            refresh_due_insights.enqueue()
            today = timezone.localdate()
            if once or (timezone.localtime().hour >= digest_hour and last_digest_day != today):
                send_daily_digests.enqueue()
                send_board_digests.enqueue()
                prune_kept_records.enqueue()
                prune_deliveries.enqueue()
                # Sends only in a month's first days, once per admin (insights/reports.py).
                send_monthly_health_reports.enqueue()
                last_digest_day = today
            if once:
                return
            time.sleep(every)

"""Fill the database with a demo agency, its people, programs and profiles."""

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from tandem.demo.generator import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    DemoDataError,
    DemoSummary,
    demo_data_create,
    demo_data_delete,
    demo_data_exists,
)

QUIET_MAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Create a demo public agency with people, reporting lines, programs and profiles."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--seed", type=int, default=7, help="Same seed, same data.")
        parser.add_argument("--people", type=int, default=400, help="People in the agency.")
        existing = parser.add_mutually_exclusive_group()
        existing.add_argument(
            "--flush", action="store_true", help="Delete earlier demo data first."
        )
        existing.add_argument(
            "--if-empty", action="store_true", help="Keep earlier demo data and do nothing."
        )

    def handle(
        self, *args: Any, seed: int, people: int, flush: bool, if_empty: bool, **options: Any
    ) -> None:
        started = time.monotonic()
        if if_empty and demo_data_exists():
            self.stdout.write("Demo data already exists; keeping it (use --flush to rebuild).")
            return
        try:
            # One transaction, so that a refused creation does not leave the old data deleted.
            # The demo's history would otherwise mail dozens of old updates to the console;
            # the override also covers the e-mail tasks that run once the data is committed.
            with override_settings(EMAIL_BACKEND=QUIET_MAIL), transaction.atomic():
                if flush:
                    deleted = demo_data_delete()
                    self.stdout.write(f"Deleted earlier demo data ({deleted} accounts).")
                summary = demo_data_create(seed=seed, people=people, today=timezone.localdate())
        except DemoDataError as error:
            raise CommandError(str(error)) from None
        if connection.vendor == "postgresql":
            # Planner statistics for the tables just filled, which autovacuum would gather
            # only a minute later (and never where it is off): without them PostgreSQL
            # plans the first pages for the empty tables it last saw.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self._report(summary, time.monotonic() - started)

    def _report(self, summary: DemoSummary, seconds: float) -> None:
        self.stdout.write(
            f"Created {summary.people} people in {summary.departments} departments, "
            f"{summary.members} association members, {len(summary.programs)} programs "
            f"({', '.join(summary.programs)}), {summary.enrollments} enrollments with "
            f"{summary.profile_topics} profile topics and {summary.relationships} relationships "
            f"in {seconds:.1f}s."
        )
        self.stdout.write(self.style.SUCCESS(f'Sign in with the password "{DEMO_PASSWORD}":'))
        width = max(len(login.email) for login in summary.logins)
        for login in summary.logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.full_name}: {login.role}")
        self.stdout.write(
            "The admin and staff accounts also ask for a second-factor code: run "
            "`manage.py demo_code`, or add the secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app."
        )

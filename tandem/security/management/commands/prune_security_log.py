"""Delete security events older than SECURITY_LOG_RETENTION_DAYS (run daily from cron)."""

from typing import Any

from django.core.management.base import BaseCommand

from tandem.security.services import security_events_prune


class Command(BaseCommand):
    help = "Delete security events older than SECURITY_LOG_RETENTION_DAYS."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = security_events_prune()
        self.stdout.write(f"Deleted {deleted} security events.")

"""Print the code the demo's authenticator app would show now, for admin@ and staff@."""

import time
from typing import Any

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from tandem.demo.generator import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the current second-factor code of the demo's admin and staff accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        period = 30
        now = time.time()
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(now) // period))
        left = period - int(now) % period
        self.stdout.write(f"{code}  (valid for {left} more seconds)")

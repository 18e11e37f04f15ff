"""Erase one person by e-mail address, for the support desk."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.people.services.erasure import ERASED_NAME, person_erase


class Command(BaseCommand):
    help = (
        "Erase a person: close what is open with notice, delete their private content, and "
        f"keep what partners share under the name “{ERASED_NAME}”. Running it twice is harmless."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The address the person signs in with.")
        parser.add_argument(
            "--reason", default="", help="Why, for the security log (for example a ticket)."
        )

    def handle(self, *args: Any, email: str, reason: str, **options: Any) -> None:
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(
                f"No account uses the address {email!r}. Nothing was erased; "
                "it may have been erased already."
            )
        try:
            done = person_erase(person=person, by=None, reason=reason)
        except DomainError as error:
            raise CommandError(error.message) from None
        if done.already_erased:
            self.stdout.write(f"Account {done.user_id} was already erased. Nothing changed.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Erased account {done.user_id}: closed {done.ended.relationships_closed} "
                f"relationship(s), answered {done.ended.requests_answered} request(s), declined "
                f"{done.ended.proposals_declined} proposal(s), left {done.ended.enrollments_ended} "
                f"program(s), deleted {done.private_items_deleted} private item(s)."
            )
        )

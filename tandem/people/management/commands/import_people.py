"""Import people from a CSV or XLSX file, as the import page does: for scheduled HR syncs."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.accounts.models import Organization
from tandem.core.errors import DomainError
from tandem.people.services.import_files import import_file_read
from tandem.people.services.imports import ImportPlan, ImportRefused, import_apply, import_plan

# Lists in the summary show this many people, then how many more there are.
SHOWN = 20


class Command(BaseCommand):
    help = (
        "Import people, departments and reporting lines from a CSV or XLSX file into an "
        "organization. All or nothing: a file with any error imports nothing and exits with 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("organization", help="The organization's slug.")
        parser.add_argument("file", help="A .csv or .xlsx file with an email column.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would change; write nothing."
        )
        parser.add_argument(
            "--mark-leavers-alumni",
            action="store_true",
            help="The file is everyone: current members not in it become alumni.",
        )
        parser.add_argument(
            "--allow-new-departments",
            action="store_true",
            help="Create departments the organization does not have yet.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["organization"]).first()
        if organization is None:
            raise CommandError(f"No organization has the slug “{options['organization']}”.")
        path = Path(options["file"])
        try:
            table = import_file_read(name=path.name, content=path.read_bytes())
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except DomainError as error:
            raise CommandError(f"{path.name}: {error.message}") from None
        choices = {
            "organization": organization,
            "table": table,
            "mark_leavers": options["mark_leavers_alumni"],
            "allow_new_departments": options["allow_new_departments"],
        }
        if options["dry_run"]:
            plan = import_plan(**choices)
            self.summary(plan, done=False)
            if plan.errors:
                raise CommandError(self.refusal(plan))
            return
        try:
            plan = import_apply(**choices, by=None, file_name=path.name)
        except ImportRefused as refused:
            self.summary(refused.plan, done=False)
            raise CommandError(self.refusal(refused.plan)) from None
        self.summary(plan, done=True)

    def refusal(self, plan: ImportPlan) -> str:
        count = len(plan.errors)
        return f"{count} error{'s' if count != 1 else ''} in the file; nothing was imported."

    def summary(self, plan: ImportPlan, *, done: bool) -> None:
        out = self.stdout.write
        for error in plan.errors:
            where = f"row {error.line}" if error.line else "file"
            self.stderr.write(f"{where}: {error.message}")
        if plan.errors:
            return
        verb = "" if done else "would be "
        out(f"New people {verb}created: {len(plan.new_people)}")
        out(f"Existing accounts {verb}joined: {len(plan.joining)}")
        out(f"New departments {verb}created: {len(plan.new_departments)}")
        out(f"Members {verb}changed: {len(plan.changes)}")
        out(f"Left alone: {plan.unchanged}")
        out(f"Members {verb}made alumni: {len(plan.leavers)}")
        for line, email, erased_at in plan.erased:
            out(f"  row {line}: {email} left alone: erased on request on {erased_at:%Y-%m-%d}")
        for change in plan.changes[:SHOWN]:
            fields = "; ".join(f"{what}: {old} → {new}" for what, old, new in change.fields)
            out(f"  row {change.line} {change.email}: {fields}")
        if len(plan.changes) > SHOWN:
            out(f"  … and {len(plan.changes) - SHOWN} more changes")
        for membership in plan.leavers[:SHOWN]:
            out(f"  leaving: {membership.user.email}")
        if len(plan.leavers) > SHOWN:
            out(f"  … and {len(plan.leavers) - SHOWN} more leaving")
        if not plan.has_changes:
            out("Nothing to change.")

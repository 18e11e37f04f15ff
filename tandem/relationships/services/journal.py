"""The private journal: reflections only their author can read."""

from django.db import transaction

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.submissions import create_once
from tandem.programs.models import Enrollment
from tandem.relationships.models import JournalEntry, Relationship


@transaction.atomic
def journal_entry_write(
    *,
    author: User,
    body: str,
    title: str = "",
    relationship: Relationship | None = None,
    enrollment: Enrollment | None = None,
    submission_key: str | None = None,
) -> JournalEntry:
    """Write a private entry, optionally about one relationship or one program goal."""
    if not body.strip():
        raise DomainError("Write something first.", field="body")
    if relationship is not None and author.pk not in relationship.participant_ids():
        raise DomainError("You can only tie an entry to your own relationships.")
    if enrollment is not None and enrollment.user_id != author.pk:
        raise DomainError("You can only tie an entry to your own goals.")
    entry, _ = create_once(
        JournalEntry,
        submission_key=submission_key,
        owner={"author": author},
        body=body.strip(),
        title=title.strip(),
        relationship=relationship,
        enrollment=enrollment,
    )
    return entry


@transaction.atomic
def journal_entry_delete(*, entry: JournalEntry, by: User) -> None:
    """Delete one's own entry for good."""
    if entry.author_id != by.pk:
        raise DomainError("Only the author can delete an entry.")
    entry.delete()

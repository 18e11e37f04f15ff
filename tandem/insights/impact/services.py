"""Words a mentee shares with their mentor: recorded, withdrawn, erased with their author."""

from django.db import transaction

from tandem.accounts.models import User
from tandem.core.errors import DomainError, NotFound
from tandem.insights.models import SharedWords
from tandem.programs.models import Program
from tandem.relationships.models import Relationship

# relationship_close sends this when the person closing writes nothing of their own.
DEFAULT_CLOSING = "Thank you for the time you gave each other."
MAX_LENGTH = 4000


@transaction.atomic
def shared_words_record(
    *, relationship: Relationship, author: User, body: str, source: str
) -> SharedWords | None:
    """Keep what a mentee chose to tell their mentor; no words take back earlier ones."""
    if source not in SharedWords.Source.values:
        raise DomainError("Choose where these words come from.")
    relationship = Relationship.objects.select_related("mentee", "program").get(pk=relationship.pk)
    if relationship.mentee.user_id != author.pk or relationship.program.format == (
        Program.Format.PEER
    ):
        raise DomainError("Only the mentee of this relationship can share words about it.")
    words = body.strip()
    if not words or words == DEFAULT_CLOSING:
        SharedWords.objects.filter(relationship=relationship, source=source).delete()
        return None
    if len(words) > MAX_LENGTH:
        raise DomainError(f"Keep the words under {MAX_LENGTH} characters.", field="body")
    shared, _ = SharedWords.objects.update_or_create(
        relationship=relationship, source=source, defaults={"author": author, "body": words}
    )
    return shared


@transaction.atomic
def shared_words_withdraw(*, author: User, words_id: int) -> None:
    """Take back words shared with a mentor; they leave the mentor's page at once."""
    deleted, _ = SharedWords.objects.filter(pk=words_id, author=author).delete()
    if not deleted:
        # The same answer whether the words are gone or someone else's.
        raise NotFound("No such words.")


def shared_words_erase(*, person: User) -> int:
    """Delete every word this person shared, as part of erasing them."""
    deleted, _ = SharedWords.objects.filter(author=person).delete()
    return deleted

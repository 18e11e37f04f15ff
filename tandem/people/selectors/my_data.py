"""Everything a person may take with them, gathered from each app that keeps it."""

from typing import Any

from tandem.accounts.models import User
from tandem.circles.export import circles_personal_export
from tandem.coaching.export import coaching_personal_export
from tandem.relationships.export import personal_export as relationships_personal_export


def personal_export(*, user: User) -> dict[str, Any]:
    """Return everything this person may take with them, as one JSON-ready document."""
    return {
        **relationships_personal_export(user=user),
        "circles": circles_personal_export(user=user),
        "coaching": coaching_personal_export(user=user),
    }

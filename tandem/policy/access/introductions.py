"""Access to warm introductions: the asker, the colleague asked, and the people suggested.

A suggestion is seen by the introducer and the person suggested; the asker sees it only
once that person agreed, and before then learns nothing of them, not even that they were
asked. Program admins see no introduction: they are between colleagues.
"""

from django.db.models import Q, QuerySet

from tandem.accounts.models import User
from tandem.core.errors import NotFound
from tandem.introductions.models import Introduction, Suggestion


def introductions_of(user: User) -> QuerySet[Introduction]:
    """Return the introductions this person asked for, was asked for, or was suggested in."""
    if not user.is_authenticated:
        return Introduction.objects.none()
    suggested = Suggestion.objects.filter(person__user=user).values("introduction")
    return Introduction.objects.filter(
        Q(asker__user=user) | Q(introducer__user=user) | Q(pk__in=suggested)
    )


def introduction_get_for_user(*, user: User, introduction_id: int) -> Introduction:
    """Return an introduction to one of its people; otherwise raise NotFound."""
    try:
        return (
            introductions_of(user)
            .select_related("program__organization", "asker__user", "introducer__user")
            .get(pk=introduction_id)
        )
    except Introduction.DoesNotExist:
        raise NotFound("No such introduction.") from None


def suggestions_visible_to(user: User) -> QuerySet[Suggestion]:
    """Return the suggestions this person may see: made by them, of them, or agreed for them."""
    if not user.is_authenticated:
        return Suggestion.objects.none()
    return Suggestion.objects.filter(
        Q(introduction__introducer__user=user)
        | Q(person__user=user)
        | Q(introduction__asker__user=user, status=Suggestion.Status.AGREED)
    )


def suggestion_get_for_user(*, user: User, suggestion_id: int) -> Suggestion:
    """Return a suggestion to someone who may see it; otherwise raise NotFound."""
    try:
        return (
            suggestions_visible_to(user)
            .select_related(
                "introduction__program__organization",
                "introduction__asker__user",
                "introduction__introducer__user",
                "person__user",
            )
            .get(pk=suggestion_id)
        )
    except Suggestion.DoesNotExist:
        raise NotFound("No such introduction.") from None

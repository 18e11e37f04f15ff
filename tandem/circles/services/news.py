"""What the circle's people are told when it changes, in one place."""

from collections.abc import Iterable

from django.urls import reverse

from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleMembership
from tandem.notifications.services import News, notify_many


def circle_url(circle: Circle) -> str:
    return reverse("circles:detail", args=[circle.pk])


def _people(circle: Circle, *, but: User | None = None) -> list[User]:
    """Return the people in the circle (accepted or active), leaving out ``but``."""
    members = circle.memberships.filter(state__in=CircleMembership.IN_CIRCLE).select_related(
        "enrollment__user"
    )
    return [m.enrollment.user for m in members if but is None or m.enrollment.user_id != but.pk]


def tell(people: Iterable[User], circle: Circle, *, kind: str, title: str, body: str = "") -> None:
    """Notify each of these people about the circle, with a link to its page."""
    url = circle_url(circle)
    notify_many([News(user=u, kind=kind, title=title, url=url, body=body) for u in people])


def invitations(people: Iterable[User], circle: Circle) -> list[News]:
    """Return the news of a proposed place, for each of these people."""
    url = circle_url(circle)
    return [
        News(
            user=u,
            kind="circle_proposed",
            title=f"You are invited to join {circle.name}",
            url=url,
            body="See who is in it and why it suits you, then say yes or no. Saying no is fine.",
        )
        for u in people
    ]


def tell_invited(people: Iterable[User], circle: Circle) -> None:
    notify_many(invitations(people, circle))


def tell_started(circle: Circle) -> None:
    tell(
        _people(circle),
        circle,
        kind="circle_started",
        title=f"{circle.name} has started",
        body="Write and sign the circle's agreement: sessions are planned once everyone has.",
    )


def tell_others(circle: Circle, *, by: User, kind: str, title: str, body: str = "") -> None:
    """Notify everyone in the circle except the person who made the change."""
    tell(_people(circle, but=by), circle, kind=kind, title=title, body=body)

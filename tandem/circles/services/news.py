"""What the circle's people are told when it changes, in one place.

Times are written in each recipient's own zone (their membership in the program's
organization), as their pages show them. Nothing private goes out: no check-in ever, and
nothing about a person that the circle does not already see.
"""

import datetime
from collections.abc import Iterable, Sequence

from django.urls import reverse
from django.utils import dateformat

from tandem.accounts import time_zones
from tandem.accounts.models import User
from tandem.circles.models import Circle, CircleCommitment, CircleMembership, CircleSession
from tandem.notifications.services import News, notify, notify_many
from tandem.notifications.when import DATE_TIME


def circle_url(circle: Circle) -> str:
    return reverse("circles:detail", args=[circle.pk])


def _people(circle: Circle, *, but: User | None = None) -> list[User]:
    """Return the people in the circle (accepted or active), leaving out ``but``."""
    members = circle.memberships.filter(state__in=CircleMembership.IN_CIRCLE).select_related(
        "enrollment__user"
    )
    return [m.enrollment.user for m in members if but is None or m.enrollment.user_id != but.pk]


def _active(circle: Circle, *, but: Iterable[int] = ()) -> list[User]:
    """Return the circle's active members, leaving out these user ids."""
    left_out = set(but)
    members = circle.memberships.filter(state=CircleMembership.State.ACTIVE).select_related(
        "enrollment__user"
    )
    return [m.enrollment.user for m in members if m.enrollment.user_id not in left_out]


def _times(
    people: Sequence[User], circle: Circle, moments: Sequence[datetime.datetime]
) -> dict[int, list[str]]:
    """Write these moments for each person, on their own clock ("Thursday 5 March, 17:00")."""
    zones = time_zones.zones_of(
        user_ids=[u.pk for u in people], organization_id=circle.program.organization_id
    )
    written = {
        zone: [dateformat.format(moment.astimezone(zone), DATE_TIME) for moment in moments]
        for zone in set(zones.values())
    }
    return {user_id: written[zone] for user_id, zone in zones.items()}


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


def tell_sessions_planned(circle: Circle, sessions: Sequence[CircleSession], *, by: User) -> None:
    """Tell the other members which sessions were planned, each time on their own clock."""
    people = _active(circle, but=[by.pk])
    if not people or not sessions:
        return
    times = _times(people, circle, [s.starts_at for s in sessions])
    first, last = sessions[0].number, sessions[-1].number
    numbers = f"Session {first}" if first == last else f"Sessions {first} to {last}"
    url = circle_url(circle)
    notify_many(
        [
            News(
                user=person,
                kind="circle_sessions_planned",
                title=f"{numbers} of {circle.name} planned, from {times[person.pk][0]}",
                url=url,
                body="\n".join(
                    f"Session {session.number}: {when}"
                    for session, when in zip(sessions, times[person.pk], strict=True)
                ),
            )
            for person in people
        ]
    )


def tell_hot_seats(session: CircleSession, seated: Sequence[CircleMembership]) -> None:
    """Tell members newly on the hot seat of a session, and the others who is on it."""
    if not seated:
        return
    circle = session.circle
    names = " and ".join(m.enrollment.user.display_name for m in seated)
    seated_ids = {m.enrollment.user_id for m in seated}
    everyone = _active(circle)
    times = _times(everyone, circle, [session.starts_at])
    url = circle_url(circle)
    news = []
    for person in everyone:
        when = times[person.pk][0]
        if person.pk in seated_ids:
            news.append(
                News(
                    user=person,
                    kind="circle_hot_seat",
                    title=f"You are on the hot seat in {circle.name} on {when}",
                    url=url,
                    body="Bring one question; the others ask before they advise. If you "
                    "cannot make it, offer your seat or say you will be absent.",
                )
            )
        else:
            news.append(
                News(
                    user=person,
                    kind="circle_hot_seat_others",
                    title=f"{names} on the hot seat in {circle.name} on {when}",
                    url=url,
                )
            )
    notify_many(news)


def tell_seats_moved(
    session: CircleSession,
    *,
    seated: Sequence[CircleMembership],
    unseated: Sequence[CircleMembership],
) -> None:
    """Tell only the members whose seat changed: the one now on it, the one now off it.

    The others see who sits on the circle's page and in the day-before reminder.
    """
    people = [m.enrollment.user for m in (*seated, *unseated)]
    if not people:
        return
    circle = session.circle
    times = _times(people, circle, [session.starts_at])
    url = circle_url(circle)
    news = [
        News(
            user=m.enrollment.user,
            kind="circle_hot_seat",
            title=f"You are on the hot seat in {circle.name} on {times[m.enrollment.user_id][0]}",
            url=url,
            body="A member will be away, so the rotation gave you the seat. Bring one question; "
            "if you cannot make it, offer your seat or say you will be absent.",
        )
        for m in seated
    ]
    news += [
        News(
            user=m.enrollment.user,
            kind="circle_hot_seat_off",
            title="You are no longer on the hot seat in "
            f"{circle.name} on {times[m.enrollment.user_id][0]}",
            url=url,
            body="The member who was going to be away will be there after all. You keep your "
            "turn for a later session.",
        )
        for m in unseated
    ]
    notify_many(news)


def tell_swap_offered(
    session: CircleSession, *, giver: CircleMembership, taker: CircleMembership | None
) -> None:
    """Tell the member offered a hot seat, or every member who may take an open offer."""
    circle = session.circle
    if taker is not None:
        people = [taker.enrollment.user]
    else:
        away = set(
            session.absences.values_list("membership__enrollment__user_id", flat=True)
        ) | set(session.hot_seats.values_list("membership__enrollment__user_id", flat=True))
        people = _active(circle, but=away)
    times = _times(people, circle, [session.starts_at])
    name = giver.enrollment.user.display_name
    url = circle_url(circle)
    notify_many(
        [
            News(
                user=person,
                kind="circle_swap_offered",
                title=f"{name} offers you the hot seat in {circle.name} on {times[person.pk][0]}"
                if taker is not None
                else f"{name} offers their hot seat in {circle.name} on {times[person.pk][0]}",
                url=url,
                body="Take it if you have something to bring; declining is fine."
                if taker is not None
                else "Anyone who has not had the seat this round may take it.",
            )
            for person in people
        ]
    )


def tell_swap_answered(
    session: CircleSession, *, giver: CircleMembership, by: CircleMembership, accepted: bool
) -> None:
    """Tell the member who offered a hot seat that it was taken, or declined."""
    circle = session.circle
    person = giver.enrollment.user
    when = _times([person], circle, [session.starts_at])[person.pk][0]
    name = by.enrollment.user.display_name
    if accepted:
        title = f"{name} took your hot seat in {circle.name} on {when}"
        body = "You keep your turn for a later session."
    else:
        title = f"{name} declined your hot seat in {circle.name} on {when}"
        body = "The seat is still yours: offer it to someone else, or keep it."
    kind = "circle_swap_accepted" if accepted else "circle_swap_declined"
    notify(user=person, kind=kind, title=title, url=circle_url(circle), body=body)


def tell_absence(session: CircleSession, *, absent: CircleMembership, note: str) -> None:
    """Tell the other members that someone will miss a session, with their word if any."""
    circle = session.circle
    people = _active(circle, but=[absent.enrollment.user_id])
    times = _times(people, circle, [session.starts_at])
    name = absent.enrollment.user.display_name
    url = circle_url(circle)
    notify_many(
        [
            News(
                user=person,
                kind="circle_absence",
                title=f"{name} will miss {circle.name} on {times[person.pk][0]}",
                url=url,
                body=note,
            )
            for person in people
        ]
    )


def remind_session(session: CircleSession, commitments: Sequence[CircleCommitment]) -> None:
    """Remind the members of tomorrow's session, and each of what they follow up there.

    Keyed by the session and its time, so that a reminder sent twice arrives once.
    """
    circle = session.circle
    people = _active(circle)
    times = _times(people, circle, [session.starts_at])
    seated = {
        seat.membership.enrollment.user_id: seat
        for seat in session.hot_seats.select_related("membership__enrollment__user")
    }
    seat_names = " and ".join(s.membership.enrollment.user.display_name for s in seated.values())
    due: dict[int, list[str]] = {}
    for commitment in commitments:
        due.setdefault(commitment.membership.enrollment.user_id, []).append(commitment.text)
    url = circle_url(circle)
    key = f"circle-session-{session.pk}-{session.starts_at:%Y%m%d%H%M}"
    for person in people:
        when = times[person.pk][0]
        if person.pk in seated:
            seat_line = "You are on the hot seat: bring the question you want help with."
        elif seat_names:
            seat_line = f"On the hot seat: {seat_names}."
        else:
            seat_line = ""
        notify(
            user=person,
            kind="circle_session_reminder",
            title=f"{circle.name} meets on {when}",
            url=url,
            body=seat_line,
            dedupe_key=key,
        )
        mine = due.get(person.pk)
        if mine:
            notify(
                user=person,
                kind="circle_commitments_due",
                title=f"To follow up in {circle.name} on {when}",
                url=url,
                body="\n".join(f"- {text}" for text in mine),
                dedupe_key=f"{key}-commitments",
            )

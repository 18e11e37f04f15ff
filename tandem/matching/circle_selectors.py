"""Reads for a circles round's review: a page of circles with their people, and a search."""

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from tandem.core.errors import NotFound
from tandem.matching.engine.circle_explain import DAYS
from tandem.matching.loading import zone_offset
from tandem.matching.models import MatchingRound, RoundCircle, RoundCircleMember
from tandem.matching.selectors import LOW_FIT, review_query
from tandem.programs.models import Enrollment

CIRCLES_PAGE_SIZE = 20
# Members this many hours apart or more meet early or late for someone: worth a look.
WIDE_ZONES_HOURS = 7
PEOPLE_SEARCH_LIMIT = 10
CIRCLE_SORTS = {
    "fit": ("-fit", "pk"),
    "fit_low": ("fit", "pk"),
    "name": ("name", "pk"),
}


def _moved(matching_round: MatchingRound) -> Q:
    pinned = RoundCircleMember.objects.filter(round=matching_round, pinned=True)
    return Q(pk__in=pinned.values("circle"))


CIRCLE_FLAGS = {
    "low": lambda r: Q(fit__lt=LOW_FIT),
    "locked": lambda r: Q(locked=True),
    "no_time": lambda r: Q(common_hours=[]),
    "moved": _moved,
}


@dataclass(frozen=True)
class CircleFilters:
    """What part of a circles round's review an admin looks at, as the query string says."""

    show: str = "circles"
    sort: str = "fit"
    flag: str = ""
    q: str = ""

    def query(self, **more: Any) -> str:
        """Return the query string that shows this view again, defaults left out."""
        return review_query(
            {
                "show": "" if self.show == "circles" else self.show,
                "sort": "" if self.sort == "fit" else self.sort,
                "flag": self.flag,
                "q": self.q,
                **more,
            }
        )


@dataclass(frozen=True)
class Seat:
    """Someone in a proposed circle, as the review shows them."""

    enrollment_id: int
    name: str
    department: str
    time_zone: str
    # The circle's meeting time in their own time zone ("Tuesday 18:00"), or "".
    local_time: str
    reasons: list[dict[str, str]]
    pinned: bool


@dataclass(frozen=True)
class CircleCard:
    circle: RoundCircle
    seats: list[Seat]
    # The first hour that suits everyone, in UTC ("Tuesday 17:00 UTC"), or "".
    meeting: str
    flags: list[str]


@dataclass(frozen=True)
class CircleReview:
    circles: Page
    unplaced_count: int


def round_circles(
    *, matching_round: MatchingRound, filters: CircleFilters
) -> QuerySet[RoundCircle]:
    """Return a round's circles that pass the filters, in the order asked for."""
    circles = matching_round.circles.all()
    if filters.flag in CIRCLE_FLAGS:
        circles = circles.filter(CIRCLE_FLAGS[filters.flag](matching_round))
    if filters.q:
        named = RoundCircleMember.objects.filter(
            round=matching_round, enrollment__user__full_name__icontains=filters.q
        )
        circles = circles.filter(Q(pk__in=named.values("circle")) | Q(name__icontains=filters.q))
    return circles.order_by(*CIRCLE_SORTS.get(filters.sort, CIRCLE_SORTS["fit"]))


def local_hour(hour: int, utc_offset: float) -> str:
    """Name an hour of the week in UTC as the weekday and time somewhere ``utc_offset`` away."""
    minutes = (hour * 60 + round(utc_offset * 60)) % (7 * 24 * 60)
    return f"{DAYS[minutes // 1440]} {minutes % 1440 // 60:02d}:{minutes % 60:02d}"


def _card(
    circle: RoundCircle, rows: list[RoundCircleMember], offsets: dict[str, float]
) -> CircleCard:
    hour = min(circle.common_hours) if circle.common_hours else None
    seats = []
    for row in rows:
        membership = row.enrollment.membership
        zone = membership.time_zone if membership else "UTC"
        seats.append(
            Seat(
                enrollment_id=row.enrollment_id,
                name=row.enrollment.user.full_name,
                department=membership.department.name
                if membership and membership.department
                else "",
                time_zone=zone,
                local_time="" if hour is None else local_hour(hour, offsets[zone]),
                reasons=row.reasons or [],
                pinned=row.pinned,
            )
        )
    flags = []
    if circle.fit < LOW_FIT:
        flags.append("Low fit")
    if hour is None:
        flags.append("No hour suits everyone")
    spread = [offsets[s.time_zone] for s in seats]
    if spread and max(spread) - min(spread) >= WIDE_ZONES_HOURS:
        flags.append(f"Time zones {max(spread) - min(spread):g} hours apart")
    if any(s.pinned for s in seats):
        flags.append("Changed by admins")
    meeting = "" if hour is None else f"{local_hour(hour, 0.0)} UTC"
    return CircleCard(circle=circle, seats=seats, meeting=meeting, flags=flags)


def circle_review(
    *, matching_round: MatchingRound, filters: CircleFilters, page: str | None
) -> CircleReview:
    """Return one page of a round's circles, each with its people, meeting time and flags."""
    # Page through the circles' ids alone, then read the page's circles and their people.
    ids = round_circles(matching_round=matching_round, filters=filters).values_list("pk", flat=True)
    shown = Paginator(ids, CIRCLES_PAGE_SIZE).get_page(page)
    on_page = list(shown.object_list)
    circles = RoundCircle.objects.in_bulk(on_page)
    rows: dict[int, list[RoundCircleMember]] = {}
    members = (
        RoundCircleMember.objects.filter(circle_id__in=on_page)
        .select_related("enrollment__user", "enrollment__membership__department")
        .only(
            "circle_id",
            "enrollment_id",
            "reasons",
            "pinned",
            "enrollment__user__full_name",
            "enrollment__membership__time_zone",
            "enrollment__membership__department__name",
        )
        .order_by("enrollment__user__full_name", "pk")
    )
    for row in members:
        rows.setdefault(row.circle_id, []).append(row)
    now = timezone.now()
    zones = {
        (row.enrollment.membership.time_zone if row.enrollment.membership else "UTC")
        for group in rows.values()
        for row in group
    }
    offsets = {zone: zone_offset(zone, now) for zone in zones}
    cards = [_card(circles[pk], rows.get(pk, []), offsets) for pk in on_page if pk in circles]
    shown.object_list = cards  # type: ignore[assignment]
    return CircleReview(
        circles=shown, unplaced_count=len((matching_round.report or {}).get("unplaced", []))
    )


@dataclass(frozen=True)
class Found:
    """Someone in the round named like the search, and the circle they are in now."""

    enrollment: Enrollment
    circle: str


def round_people_named(
    *, matching_round: MatchingRound, q: str, circle: RoundCircle
) -> list[Found]:
    """Return up to ten people of the round named like ``q`` who are not in ``circle``.

    Both those in other circles and those the round left out; the move asks the policy.
    """
    placed = (
        RoundCircleMember.objects.filter(
            round=matching_round, enrollment__user__full_name__icontains=q
        )
        .exclude(circle=circle)
        .select_related("enrollment__user", "circle")
        .order_by("enrollment__user__full_name", "pk")[:PEOPLE_SEARCH_LIMIT]
    )
    found = [Found(row.enrollment, row.circle.name) for row in placed]
    unplaced = [u["member"] for u in (matching_round.report or {}).get("unplaced", [])]
    if unplaced and len(found) < PEOPLE_SEARCH_LIMIT:
        left_out = (
            Enrollment.objects.filter(
                program=matching_round.program_id, pk__in=unplaced, user__full_name__icontains=q
            )
            .select_related("user")
            .order_by("user__full_name", "pk")[: PEOPLE_SEARCH_LIMIT - len(found)]
        )
        found += [Found(enrollment, "") for enrollment in left_out]
    return found


def round_circle(*, matching_round: MatchingRound, circle_id: int) -> RoundCircle:
    """Return one circle of the round; otherwise raise NotFound."""
    circle = matching_round.circles.filter(pk=circle_id).first()
    if circle is None:
        raise NotFound("No such circle in this round.")
    return circle

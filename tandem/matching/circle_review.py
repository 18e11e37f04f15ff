"""Review a circles round: move people between proposed circles, lock circles, publish."""

import datetime

from django.db import transaction

from tandem.circles.models import Circle
from tandem.circles.services import ProposedGroup, ProposedMember, circles_propose
from tandem.core.errors import DomainError
from tandem.matching.circle_rounds import PLACED_BY_ADMINS, circles_explained
from tandem.matching.models import MatchingRound, RoundCircle, RoundCircleMember
from tandem.policy.eligibility import circle_check, lock_people
from tandem.programs.models import Enrollment


def _ready_round(matching_round: MatchingRound) -> MatchingRound:
    matching_round = (
        MatchingRound.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=matching_round.pk)
    )
    if matching_round.status != MatchingRound.Status.READY:
        raise DomainError("Circles can be changed while the round is ready for review.")
    return matching_round


def _circle_in(matching_round: MatchingRound, circle_id: int) -> RoundCircle:
    circle = RoundCircle.objects.filter(round=matching_round, pk=circle_id).first()
    if circle is None:
        raise DomainError("That circle is not in this round.", field="circle")
    return circle


def _enrollments_in(circle: RoundCircle) -> list[Enrollment]:
    return [m.enrollment for m in circle.members.select_related("enrollment")]


def _check_circle(
    matching_round: MatchingRound, members: list[Enrollment], newcomers: list[Enrollment]
) -> None:
    """Ask the circle policy whether the newcomers may join these members, all locked."""
    people = lock_people([*members, *newcomers])
    circle_check(
        program=matching_round.program,
        members=[people[m.pk] for m in members],
        newcomers=[people[n.pk] for n in newcomers],
        field="circle",
    )


@transaction.atomic
def round_circle_move(
    *, matching_round: MatchingRound, enrollment: Enrollment, circle_id: int
) -> RoundCircleMember:
    """Put someone in another proposed circle, or place someone the round left out.

    The circle policy is asked of the person with everyone already in the circle; the
    person stays there (pinned) when the round runs again.
    """
    matching_round = _ready_round(matching_round)
    program = matching_round.program
    if enrollment.program_id != program.pk:
        raise DomainError(f"Choose someone in {program.name}.", field="enrollment")
    target = _circle_in(matching_round, circle_id)
    if target.locked:
        raise DomainError(f"{target.name} is locked; unlock it to change who is in it.")
    row = (
        RoundCircleMember.objects.filter(round=matching_round, enrollment=enrollment)
        .select_related("circle")
        .first()
    )
    if row is None:
        unplaced = {u["member"] for u in matching_round.report.get("unplaced", [])}
        if enrollment.pk not in unplaced:
            raise DomainError("That person is not in this round.", field="enrollment")
    else:
        if row.circle_id == target.pk:
            raise DomainError(f"They are already in {target.name}.", field="circle")
        source = row.circle
        if source.locked:
            raise DomainError(f"{source.name} is locked; unlock it to change who is in it.")
        left = source.members.count() - 1
        if left < program.circle_min_size:
            raise DomainError(
                f"{source.name} would be left with {left} people; a circle in {program.name} "
                f"needs at least {program.circle_min_size}.",
                field="circle",
            )
    _check_circle(matching_round, _enrollments_in(target), [enrollment])
    if row is None:
        report = dict(matching_round.report)
        report["unplaced"] = [u for u in report["unplaced"] if u["member"] != enrollment.pk]
        matching_round.report = report
        matching_round.save(update_fields=["report", "updated_at"])
        row = RoundCircleMember.objects.create(
            round=matching_round, circle=target, enrollment=enrollment, pinned=True
        )
        _explain_again(matching_round, [target], moved=enrollment.pk)
    else:
        row.circle = target
        row.pinned = True
        row.save(update_fields=["circle", "pinned"])
        _explain_again(matching_round, [source, target], moved=enrollment.pk)
    row.refresh_from_db()
    return row


def _explain_again(matching_round: MatchingRound, circles: list[RoundCircle], moved: int) -> None:
    """Score the circles a move changed and explain them again to everyone in them."""
    rows: dict[int, list[RoundCircleMember]] = {}
    for row in RoundCircleMember.objects.filter(circle__in=circles).order_by("enrollment_id"):
        rows.setdefault(row.circle_id, []).append(row)
    explained = circles_explained(
        matching_round.program,
        [[row.enrollment_id for row in rows[c.pk]] for c in circles],
        mix=int(matching_round.report.get("mix_target", 1)),
    )
    changed = []
    for circle, (fit, common, reasons) in zip(circles, explained, strict=True):
        circle.fit = fit
        circle.common_hours = list(common)
        circle.save(update_fields=["fit", "common_hours"])
        for row in rows[circle.pk]:
            row.reasons = reasons[row.enrollment_id]
            # Everyone an admin placed here says so first, not only the one just moved.
            if row.enrollment_id == moved or row.pinned:
                row.reasons = [PLACED_BY_ADMINS, *row.reasons]
            changed.append(row)
    RoundCircleMember.objects.bulk_update(changed, ["reasons"])


@transaction.atomic
def round_circle_lock(
    *, matching_round: MatchingRound, circle_id: int, locked: bool
) -> RoundCircle:
    """Keep a circle exactly as it is when the round runs again, or release it."""
    matching_round = _ready_round(matching_round)
    circle = _circle_in(matching_round, circle_id)
    if locked:
        # A locked circle is kept whatever the engine finds, so it must still be allowed.
        _check_circle(matching_round, [], _enrollments_in(circle))
        size = circle.members.count()
        program = matching_round.program
        if size < program.circle_min_size:
            raise DomainError(
                f"{circle.name} has {size} people; a circle in {program.name} needs at least "
                f"{program.circle_min_size}."
            )
    circle.locked = locked
    circle.save(update_fields=["locked"])
    return circle


def _rhythm(common_hours: list[int]) -> dict[str, object]:
    """Suggest the first hour that suits everyone as the circle's meeting time, in UTC."""
    if not common_hours:
        return {}
    hour = min(common_hours)
    return {"weekday": hour // 24, "local_time": datetime.time(hour % 24), "time_zone": "UTC"}


def round_circles_publish(*, matching_round: MatchingRound) -> list[Circle]:
    """Propose every circle of a locked, ready round to its members (in its transaction).

    The admin who set the round up approves the circles; the circle policy is asked again
    for everyone by ``circles_propose``, all or nothing.
    """
    circles = list(matching_round.circles.order_by("pk"))
    if not circles:
        raise DomainError("This round has no circles to publish.")
    if matching_round.created_by is None:
        raise DomainError("The admin who set up this round has left; set up a new round.")
    members: dict[int, list[RoundCircleMember]] = {}
    rows = RoundCircleMember.objects.filter(round=matching_round).select_related("enrollment")
    for row in rows.order_by("pk"):
        members.setdefault(row.circle_id, []).append(row)
    groups = [
        ProposedGroup(
            name=circle.name,
            members=[ProposedMember(m.enrollment, m.reasons) for m in members.get(circle.pk, [])],
            fit=circle.fit,
            rhythm=_rhythm(circle.common_hours),
        )
        for circle in circles
    ]
    return circles_propose(
        program=matching_round.program, groups=groups, by=matching_round.created_by
    )

"""Who may take a place in a circle: the pairing rules, asked of every two people in it.

Every path that puts someone in a circle asks ``circle_refusal`` inside its write
transaction, after locking the people it counts (``lock_people``): a round's proposal, a
member's answer, a join request and its approval, and a replacement an admin adds. The
rules are the pairs' own: the program's audience and readiness (``_ready``), the reporting
line at any depth, "do not match" and an earlier "not a fit" (``_apart``), read from the
same tables by the same code; a place in a circle is counted by ``circles_held``.
"""

from collections import Counter
from collections.abc import Sequence

from tandem.circles.models import Circle
from tandem.policy.access import users_admitted_to
from tandem.policy.eligibility.pairs import _apart
from tandem.policy.eligibility.places import circles_held
from tandem.policy.eligibility.rounds import people_kept_apart
from tandem.policy.eligibility.rules import Refusal, _name, _ready, _who
from tandem.programs.models import Enrollment, Program

# The pair rules that hold between every two people of a circle, in the order asked; a
# round's grouping engine gets the same pairs from ``circle_round_apart``.
_APART_RULES = ("self", "reporting_line", "not_a_fit", "do_not_match")


def _apart_message(code: str, one: Enrollment, other: str, reader: int | None = None) -> str:
    if code == "self":
        return f"{_who(one, reader, 'is')} already in this circle."
    if code == "reporting_line":
        return (
            f"{_who(one, reader, 'and')} {other} are in one reporting line, and nobody shares a "
            "circle with their own manager or with someone who reports to them."
        )
    # The same words for both: an admin of one program reads this too, and must not learn
    # how a relationship in another program ended.
    return f"{_who(one, reader, 'and')} {other} are not to be matched with each other."


def _program_refusal(program: Program, size: int) -> Refusal | None:
    if program.status != Program.Status.ACTIVE:
        return Refusal("program_closed", f"{program.name} is not running at the moment.")
    if program.format != Program.Format.CIRCLES:
        return Refusal("not_circles", f"{program.name} does not run circles.")
    if size > program.circle_max_size:
        return Refusal(
            "circle_full",
            f"A circle in {program.name} holds at most {program.circle_max_size} people.",
        )
    return None


def _person_refusals(
    program: Program,
    newcomers: Sequence[Enrollment],
    circle: Circle | None,
    taking: Counter[int] | None = None,
    reader: int | None = None,
) -> dict[int, Refusal]:
    """Return, by enrollment, why each refused newcomer may not take a place in the program now.

    ``taking`` counts the places each takes now (one, unless a round proposes several).
    Three queries, however many newcomers.
    """
    refusals: dict[int, Refusal] = {}
    for newcomer in newcomers:
        if newcomer.program_id != program.pk:
            refusals[newcomer.pk] = Refusal(
                "other_program", f"{_who(newcomer, reader, 'is')} not in {program.name}."
            )
    users = [n.user_id for n in newcomers]
    admitted = set(users_admitted_to(program).filter(pk__in=users).values_list("pk", flat=True))
    ids = [n.pk for n in newcomers]
    ready = set(Enrollment.objects.filter(_ready(program), pk__in=ids).values_list("pk", flat=True))
    held = circles_held(ids, ignore_circle=circle.pk if circle is not None else None)
    for newcomer in newcomers:
        if newcomer.pk in refusals:
            continue
        if newcomer.user_id not in admitted:
            refusals[newcomer.pk] = Refusal(
                "audience", f"{_who(newcomer, reader, 'cannot')} take part in {program.name} now."
            )
        elif newcomer.pk not in ready:
            refusals[newcomer.pk] = Refusal(
                "not_ready",
                f"{_who(newcomer, reader, 'needs')} an active place and a finished profile in "
                "this program before joining a circle.",
            )
        elif held[newcomer.pk] + (taking[newcomer.pk] if taking else 1) > (
            program.circles_per_member
        ):
            refusals[newcomer.pk] = Refusal(
                "full",
                f"{_who(newcomer, reader, 'is')} already in as many circles as this program "
                f"allows ({program.circles_per_member}).",
            )
    return refusals


def _person_refusal(
    program: Program,
    newcomers: Sequence[Enrollment],
    circle: Circle | None,
    taking: Counter[int] | None = None,
    reader: int | None = None,
) -> Refusal | None:
    """Return why the first refused newcomer may not take a place in the program now."""
    refusals = _person_refusals(program, newcomers, circle, taking, reader)
    return next((refusals[n.pk] for n in newcomers if n.pk in refusals), None)


def circle_place_refusal(enrollment: Enrollment, *, reader: int | None = None) -> Refusal | None:
    """Return why this person may take no other place in a circle of their program, or None.

    What ``circle_refusal`` asks of every newcomer before the people of one circle: the
    program runs circles, the person takes part and has a circle place left. Pages ask it
    before they offer to join or form a circle.
    """
    program = enrollment.program
    return _program_refusal(program, 1) or _person_refusal(
        program, [enrollment], None, reader=reader
    )


def circle_place_takers(program: Program, enrollments: Sequence[Enrollment]) -> list[Enrollment]:
    """Return, in the order given, those ``circle_place_refusal`` lets take a place."""
    if _program_refusal(program, 1) is not None:
        return []
    refusals = _person_refusals(program, enrollments, None)
    return [e for e in enrollments if e.pk not in refusals]


def circle_refusal(
    *,
    program: Program,
    members: Sequence[Enrollment],
    newcomers: Sequence[Enrollment],
    circle: Circle | None = None,
    name_members: bool = True,
    reader: int | None = None,
) -> Refusal | None:
    """Return why these newcomers may not share a circle with these members, or None.

    ``members`` are the people who hold a place in the circle already (for a new circle,
    none); ``newcomers`` the people taking one now. A newcomer whose place in ``circle`` is
    being confirmed (an answer, an approval) is a newcomer, not a member: that place is not
    counted against their limit. With ``name_members`` False the message says "someone in
    this circle" rather than who: for a person who is not in it and may not see who is.
    ``reader`` is the user who reads the refusal: it says "You" when it names them.
    """
    refusal = _program_refusal(program, len(members) + len(newcomers))
    if refusal is not None:
        return refusal
    seen: set[int] = set()
    for newcomer in newcomers:
        if newcomer.pk in seen:
            return Refusal("self", f"{_name(newcomer)} is named twice.")
        seen.add(newcomer.pk)
    refusal = _person_refusal(program, newcomers, circle, reader=reader)
    if refusal is not None:
        return refusal
    # Each newcomer with every member and with each newcomer after them: every two people
    # who would share the circle and have not been asked about before.
    pairs = [
        (newcomer, other, None)
        for index, newcomer in enumerate(newcomers)
        for other in [*members, *newcomers[index + 1 :]]
    ]
    return _apart_refusal(program, pairs, {m.pk for m in members}, name_members, reader)


def _apart_refusal(
    program: Program,
    pairs: list[tuple[Enrollment, Enrollment, None]],
    member_ids: set[int],
    name_members: bool,
    reader: int | None = None,
) -> Refusal | None:
    """Return why two people of these pairs may not share a circle, or None."""
    if not pairs:
        return None
    apart = _apart(program, pairs, None)
    for newcomer, other, _ in pairs:
        for code in _APART_RULES:
            if not apart.passes(code, newcomer, other):
                hidden = not name_members and other.pk in member_ids
                named = "someone in this circle" if hidden else _name(other)
                return Refusal(code, _apart_message(code, newcomer, named, reader))
    return None


def circles_refusal(*, program: Program, circles: Sequence[Sequence[Enrollment]]) -> Refusal | None:
    """Return why these new circles may not all be formed, or None.

    ``circle_refusal`` for each circle of newcomers, asked for all of them at once (a
    round's thousands in a few queries): each person's places count every circle here.
    """
    everyone: dict[int, Enrollment] = {}
    taking: Counter[int] = Counter()
    for members in circles:
        refusal = _program_refusal(program, len(members))
        if refusal is not None:
            return refusal
        seen: set[int] = set()
        for member in members:
            if member.pk in seen:
                return Refusal("self", f"{_name(member)} is named twice.")
            seen.add(member.pk)
            everyone[member.pk] = member
            taking[member.pk] += 1
    refusal = _person_refusal(program, list(everyone.values()), None, taking)
    if refusal is not None:
        return refusal
    pairs: list[tuple[Enrollment, Enrollment, None]] = [
        (member, other, None)
        for members in circles
        for index, member in enumerate(members)
        for other in members[index + 1 :]
    ]
    return _apart_refusal(program, pairs, set(), True)


def circles_check(*, program: Program, circles: Sequence[Sequence[Enrollment]]) -> None:
    """Raise DomainError with the reason when these new circles may not all be formed."""
    refusal = circles_refusal(program=program, circles=circles)
    if refusal is not None:
        refusal.raise_error()


def circle_check(
    *,
    program: Program,
    members: Sequence[Enrollment],
    newcomers: Sequence[Enrollment],
    circle: Circle | None = None,
    name_members: bool = True,
    field: str | None = None,
    reader: int | None = None,
) -> None:
    """Raise DomainError with the reason when these newcomers may not join these members."""
    refusal = circle_refusal(
        program=program,
        members=members,
        newcomers=newcomers,
        circle=circle,
        name_members=name_members,
        reader=reader,
    )
    if refusal is not None:
        refusal.raise_error(field=field)


def circle_round_people(program: Program) -> list[int]:
    """Return, in id order, the enrollments a circles round may place now.

    The same conditions ``circle_refusal`` asks of one newcomer (audience, an active place
    and a finished profile, a circle place left), read for the whole program at once.
    """
    if _program_refusal(program, 0) is not None:
        return []
    ready = list(
        Enrollment.objects.filter(_ready(program)).order_by("pk").values_list("pk", flat=True)
    )
    held = circles_held(ready)
    return [pk for pk in ready if held[pk] < program.circles_per_member]


def circle_round_apart(program: Program, keys: Sequence[int]) -> set[tuple[int, int]]:
    """Return the pairs of these enrollments (smaller id first) no circle may hold together.

    The circle rules ``_apart`` asks of two people, beyond the reporting lines the grouping
    engine walks itself from ``managers_of``: an earlier "not a fit", "do not match", and a
    reporting line through another organization than the one someone joined through.
    """
    wanted = set(keys)
    enrollment_of = dict(Enrollment.objects.filter(program=program).values_list("user_id", "pk"))
    return {
        (a, b)
        for a, b in people_kept_apart(program, enrollment_of)
        if a < b and a in wanted and b in wanted
    }

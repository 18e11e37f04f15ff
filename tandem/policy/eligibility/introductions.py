"""Who may ask whom for a warm introduction, and whom an introducer may suggest.

Asking a colleague is not a pair: it takes no place. What holds between the asker and the
colleague is the program's audience and readiness (``_ready``), an explicit "do not match"
between the two (either way round, read as for any pair, and never named to the asker),
and the boundary the two wrote in an agreement: while an open relationship between them
has, in force, an agreement that does not say "happy to make introductions now", the asker
cannot ask that colleague. The agreement in force is the latest signed version, or the
draft while none is signed yet (its default is "maybe later"). The rule holds whichever of
the two mentors the other: the boundary is about the pair.

Between the asker and the person suggested hold the rules that keep two people apart
anywhere in Tandem, read by the same code as interviews: the reporting line at any depth,
"do not match" and an earlier "not a fit" (``_apart`` and the Q forms). The introducer
never reads why a person cannot be suggested beyond the reporting line, which the
organization chart shows anyway: how an earlier relationship ended stays with its people.
"""

from django.db.models import Q, QuerySet

from tandem.policy.eligibility.lines import reporting_line_sql
from tandem.policy.eligibility.pairs import _apart
from tandem.policy.eligibility.places import HOLDS_PLACE
from tandem.policy.eligibility.rules import (
    Refusal,
    _do_not_match_with,
    _name,
    _not_a_fit_with,
    _ready,
    _two_in_program,
)
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Agreement, Relationship

# The pair rules asked between the asker and a person suggested, in order.
_APART_RULES = ("reporting_line", "not_a_fit", "do_not_match")


def introductions_not_yet_with(user_id: int) -> set[int]:
    """Return the people whose agreement with this person says "no introductions yet"."""
    open_pairs = Relationship.objects.filter(
        Q(mentee__user_id=user_id) | Q(mentor__user_id=user_id), status__in=HOLDS_PLACE
    )
    in_force: dict[int, Agreement] = {}
    agreements = (
        Agreement.objects.filter(relationship__in=open_pairs)
        .select_related("relationship__mentor", "relationship__mentee")
        .order_by("relationship_id", "-version")
    )
    for agreement in agreements:
        held = in_force.get(agreement.relationship_id)
        # The latest signed version is in force; before any is signed, the latest draft.
        if held is None or (not held.is_signed and agreement.is_signed):
            in_force[agreement.relationship_id] = agreement
    blocked: set[int] = set()
    for agreement in in_force.values():
        if agreement.introductions != Agreement.Introductions.NOW:
            pair = agreement.relationship
            blocked |= {pair.mentor.user_id, pair.mentee.user_id} - {user_id}
    return blocked


def introduction_refusal(*, asker: Enrollment, introducer: Enrollment) -> Refusal | None:
    """Return why this person may not ask this colleague for an introduction now, or None."""
    program = asker.program
    refusal, introducer_ready = _two_in_program(
        asker, introducer, alone="Ask a colleague: nobody can introduce you to yourself."
    )
    if refusal is not None:
        return refusal
    if not introducer_ready:
        return Refusal(
            "introducer_not_ready", f"{_name(introducer)} is not taking part here at the moment."
        )
    if not _apart(program, [(asker, introducer, None)], None).passes(
        "do_not_match", asker, introducer
    ):
        return Refusal(
            "do_not_match", f"{_name(introducer)} cannot be asked for an introduction here."
        )
    if introducer.user_id in introductions_not_yet_with(asker.user_id):
        return Refusal(
            "no_introductions_yet",
            f"Your agreement with {_name(introducer)} says no introductions yet. You can ask "
            "once the agreement changes.",
        )
    return None


def introduction_check(
    *, asker: Enrollment, introducer: Enrollment, field: str | None = None
) -> None:
    """Raise DomainError with the reason when this person may not ask this colleague now."""
    refusal = introduction_refusal(asker=asker, introducer=introducer)
    if refusal is not None:
        refusal.raise_error(field=field)


def introducers_for(asker: Enrollment) -> QuerySet[Enrollment]:
    """Return the colleagues this person may ask for an introduction: the rules as filters."""
    program = asker.program
    if program.status != Program.Status.ACTIVE:
        return Enrollment.objects.none()
    return Enrollment.objects.filter(
        _ready(program),
        ~Q(user_id=asker.user_id),
        ~_do_not_match_with(asker),
        ~Q(user_id__in=introductions_not_yet_with(asker.user_id)),
    )


def suggestion_refusal(
    *, asker: Enrollment, introducer: Enrollment, person: Enrollment
) -> Refusal | None:
    """Return why this person may not be suggested to this asker now, or None."""
    program = asker.program
    cannot = Refusal("cannot", f"{_name(person)} cannot be suggested for this introduction.")
    if person.program_id != program.pk or person.user_id in (asker.user_id, introducer.user_id):
        return cannot
    if not Enrollment.objects.filter(_ready(program), pk=person.pk).exists():
        return Refusal("not_ready", f"{_name(person)} is not taking part here at the moment.")
    apart = _apart(program, [(asker, person, None)], None)
    for code in _APART_RULES:
        if not apart.passes(code, asker, person):
            if code == "reporting_line":
                return Refusal(
                    code,
                    f"{_name(person)} is in {_name(asker)}'s reporting line; introductions are "
                    "to people outside it.",
                )
            return Refusal(code, cannot.message)
    return None


def suggestion_check(
    *, asker: Enrollment, introducer: Enrollment, person: Enrollment, field: str | None = None
) -> None:
    """Raise DomainError with the reason when this person may not be suggested now."""
    refusal = suggestion_refusal(asker=asker, introducer=introducer, person=person)
    if refusal is not None:
        refusal.raise_error(field=field)


def suggestables_for(*, asker: Enrollment, introducer: Enrollment) -> QuerySet[Enrollment]:
    """Return the people an introducer may suggest to this asker: the same rules, as filters."""
    program = asker.program
    if program.status != Program.Status.ACTIVE:
        return Enrollment.objects.none()
    return Enrollment.objects.filter(
        _ready(program),
        ~Q(user_id__in=[asker.user_id, introducer.user_id]),
        ~Q(user_id__in=reporting_line_sql(asker.user_id)),
        ~_not_a_fit_with(asker),
        ~_do_not_match_with(asker),
    )

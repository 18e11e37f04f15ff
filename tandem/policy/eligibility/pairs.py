"""Pairs checked against every rule, one at a time or a round's thousands at once."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from tandem.policy.eligibility.lines import _lines_between
from tandem.policy.eligibility.places import HOLDS_PLACE, giver_limit, with_places
from tandem.policy.eligibility.rules import (
    Refusal,
    _chunks,
    _giver_rules,
    _name,
    _Rule,
    _seeker_refusal_in,
    _Standing,
    _standing,
    organization_family,
)
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import MatchExclusion, Proposal, Relationship


def pair_refusal(
    *,
    seeker: Enrollment,
    giver: Enrollment,
    focus: Topic | None = None,
    require_accepting: bool = True,
    ignore_proposal: int | None = None,
    reader: int | None = None,
) -> Refusal | None:
    """Return why these two may not be paired now, or None when they may.

    ``seeker`` is the mentee (or the first peer), ``giver`` the mentor (or the other peer).
    ``require_accepting`` is False when the giver is the one saying yes: their answer is
    their consent. ``ignore_proposal`` is the proposal being accepted, whose places are
    about to become the relationship's. ``reader`` is the user who reads the refusal: it
    says "You" when it names them.
    """
    return pairs_refusals(
        [(seeker, giver, focus)],
        require_accepting=require_accepting,
        ignore_proposal=ignore_proposal,
        reader=reader,
    )[0]


# Up to this many people, rows are read by person rather than for the whole program.
_FEW = 200


@dataclass(frozen=True)
class _Apart:
    """The pairs the seeker-dependent giver rules keep apart, among the pairs asked about."""

    # (seeker user, giver user) pairs in one reporting line.
    lines: set[tuple[int, int]]
    # {user, user} pairs that ended as "not a fit" or are kept apart by "do not match".
    not_a_fit: set[frozenset[int]]
    do_not_match: set[frozenset[int]]
    # {enrollment, enrollment} pairs in an open relationship or a waiting proposal.
    together: set[frozenset[int]]

    def passes(self, code: str, seeker: Enrollment, giver: Enrollment) -> bool:
        users = frozenset((seeker.user_id, giver.user_id))
        if code == "self":
            return seeker.user_id != giver.user_id
        if code == "reporting_line":
            return (seeker.user_id, giver.user_id) not in self.lines
        if code == "not_a_fit":
            return users not in self.not_a_fit
        if code == "do_not_match":
            return users not in self.do_not_match
        if code == "together":
            return frozenset((seeker.pk, giver.pk)) not in self.together
        raise ValueError(f"No pair rule {code}.")


def _apart(
    program: Program,
    pairs: Sequence[tuple[Enrollment, Enrollment, Topic | None]],
    ignore_proposal: int | None,
) -> _Apart:
    """Read, for these pairs, what the rules below _giver_rules' "self" to "together" read.

    The same tables and conditions as the rules' Q forms, which list the givers of one
    seeker (the directory); here for many pairs at once.
    """
    user_pairs = {(seeker.user_id, giver.user_id) for seeker, giver, _ in pairs}
    users = {user for pair in user_pairs for user in pair}
    enrollments = {e.pk for seeker, giver, _ in pairs for e in (seeker, giver)}
    # For a few people, read their rows; for a round, read the program's (or the
    # organizations') rows whole and keep those touching the pairs.
    family = organization_family(program)
    failed = Relationship.objects.filter(
        close_reason=Relationship.CloseReason.NOT_A_FIT, program__organization__in=family
    )
    exclusions = MatchExclusion.objects.filter(mentee__program__organization__in=family)
    if len(users) <= _FEW:
        failed = failed.filter(Q(mentee__user__in=users) | Q(mentor__user__in=users))
        exclusions = exclusions.filter(Q(mentee__user__in=users) | Q(mentor__user__in=users))
    kept: dict[str, set[frozenset[int]]] = {}
    for code, queryset in (("not_a_fit", failed), ("do_not_match", exclusions)):
        kept[code] = {
            frozenset((a, b))
            for a, b in queryset.values_list("mentee__user", "mentor__user")
            if a in users or b in users
        }
    open_with = Relationship.objects.filter(program=program, status__in=HOLDS_PLACE)
    waiting = Proposal.objects.filter(program=program, status=Proposal.Status.PENDING)
    if ignore_proposal is not None:
        waiting = waiting.exclude(pk=ignore_proposal)
    if len(enrollments) <= _FEW:
        open_with = open_with.filter(Q(mentee__in=enrollments) | Q(mentor__in=enrollments))
        waiting = waiting.filter(Q(mentee__in=enrollments) | Q(mentor__in=enrollments))
    together: set[frozenset[int]] = set()
    for held in (open_with, waiting):
        together |= {
            frozenset((a, b))
            for a, b in held.values_list("mentee", "mentor")
            if a in enrollments or b in enrollments
        }
    return _Apart(_lines_between(user_pairs), kept["not_a_fit"], kept["do_not_match"], together)


def _shared_rules_passed(
    program: Program, rules: list[_Rule], givers: Iterable[int], ignore_proposal: int | None
) -> dict[int, dict[str, bool]]:
    """Evaluate the rules that do not depend on the seeker, once per giver: code -> passes."""
    passed: dict[int, dict[str, bool]] = {}
    for ids in _chunks(givers):
        candidates = with_places(
            Enrollment.objects.filter(pk__in=ids), program=program, ignore_proposal=ignore_proposal
        )
        for rule in rules:
            if rule.per_seeker:
                continue
            # As filters, as the directory runs them: the database plans each as a join.
            passing = set(candidates.filter(rule.passes).values_list("pk", flat=True))
            for pk in ids:
                passed.setdefault(pk, {})[rule.code] = pk in passing
    return passed


def pairs_refusals(
    pairs: Sequence[tuple[Enrollment, Enrollment, Topic | None]],
    *,
    require_accepting: bool = True,
    ignore_proposal: int | None = None,
    reader: int | None = None,
) -> list[Refusal | None]:
    """Return, for each (seeker, giver, focus) in order, why they may not be paired, or None.

    Each pair allowed holds its places for the pairs after it, as the proposal it becomes
    would: checking a round's pairs at once gives what checking them one by one, each
    written before the next is checked, gives. A single pair is checked the same way.
    """
    refusals: list[Refusal | None] = [None] * len(pairs)
    by_program: dict[int, list[int]] = {}
    for index, (seeker, giver, _focus) in enumerate(pairs):
        if giver.program_id != seeker.program_id:
            refusals[index] = Refusal("other_program", "Both people must be in the same program.")
        else:
            by_program.setdefault(seeker.program_id, []).append(index)
    for indexes in by_program.values():
        in_program = [pairs[i] for i in indexes]
        for index, refusal in zip(
            indexes,
            _refusals_in_program(in_program, require_accepting, ignore_proposal, reader),
            strict=True,
        ):
            refusals[index] = refusal
    return refusals


def _refusals_in_program(
    pairs: Sequence[tuple[Enrollment, Enrollment, Topic | None]],
    require_accepting: bool,
    ignore_proposal: int | None,
    reader: int | None = None,
) -> list[Refusal | None]:
    program = pairs[0][0].program
    if program.status != Program.Status.ACTIVE:
        closed = Refusal("program_closed", f"{program.name} is not running at the moment.")
        return [closed] * len(pairs)
    standing = _standing(
        program, [e for seeker, giver, _ in pairs for e in (seeker, giver)], ignore_proposal
    )
    # The rules and their order are the same for every seeker of the program; only their
    # Q forms and messages name the seeker.
    rules = _giver_rules(
        pairs[0][0], require_accepting=require_accepting, ignore_proposal=ignore_proposal
    )
    shared = _shared_rules_passed(
        program, rules, {giver.pk for _, giver, _ in pairs}, ignore_proposal
    )
    apart = _apart(program, pairs, ignore_proposal)
    refusals: list[Refusal | None] = []
    for seeker, giver, focus in pairs:
        refusal = _seeker_refusal_in(standing, seeker, focus, reader)
        if refusal is None:
            code = _giver_rule_failed(
                standing, rules, shared.get(giver.pk, {}), apart, seeker, giver
            )
            if code is not None:
                failed = _giver_rules(
                    seeker, require_accepting=require_accepting, ignore_proposal=ignore_proposal
                )
                refusal = next(Refusal(r.code, r.message(giver)) for r in failed if r.code == code)
        if refusal is None and program.is_peer:
            # A peer pair holds a place on both sides, and both must be taking part.
            refusal = _seeker_refusal_in(standing, giver, None, reader)
            if refusal is None and require_accepting and not seeker.accepting_now:
                refusal = Refusal(
                    "not_accepting", f"{_name(seeker)} is not taking anyone new right now."
                )
        if refusal is None:
            standing.hold(seeker, giver, focus)
        refusals.append(refusal)
    return refusals


def _giver_rule_failed(
    standing: _Standing,
    rules: list[_Rule],
    shared: dict[str, bool],
    apart: _Apart,
    seeker: Enrollment,
    giver: Enrollment,
) -> str | None:
    """Return the code of the first giver rule this pair fails, or None."""
    for rule in rules:
        if rule.per_seeker:
            passes = apart.passes(rule.code, seeker, giver)
        else:
            passes = shared.get(rule.code, False)
        # The database saw none of the batch's pairs: count them as held.
        if rule.code == "together":
            passes = passes and (seeker.pk, giver.pk) not in standing.batch_pairs
        elif rule.code == "full" and standing.batch_given[giver.pk]:
            held = standing.given[giver.pk] + standing.batch_given[giver.pk]
            passes = passes and giver_limit(giver) > held
        if not passes:
            return rule.code
    return None


def pair_check(
    *,
    seeker: Enrollment,
    giver: Enrollment,
    focus: Topic | None = None,
    require_accepting: bool = True,
    ignore_proposal: int | None = None,
    field: str | None = None,
) -> None:
    """Raise DomainError with the reason when these two may not be paired now."""
    refusal = pair_refusal(
        seeker=seeker,
        giver=giver,
        focus=focus,
        require_accepting=require_accepting,
        ignore_proposal=ignore_proposal,
    )
    if refusal is not None:
        refusal.raise_error(field=field)


# What checking a pair and telling both people about it read of each person: the rules'
# fields (``_giver_rules``, ``_seeker_refusal_in``, the places) and the names.
PAIR_FIELDS = (
    "program",
    "user",
    "status",
    "is_mentee",
    "is_mentor",
    "is_coach",
    "is_peer",
    "mentors_wanted",
    "capacity",
    "accepting_now",
    "profile_completed_at",
    "user__full_name",
    "user__preferred_name",
    "user__email",
    "user__is_active",
    "user__email_digest",
)


def lock_people(enrollments: Iterable[Enrollment], *, lean: bool = False) -> dict[int, Enrollment]:
    """Re-read enrollments with row locks held until the transaction ends, in id order.

    Every write that takes a place locks the people whose places it counts, so two
    acceptances for the same person queue here and the second one sees the first one's
    pair: nobody's capacity is overrun. Locking in id order keeps two writers from waiting
    on each other. ``lean`` reads only ``PAIR_FIELDS`` and the users (no membership): for
    a round's thousands of people, whose profiles the checks and the notifications never
    read.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_people must run inside a transaction.")
    ids = sorted({e.pk for e in enrollments})
    locked = Enrollment.objects.select_for_update(of=("self",))
    if lean:
        locked = locked.select_related("user").only(*PAIR_FIELDS)
    else:
        locked = locked.select_related("user", "membership")
    rows = list(locked.filter(pk__in=ids).order_by("pk"))
    # Their program or two, read once and shared, rather than joined into every row.
    programs = Program.objects.select_related("organization").in_bulk(
        {row.program_id for row in rows}
    )
    for row in rows:
        row.program = programs[row.program_id]
    return {row.pk: row for row in rows}

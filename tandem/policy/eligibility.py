"""Who may be paired with whom in a program, and how many places people have left.

Every path that creates or moves a pair asks this module, inside the transaction that
writes: the mentor directory (who is listed and who may be asked), request send and
accept, proposal publish and accept, round swap and lock, and the round loader that builds
the matching engine's exclusions. Each rule is written once, as a filter over the people
who give help (mentors, coaches, peers) for one person who seeks it, so the directory's
list, a single pair's check and the engine's input are the same rule.

Pairs are checked by ``pairs_refusals``, for one pair (``pair_refusal``) or a round's
thousands at once: the rules that do not name the seeker run as those filters, once for
all the givers; the ones that do (reporting line, kept apart, already together) read the
same tables for all the pairs in a few queries, as ``round_people`` does for the engine.

A *place* is held by an open relationship (agreeing, active or paused) and by a proposal
still waiting for answers; in a peer program it is held on both sides. Requests hold no
place: a mentee may ask several mentors for the same focus, and the first yes withdraws
the others.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Func, IntegerField, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from tandem.accounts.models import Membership, Organization
from tandem.core.errors import DomainError
from tandem.policy.access import users_admitted_to
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import MatchExclusion, Proposal, Relationship

HOLDS_PLACE = Relationship.HOLDS_CAPACITY

# The reporting line of one person: every manager above and every report below any of
# their memberships, at any depth, as the people (users) who hold those memberships. A
# person may belong to several organizations (a partner's, say); a line through any of them
# counts. UNION (not UNION ALL) ends the walk even if bad data made a loop.
_LINE_OF_PERSON = """
    WITH RECURSIVE above(id, manager_id, user_id) AS (
        SELECT boss.id, boss.manager_id, boss.user_id FROM accounts_membership mine
        JOIN accounts_membership boss ON boss.id = mine.manager_id WHERE mine.user_id = %s
        UNION
        SELECT boss.id, boss.manager_id, boss.user_id FROM above a
        JOIN accounts_membership boss ON boss.id = a.manager_id
    ), below(id, user_id) AS (
        SELECT m.id, m.user_id FROM accounts_membership m
        JOIN accounts_membership mine ON m.manager_id = mine.id WHERE mine.user_id = %s
        UNION
        SELECT m.id, m.user_id FROM accounts_membership m JOIN below b ON m.manager_id = b.id
    )
    SELECT user_id FROM above UNION SELECT user_id FROM below
"""
# Each step carries the person's user id along, so that no last lookup has to match the
# whole line against every membership (which the planner, guessing a long line, would
# answer by reading the whole table).


@dataclass(frozen=True)
class Refusal:
    """Why two people may not be paired, in a sentence either of them may read."""

    code: str
    message: str

    def raise_error(self, *, field: str | None = None) -> None:
        raise DomainError(self.message, field=field)


def reporting_line_sql(user_id: int) -> RawSQL:
    """Return a subquery of the people above and below this person, at any depth."""
    return RawSQL(_LINE_OF_PERSON, (user_id, user_id))


def reporting_line(user_id: int) -> set[int]:
    """Return the ids of the people above and below this person in any reporting line."""
    with connection.cursor() as cursor:
        cursor.execute(_LINE_OF_PERSON, (user_id, user_id))
        return {row[0] for row in cursor.fetchall()} - {user_id}


def _count(queryset: QuerySet[Any, Any]) -> Coalesce:
    """Count rows of a correlated queryset as a subquery (0 when there are none)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _held(side: str, *, peer: bool, ignore_proposal: int | None) -> Any:
    """Places held by one enrollment (the outer row): relationships and waiting proposals."""
    from django.db.models import OuterRef

    sides = ("mentor", "mentee") if peer else (side,)
    mine = Q()
    for name in sides:
        mine |= Q(**{name: OuterRef("pk")})
    relationships = Relationship.objects.filter(mine, status__in=HOLDS_PLACE)
    proposals = Proposal.objects.filter(mine, status=Proposal.Status.PENDING)
    if ignore_proposal is not None:
        proposals = proposals.exclude(pk=ignore_proposal)
    return _count(relationships) + _count(proposals)


def with_places(
    enrollments: QuerySet[Enrollment], *, program: Program, ignore_proposal: int | None = None
) -> QuerySet[Enrollment]:
    """Annotate ``places_given`` and ``places_sought``: places each person holds now.

    A mentor's limit is ``capacity`` and a mentee's is ``mentors_wanted``; a peer has one
    limit, ``capacity``, and every pair they are in holds one place on both counts.
    """
    peer = program.is_peer
    return enrollments.annotate(
        places_given=_held("mentor", peer=peer, ignore_proposal=ignore_proposal),
        places_sought=_held("mentee", peer=peer, ignore_proposal=ignore_proposal),
    )


def giver_limit(enrollment: Enrollment) -> int:
    return enrollment.capacity


def seeker_limit(enrollment: Enrollment) -> int:
    return enrollment.capacity if enrollment.program.is_peer else enrollment.mentors_wanted


def _places_held(enrollment: Enrollment, ignore_proposal: int | None) -> tuple[int, int]:
    row = with_places(
        Enrollment.objects.filter(pk=enrollment.pk),
        program=enrollment.program,
        ignore_proposal=ignore_proposal,
    ).first()
    if row is None:
        return (0, 0)
    return (getattr(row, "places_given", 0), getattr(row, "places_sought", 0))


def places_left(enrollment: Enrollment, *, ignore_proposal: int | None = None) -> int:
    """Return how many more people this person can give help to now."""
    given, _ = _places_held(enrollment, ignore_proposal)
    return max(giver_limit(enrollment) - given, 0)


def mentors_still_wanted(enrollment: Enrollment, *, ignore_proposal: int | None = None) -> int:
    """Return how many more mentors (or peers) this person wants now."""
    _, sought = _places_held(enrollment, ignore_proposal)
    return max(seeker_limit(enrollment) - sought, 0)


def focuses_taken(enrollment: Enrollment, *, ignore_proposal: int | None = None) -> set[int]:
    """Return the focus topics this mentee already has a mentor (or a waiting proposal) for."""
    relationships = Relationship.objects.filter(mentee=enrollment, status__in=HOLDS_PLACE)
    proposals = Proposal.objects.filter(mentee=enrollment, status=Proposal.Status.PENDING)
    if ignore_proposal is not None:
        proposals = proposals.exclude(pk=ignore_proposal)
    return set(relationships.values_list("focus_id", flat=True)) | set(
        proposals.values_list("focus_id", flat=True)
    )


def organization_family(program: Program) -> QuerySet[Organization]:
    """Return the program's organization and its partners: where a failed match counts."""
    org = program.organization_id
    return Organization.objects.filter(Q(pk=org) | Q(partners=org)).distinct()


def _givers_role(program: Program) -> Q:
    if program.is_peer:
        return Q(is_peer=True)
    return Q(is_mentor=True) | Q(is_coach=True)


def _seekers_role(program: Program) -> Q:
    return Q(is_peer=True) if program.is_peer else Q(is_mentee=True)


def _ready(program: Program) -> Q:
    return Q(
        program=program,
        status=Enrollment.Status.ACTIVE,
        profile_completed_at__isnull=False,
        user__is_active=True,
        user__in=users_admitted_to(program),
    )


def _not_a_fit_with(seeker: Enrollment) -> Q:
    """People the seeker ended a relationship with as "not a fit", in the org and partners."""
    failed = Relationship.objects.filter(
        close_reason=Relationship.CloseReason.NOT_A_FIT,
        program__organization__in=organization_family(seeker.program),
    )
    return Q(user__in=failed.filter(mentee__user=seeker.user_id).values("mentor__user")) | Q(
        user__in=failed.filter(mentor__user=seeker.user_id).values("mentee__user")
    )


def _do_not_match_with(seeker: Enrollment) -> Q:
    """People kept apart from the seeker by an explicit "do not match", either way round."""
    exclusions = MatchExclusion.objects.filter(
        mentee__program__organization__in=organization_family(seeker.program)
    )
    return Q(user__in=exclusions.filter(mentee__user=seeker.user_id).values("mentor__user")) | Q(
        user__in=exclusions.filter(mentor__user=seeker.user_id).values("mentee__user")
    )


def _already_together(seeker: Enrollment, ignore_proposal: int | None) -> Q:
    """People already paired with the seeker in this program, or proposed and waiting."""
    open_with = Relationship.objects.filter(status__in=HOLDS_PLACE)
    waiting = Proposal.objects.filter(status=Proposal.Status.PENDING)
    if ignore_proposal is not None:
        waiting = waiting.exclude(pk=ignore_proposal)
    together = Q()
    for pairs in (open_with, waiting):
        together |= Q(pk__in=pairs.filter(mentee=seeker).values("mentor"))
        together |= Q(pk__in=pairs.filter(mentor=seeker).values("mentee"))
    return together


@dataclass(frozen=True)
class _Rule:
    code: str
    # The givers who pass the rule.
    passes: Q
    message: Callable[[Enrollment], str]
    # False when ``passes`` does not depend on the seeker: checked once for many seekers.
    per_seeker: bool = True


def _name(enrollment: Enrollment) -> str:
    return enrollment.user.display_name


def _giver_rules(
    seeker: Enrollment, *, require_accepting: bool, ignore_proposal: int | None
) -> list[_Rule]:
    program = seeker.program
    rules = [
        _Rule(
            "self",
            ~Q(user_id=seeker.user_id),
            lambda g: "Nobody can be paired with themselves.",
        ),
        _Rule(
            "not_taking_part",
            _ready(program) & _givers_role(program),
            lambda g: f"{_name(g)} is not offering help in this program.",
            per_seeker=False,
        ),
    ]
    rules += [
        _Rule(
            "reporting_line",
            ~Q(user_id__in=reporting_line_sql(seeker.user_id)),
            lambda g: (
                f"{_name(g)} is in {_name(seeker)}'s reporting line, and mentors never come "
                "from one's own reporting line."
            ),
        ),
        _Rule(
            "not_a_fit",
            ~_not_a_fit_with(seeker),
            # The same words as "do not match": an admin of one program reads this too,
            # and must not learn how a relationship in another program ended.
            lambda g: f"{_name(seeker)} and {_name(g)} are not to be matched with each other.",
        ),
        _Rule(
            "do_not_match",
            ~_do_not_match_with(seeker),
            lambda g: f"{_name(seeker)} and {_name(g)} are not to be matched with each other.",
        ),
        _Rule(
            "together",
            ~_already_together(seeker, ignore_proposal),
            lambda g: (
                f"{_name(seeker)} and {_name(g)} are already paired, or have a proposal waiting."
            ),
        ),
    ]
    if require_accepting:
        rules.append(
            _Rule(
                "not_accepting",
                Q(accepting_now=True),
                lambda g: f"{_name(g)} is not taking anyone new right now.",
                per_seeker=False,
            )
        )
    rules.append(
        _Rule(
            "full",
            Q(capacity__gt=F("places_given")),
            lambda g: f"{_name(g)} has no free place right now.",
            per_seeker=False,
        )
    )
    return rules


@dataclass
class _Standing:
    """What holds people's places now, read at once for many people, plus a batch's pairs.

    ``pairs_refusals`` checks pairs in order as if each pair it allows were already a
    waiting proposal, so the counts below grow with the pairs allowed so far.
    """

    admitted: set[int]  # user ids the program's audience admits
    ready_seekers: set[int]  # enrollment ids ready to be matched as seekers
    given: Counter[int]  # enrollment id -> places held as the one giving help
    sought: Counter[int]  # enrollment id -> places held as the one seeking it
    focuses: dict[int, set[int]]  # seeker enrollment id -> focus topic ids taken
    # What the batch's allowed pairs add to the counts above.
    batch_given: Counter[int] = field(default_factory=Counter)
    batch_sought: Counter[int] = field(default_factory=Counter)
    batch_pairs: set[tuple[int, int]] = field(default_factory=set)

    def hold(self, seeker: Enrollment, giver: Enrollment, focus: Topic | None) -> None:
        """Count an allowed pair's places, as its waiting proposal will hold them."""
        if seeker.program.is_peer:
            for pk in (seeker.pk, giver.pk):
                self.batch_given[pk] += 1
                self.batch_sought[pk] += 1
        else:
            self.batch_given[giver.pk] += 1
            self.batch_sought[seeker.pk] += 1
        if focus is not None:
            self.focuses.setdefault(seeker.pk, set()).add(focus.pk)
        self.batch_pairs |= {(seeker.pk, giver.pk), (giver.pk, seeker.pk)}


def _chunks(ids: Iterable[int], size: int = 2000) -> Iterable[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


def _standing(
    program: Program, people: Iterable[Enrollment], ignore_proposal: int | None
) -> _Standing:
    """Read the places, readiness and focuses of these people of one program."""
    people = list(people)
    standing = _Standing(set(), set(), Counter(), Counter(), {})
    admitted = users_admitted_to(program)
    ready = Enrollment.objects.filter(_ready(program) & _seekers_role(program))
    for ids in _chunks(e.user_id for e in people):
        standing.admitted |= set(admitted.filter(pk__in=ids).values_list("pk", flat=True))
    for ids in _chunks(e.pk for e in people):
        standing.ready_seekers |= set(ready.filter(pk__in=ids).values_list("pk", flat=True))
        held = with_places(
            Enrollment.objects.filter(pk__in=ids), program=program, ignore_proposal=ignore_proposal
        )
        places = held.values_list("pk", "places_given", "places_sought")  # type: ignore[misc]
        for pk, given, sought in places:
            standing.given[pk], standing.sought[pk] = given, sought
        relationships = Relationship.objects.filter(mentee__in=ids, status__in=HOLDS_PLACE)
        proposals = Proposal.objects.filter(mentee__in=ids, status=Proposal.Status.PENDING)
        if ignore_proposal is not None:
            proposals = proposals.exclude(pk=ignore_proposal)
        for queryset in (relationships, proposals):
            for mentee, focus in queryset.values_list("mentee_id", "focus_id"):
                standing.focuses.setdefault(mentee, set()).add(focus)
    return standing


def _seeker_refusal_in(
    standing: _Standing, seeker: Enrollment, focus: Topic | None
) -> Refusal | None:
    program = seeker.program
    if program.status != Program.Status.ACTIVE:
        return Refusal("program_closed", f"{program.name} is not running at the moment.")
    if seeker.user_id not in standing.admitted:
        return Refusal(
            "audience",
            f"{_name(seeker)} cannot be matched in {program.name} now.",
        )
    if seeker.pk not in standing.ready_seekers:
        return Refusal(
            "seeker_not_ready",
            f"{_name(seeker)} needs an active place and a finished profile in this program "
            "before being matched.",
        )
    sought = standing.sought[seeker.pk] + standing.batch_sought[seeker.pk]
    if seeker_limit(seeker) - sought <= 0:
        noun = "peers" if program.is_peer else "mentors"
        return Refusal(
            "seeker_full",
            f"{_name(seeker)} already has as many {noun} as they asked for.",
        )
    if (
        focus is not None
        and not program.is_peer
        and focus.pk in standing.focuses.get(seeker.pk, set())
    ):
        return Refusal(
            "focus_taken",
            f"{_name(seeker)} already has a mentor for {focus.name}; each mentor helps with a "
            "different focus.",
        )
    if focus is not None and focus.organization_id != program.organization_id:
        return Refusal("focus_unknown", "That focus is not part of this program.")
    return None


def _seeker_refusal(
    seeker: Enrollment, focus: Topic | None, ignore_proposal: int | None
) -> Refusal | None:
    if seeker.program.status != Program.Status.ACTIVE:
        return _seeker_refusal_in(_Standing(set(), set(), Counter(), Counter(), {}), seeker, focus)
    return _seeker_refusal_in(_standing(seeker.program, [seeker], ignore_proposal), seeker, focus)


def seeker_refusal(seeker: Enrollment, *, focus: Topic | None = None) -> Refusal | None:
    """Return why this person may not be matched with anyone now, or None when they may."""
    return _seeker_refusal(seeker, focus, None)


def givers_for(
    seeker: Enrollment,
    *,
    require_accepting: bool = True,
    require_room: bool = True,
    ignore_proposal: int | None = None,
) -> QuerySet[Enrollment]:
    """Return the people who may give this seeker help now, with ``places_given`` annotated.

    Passing ``require_accepting=False`` and ``require_room=False`` keeps people who are not
    taking anyone new in the list (to browse), but every other rule still holds.
    """
    program = seeker.program
    queryset = with_places(
        Enrollment.objects.filter(program=program),
        program=program,
        ignore_proposal=ignore_proposal,
    )
    for rule in _giver_rules(
        seeker, require_accepting=require_accepting, ignore_proposal=ignore_proposal
    ):
        if rule.code == "full" and not require_room:
            continue
        queryset = queryset.filter(rule.passes)
    return queryset


def pair_refusal(
    *,
    seeker: Enrollment,
    giver: Enrollment,
    focus: Topic | None = None,
    require_accepting: bool = True,
    ignore_proposal: int | None = None,
) -> Refusal | None:
    """Return why these two may not be paired now, or None when they may.

    ``seeker`` is the mentee (or the first peer), ``giver`` the mentor (or the other peer).
    ``require_accepting`` is False when the giver is the one saying yes: their answer is
    their consent. ``ignore_proposal`` is the proposal being accepted, whose places are
    about to become the relationship's.
    """
    return pairs_refusals(
        [(seeker, giver, focus)],
        require_accepting=require_accepting,
        ignore_proposal=ignore_proposal,
    )[0]


# The reporting lines of many people at once: each row is (person, someone in their line).
# The same walk as _LINE_OF_PERSON, started from every person given.
_LINES_OF_PEOPLE = """
    WITH RECURSIVE above(origin, id) AS (
        SELECT user_id, manager_id FROM accounts_membership
        WHERE user_id IN ({people}) AND manager_id IS NOT NULL
        UNION
        SELECT a.origin, m.manager_id FROM accounts_membership m JOIN above a ON m.id = a.id
        WHERE m.manager_id IS NOT NULL
    ), below(origin, id) AS (
        SELECT mine.user_id, m.id FROM accounts_membership m
        JOIN accounts_membership mine ON m.manager_id = mine.id WHERE mine.user_id IN ({people})
        UNION
        SELECT b.origin, m.id FROM accounts_membership m JOIN below b ON m.manager_id = b.id
    )
    SELECT line.origin, m.user_id
    FROM (SELECT origin, id FROM above UNION SELECT origin, id FROM below) line
    JOIN accounts_membership m ON m.id = line.id
"""


def _lines_between(user_pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Return the (person, other) pairs given in which other is in person's reporting line."""
    found: set[tuple[int, int]] = set()
    people = sorted({a for a, _ in user_pairs})
    with connection.cursor() as cursor:
        for start in range(0, len(people), 2000):
            chunk = people[start : start + 2000]
            cursor.execute(
                _LINES_OF_PEOPLE.format(people=", ".join(["%s"] * len(chunk))), [*chunk, *chunk]
            )
            found |= {pair for pair in cursor.fetchall() if pair in user_pairs}
    return found


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
            _refusals_in_program(in_program, require_accepting, ignore_proposal),
            strict=True,
        ):
            refusals[index] = refusal
    return refusals


def _refusals_in_program(
    pairs: Sequence[tuple[Enrollment, Enrollment, Topic | None]],
    require_accepting: bool,
    ignore_proposal: int | None,
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
        refusal = _seeker_refusal_in(standing, seeker, focus)
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
            refusal = _seeker_refusal_in(standing, giver, None)
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


def lock_people(enrollments: Iterable[Enrollment]) -> dict[int, Enrollment]:
    """Re-read enrollments with row locks held until the transaction ends, in id order.

    Every write that takes a place locks the people whose places it counts, so two
    acceptances for the same person queue here and the second one sees the first one's
    pair: nobody's capacity is overrun. Locking in id order keeps two writers from waiting
    on each other.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_people must run inside a transaction.")
    ids = sorted({e.pk for e in enrollments})
    rows = (
        Enrollment.objects.select_for_update(of=("self",))
        .select_related("program__organization", "user", "membership")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    return {row.pk: row for row in rows}


# The same rules in bulk, for the matching engine's input: who may be matched, how many
# more pairs each can take, and the pairs never to propose. The engine applies the
# reporting lines itself from the managers map, which is the same data the SQL walk reads.


@dataclass(frozen=True)
class RoundPeople:
    """Everyone a round may match now, with the places and focuses they have left."""

    # Seeker enrollment id -> how many more mentors (or peers) they want.
    wanted: dict[int, int]
    # Seeker enrollment id -> focus topic ids they already have a mentor for.
    focuses_taken: dict[int, set[int]]
    # Giver enrollment id -> how many more people they can take.
    places: dict[int, int]
    # Membership id -> manager's membership id, in the organization and its partners.
    managers: dict[int, int]


def round_people(program: Program) -> RoundPeople:
    """Return the people of a round, their places and open focuses, by the rules above.

    The pairs the rules keep apart come from ``pairs_kept_apart``, for the engine's policy.
    """
    ready = with_places(Enrollment.objects.filter(_ready(program)), program=program)
    ready = ready.order_by("pk")
    # seeker_limit and giver_limit, read as columns: one query each for the whole program.
    seeker_limit_column = "capacity" if program.is_peer else "mentors_wanted"
    wanted: dict[int, int] = {}
    places: dict[int, int] = {}
    seekers = ready.filter(_seekers_role(program))
    for pk, limit, held in seekers.values_list("pk", seeker_limit_column, "places_sought"):
        if limit - (held or 0) > 0:
            wanted[pk] = limit - (held or 0)
    givers = ready.filter(_givers_role(program), accepting_now=True)
    # places_given is with_places's annotation, which the type checker cannot see.
    for pk, limit, held in givers.values_list("pk", "capacity", "places_given"):  # type: ignore[misc]
        if limit - (held or 0) > 0:
            places[pk] = limit - (held or 0)
    return RoundPeople(
        wanted=wanted,
        focuses_taken=focuses_taken_in(program),
        places=places,
        managers=managers_of(program),
    )


def focuses_taken_in(program: Program) -> dict[int, set[int]]:
    taken: dict[int, set[int]] = {}
    held = Relationship.objects.filter(program=program, status__in=HOLDS_PLACE)
    waiting = Proposal.objects.filter(program=program, status=Proposal.Status.PENDING)
    for queryset in (held, waiting):
        for mentee, focus in queryset.values_list("mentee_id", "focus_id"):
            taken.setdefault(mentee, set()).add(focus)
    return taken


def pairs_kept_apart(program: Program) -> set[tuple[int, int]]:
    enrollment_of = dict(Enrollment.objects.filter(program=program).values_list("user_id", "pk"))
    family = organization_family(program)
    user_pairs = list(
        Relationship.objects.filter(
            close_reason=Relationship.CloseReason.NOT_A_FIT,
            program__organization__in=family,
        ).values_list("mentee__user_id", "mentor__user_id")
    ) + list(
        MatchExclusion.objects.filter(mentee__program__organization__in=family).values_list(
            "mentee__user_id", "mentor__user_id"
        )
    )
    apart: set[tuple[int, int]] = set()
    for a, b in user_pairs:
        if a in enrollment_of and b in enrollment_of:
            apart |= {(enrollment_of[a], enrollment_of[b]), (enrollment_of[b], enrollment_of[a])}
    held = Relationship.objects.filter(program=program, status__in=HOLDS_PLACE)
    waiting = Proposal.objects.filter(program=program, status=Proposal.Status.PENDING)
    for queryset in (held, waiting):
        for a, b in queryset.values_list("mentee_id", "mentor_id"):
            apart |= {(a, b), (b, a)}
    return apart | _lines_beyond_the_managers_map(program, enrollment_of)


def _lines_beyond_the_managers_map(
    program: Program, enrollment_of: dict[int, int]
) -> set[tuple[int, int]]:
    """Return pairs in one reporting line that the engine's managers map cannot see.

    The engine follows the line from the membership each person joined through. Someone who
    belongs to several organizations, or joined without a membership, may report to someone
    through another one; walk their line as a person and keep those pairs apart.
    """
    enrolled = Enrollment.objects.filter(program=program)
    several = (
        Membership.objects.filter(user__in=enrolled.values("user"))
        .values("user")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values("user")
    )
    people = set(
        enrolled.filter(Q(membership__isnull=True) | Q(user__in=several)).values_list(
            "user_id", flat=True
        )
    )
    apart: set[tuple[int, int]] = set()
    for person in people:
        for other in reporting_line(person):
            if other in enrollment_of:
                a, b = enrollment_of[person], enrollment_of[other]
                apart |= {(a, b), (b, a)}
    return apart


def managers_of(program: Program) -> dict[int, int]:
    orgs = [program.organization_id, *program.partner_organizations.values_list("pk", flat=True)]
    return dict(
        Membership.objects.filter(organization_id__in=orgs, manager__isnull=False).values_list(
            "pk", "manager_id"
        )
    )

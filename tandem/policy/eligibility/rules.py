"""The rules over the people who give help, for one person who seeks it."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet

from tandem.accounts.models import Organization
from tandem.core.errors import DomainError
from tandem.policy.access import users_admitted_to
from tandem.policy.eligibility.lines import reporting_line_sql
from tandem.policy.eligibility.places import HOLDS_PLACE, seeker_limit, with_places
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import MatchExclusion, Proposal, Relationship


@dataclass(frozen=True)
class Refusal:
    """Why two people may not be paired, in a sentence either of them may read."""

    code: str
    message: str

    def raise_error(self, *, field: str | None = None) -> None:
        raise DomainError(self.message, field=field)


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


# A refusal read by the person it names says "You": these verbs as they read then.
_TO_THE_READER = {
    "is": "are",
    "needs": "need",
    "cannot": "cannot",
    "and": "and",
    "already has": "already have",
}


def _who(one: Enrollment, reader: int | None, verb: str) -> str:
    """Return the person and the verb after them, "You are" to the reader (a user id)."""
    if reader is not None and one.user_id == reader:
        return f"You {_TO_THE_READER[verb]}"
    return f"{_name(one)} {verb}"


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
    standing: _Standing, seeker: Enrollment, focus: Topic | None, reader: int | None = None
) -> Refusal | None:
    program = seeker.program
    if program.status != Program.Status.ACTIVE:
        return Refusal("program_closed", f"{program.name} is not running at the moment.")
    if program.is_circles:
        return Refusal(
            "circles_only",
            f"{program.name} forms group circles in matching rounds; it has no one-to-one "
            "requests or proposals.",
        )
    if seeker.user_id not in standing.admitted:
        return Refusal(
            "audience",
            f"{_who(seeker, reader, 'cannot')} be matched in {program.name} now.",
        )
    if seeker.pk not in standing.ready_seekers:
        return Refusal(
            "seeker_not_ready",
            f"{_who(seeker, reader, 'needs')} an active place and a finished profile in this "
            "program before being matched.",
        )
    sought = standing.sought[seeker.pk] + standing.batch_sought[seeker.pk]
    if seeker_limit(seeker) - sought <= 0:
        noun = "peers" if program.is_peer else program.givers_noun
        asked = "you" if reader is not None and seeker.user_id == reader else "they"
        return Refusal(
            "seeker_full",
            f"{_who(seeker, reader, 'already has')} as many {noun} as {asked} asked for.",
        )
    if (
        focus is not None
        and not program.is_peer
        and focus.pk in standing.focuses.get(seeker.pk, set())
    ):
        return Refusal(
            "focus_taken",
            f"{_who(seeker, reader, 'already has')} a {program.giver_noun} for {focus.name}; each "
            f"{program.giver_noun} helps with a different focus.",
        )
    if focus is not None and focus.organization_id != program.organization_id:
        return Refusal("focus_unknown", "That focus is not part of this program.")
    return None


def _seeker_refusal(
    seeker: Enrollment, focus: Topic | None, ignore_proposal: int | None, reader: int | None
) -> Refusal | None:
    if seeker.program.status != Program.Status.ACTIVE:
        standing = _Standing(set(), set(), Counter(), Counter(), {})
    else:
        standing = _standing(seeker.program, [seeker], ignore_proposal)
    return _seeker_refusal_in(standing, seeker, focus, reader)


def seeker_refusal(
    seeker: Enrollment, *, focus: Topic | None = None, reader: int | None = None
) -> Refusal | None:
    """Return why this person may not be matched with anyone now, or None when they may.

    ``reader`` is the user who reads the refusal: it says "You" when it names them.
    """
    return _seeker_refusal(seeker, focus, None, reader)


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


def _two_in_program(
    asker: Enrollment, other: Enrollment, *, alone: str
) -> tuple[Refusal | None, bool]:
    """Return why two people cannot meet in the asker's program, and whether the other is ready.

    Both must be in the same running program, be two people (``alone`` says why not), and
    the asker must be ready (``_ready``). Whether the other is ready is returned for the
    caller to word: each kind of request names it differently.
    """
    program = asker.program
    if other.program_id != program.pk:
        return Refusal("other_program", "Both people must be in the same program."), False
    if program.status != Program.Status.ACTIVE:
        return Refusal("program_closed", f"{program.name} is not running at the moment."), False
    if asker.user_id == other.user_id:
        return Refusal("self", alone), False
    ready = set(
        Enrollment.objects.filter(_ready(program), pk__in=[asker.pk, other.pk]).values_list(
            "pk", flat=True
        )
    )
    if asker.pk not in ready:
        return Refusal(
            "asker_not_ready",
            "You need an active place and a finished profile in this program to ask.",
        ), False
    return None, other.pk in ready

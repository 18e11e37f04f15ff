"""The same rules in bulk, read for a whole program: the matching engine's input."""

from dataclasses import dataclass

from tandem.policy.eligibility.lines import _lines_beyond_the_managers_map, managers_of
from tandem.policy.eligibility.places import HOLDS_PLACE, with_places
from tandem.policy.eligibility.rules import _givers_role, _ready, _seekers_role, organization_family
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import MatchExclusion, Proposal, Relationship

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
    apart = people_kept_apart(program, enrollment_of)
    held = Relationship.objects.filter(program=program, status__in=HOLDS_PLACE)
    waiting = Proposal.objects.filter(program=program, status=Proposal.Status.PENDING)
    for queryset in (held, waiting):
        for a, b in queryset.values_list("mentee_id", "mentor_id"):
            apart |= {(a, b), (b, a)}
    return apart


def people_kept_apart(program: Program, enrollment_of: dict[int, int]) -> set[tuple[int, int]]:
    """Return the enrollment pairs, both ways round, that "not a fit", "do not match" and the
    reporting lines the engine's managers map cannot see keep apart in this program.

    ``enrollment_of`` maps the program's users to their enrollments.
    """
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
    return apart | _lines_beyond_the_managers_map(program, enrollment_of)

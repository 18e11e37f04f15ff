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

Informational interviews ask the rules that keep two people apart (``interviews.py``):
asking, and the list of people one may ask.

Warm introductions ask the agreement's "no introductions yet" boundary of the asker and
the colleague asked, and the rules that keep two people apart of the asker and each person
suggested (``introductions.py``).

Circles ask the same rules of every two people who would share one (``circles.py``): a
round's proposal, a member's answer, a join request, its approval and a replacement.

A *place* is held by an open relationship (agreeing, active or paused) and by a proposal
still waiting for answers; in a peer program it is held on both sides. Requests hold no
place: a mentee may ask several mentors for the same focus, and the first yes withdraws
the others.
"""

from tandem.policy.eligibility.circles import (
    circle_check,
    circle_place_refusal,
    circle_place_takers,
    circle_refusal,
    circle_round_apart,
    circle_round_people,
    circles_check,
    circles_refusal,
)
from tandem.policy.eligibility.interviews import (
    interview_check,
    interview_hosts_for,
    interview_refusal,
)
from tandem.policy.eligibility.introductions import (
    introducers_for,
    introduction_check,
    introduction_refusal,
    introductions_not_yet_with,
    suggestables_for,
    suggestion_check,
    suggestion_refusal,
)
from tandem.policy.eligibility.lines import managers_of, reporting_line, reporting_line_sql
from tandem.policy.eligibility.pairs import lock_people, pair_check, pair_refusal, pairs_refusals
from tandem.policy.eligibility.places import (
    HOLDS_PLACE,
    circles_held,
    focuses_taken,
    giver_limit,
    mentors_still_wanted,
    places_left,
    seeker_limit,
    with_places,
)
from tandem.policy.eligibility.rounds import (
    RoundPeople,
    focuses_taken_in,
    pairs_kept_apart,
    round_people,
)
from tandem.policy.eligibility.rules import Refusal, givers_for, organization_family, seeker_refusal

__all__ = [
    "HOLDS_PLACE",
    "Refusal",
    "RoundPeople",
    "circle_check",
    "circle_place_refusal",
    "circle_place_takers",
    "circle_refusal",
    "circle_round_apart",
    "circle_round_people",
    "circles_check",
    "circles_held",
    "circles_refusal",
    "focuses_taken",
    "focuses_taken_in",
    "giver_limit",
    "givers_for",
    "interview_check",
    "interview_hosts_for",
    "interview_refusal",
    "introducers_for",
    "introduction_check",
    "introduction_refusal",
    "introductions_not_yet_with",
    "lock_people",
    "managers_of",
    "mentors_still_wanted",
    "organization_family",
    "pair_check",
    "pair_refusal",
    "pairs_kept_apart",
    "pairs_refusals",
    "places_left",
    "reporting_line",
    "reporting_line_sql",
    "round_people",
    "seeker_limit",
    "seeker_refusal",
    "suggestables_for",
    "suggestion_check",
    "suggestion_refusal",
    "with_places",
]

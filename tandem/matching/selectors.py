"""Reads for the round pages: what an admin reviews before publishing."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from tandem.accounts.models import Department
from tandem.core.errors import NotFound
from tandem.core.spreadsheets import Row
from tandem.matching.models import MatchingRound, RoundPair
from tandem.policy.eligibility import Refusal, givers_for, seeker_refusal
from tandem.programs.models import Enrollment, Program

PAGE_SIZE = 50
# Below this fit a pair is worth a second look before it is published.
LOW_FIT = 0.5
SORTS = {
    "score": ("-score", "pk"),
    # Both orders walk the index on (round, -score, id), one of them backwards.
    "score_low": ("score", "-pk"),
    "mentee": ("mentee__user__full_name", "pk"),
    "mentor": ("mentor__user__full_name", "pk"),
    "department": ("mentee__membership__department__name", "-score", "pk"),
}
FLAGS = {
    "locked": Q(locked=True),
    "low": Q(score__lt=LOW_FIT),
    "same_department": Q(mentee__membership__department=F("mentor__membership__department")),
}
SWAP_SEARCH_LIMIT = 20
# The search looks at this many people named like the query, a batch at a time.
SWAP_SEARCH_BATCH = 200
SWAP_SEARCH_SCAN = 2000


def rounds_of(program: Program) -> QuerySet[MatchingRound]:
    return MatchingRound.objects.filter(program=program)[:30]


@dataclass(frozen=True)
class ReviewFilters:
    """What part of a round's review an admin looks at, as the page's query string says."""

    show: str = "pairs"
    sort: str = "score"
    department: int | None = None
    flag: str = ""

    def query(self, **more: Any) -> str:
        """Return the query string that shows this view again, defaults left out."""
        return review_query(
            {
                "show": "" if self.show == "pairs" else self.show,
                "sort": "" if self.sort == "score" else self.sort,
                "department": self.department or "",
                "flag": self.flag,
                **more,
            }
        )


def review_query(values: dict[str, Any]) -> str:
    """Return a review page's query string, the values left at their default (empty) left out."""
    return urlencode({k: v for k, v in values.items() if v})


@dataclass(frozen=True)
class RoundReview:
    pairs: Page
    departments: QuerySet[Department]
    unmatched_count: int


def round_pairs(*, matching_round: MatchingRound, filters: ReviewFilters) -> QuerySet[RoundPair]:
    """Return a round's pairs that pass the filters, in the order asked for."""
    pairs = matching_round.pairs.all()
    if filters.department is not None:
        pairs = pairs.filter(mentee__membership__department=filters.department)
    if filters.flag in FLAGS:
        pairs = pairs.filter(FLAGS[filters.flag])
    return pairs.order_by(*SORTS.get(filters.sort, SORTS["score"]))


def round_review(
    *, matching_round: MatchingRound, filters: ReviewFilters, page: str | None
) -> RoundReview:
    """Return one page of a round's pairs and what the filters offer to choose from."""
    # Page through the pairs' ids alone, then load the page's rows with their people: a
    # page deep into a large round then skips index entries, not rows joined six ways.
    ids: Any = round_pairs(matching_round=matching_round, filters=filters).values_list(
        "pk", flat=True
    )
    if filters.department is not None or filters.flag in FLAGS:
        # A filter joins the people's memberships for every pair of the round, and counting
        # the pairs would join them again: read the ids that pass once and count those.
        ids = list(ids)
    shown = Paginator(ids, PAGE_SIZE).get_page(page)
    rows = (
        RoundPair.objects.select_related(
            "mentee__user",
            "mentor__user",
            "focus",
            "peer_focus",
            "mentee__membership__department",
            "mentor__membership__department",
        )
        # What the table shows, and no more: a profile's other fields cost time to read.
        .only(
            "score",
            "locked",
            "proposal",
            "reasons",
            "focus__name",
            "peer_focus__name",
            "mentee__user__full_name",
            "mentee__membership__department__name",
            "mentor__user__full_name",
            "mentor__membership__department__name",
        )
        .in_bulk(list(shown.object_list))
    )
    shown.object_list = [rows[pk] for pk in shown.object_list if pk in rows]
    return RoundReview(
        pairs=shown,
        departments=Department.objects.filter(
            organization=matching_round.program.organization_id
        ).order_by("name"),
        unmatched_count=len((matching_round.report or {}).get("unmatched", [])),
    )


EXPORT_HEADERS = [
    "Mentee",
    "Mentee's department",
    "Mentor",
    "Mentor's department",
    "Focus",
    "Fit %",
    "Locked",
    "Why",
]


def round_pair_rows(*, matching_round: MatchingRound, filters: ReviewFilters) -> list[Row]:
    """Return every pair the filters pass, in their order, as the review table shows them."""
    pairs = round_pairs(matching_round=matching_round, filters=filters).values_list(
        "mentee__user__full_name",
        "mentee__membership__department__name",
        "mentor__user__full_name",
        "mentor__membership__department__name",
        "focus__name",
        "score",
        "locked",
        "reasons",
    )
    rows: list[Row] = []
    for mentee, mentee_in, mentor, mentor_in, focus, score, locked, reasons in pairs.iterator(
        chunk_size=5000
    ):
        rows.append(
            [
                mentee,
                mentee_in or "",
                mentor,
                mentor_in or "",
                focus or "",
                round(score * 100),
                "yes" if locked else "",
                "; ".join(reasons or []),
            ]
        )
    return rows


def round_unmatched(
    *,
    matching_round: MatchingRound,
    page: str | None,
    listed: str = "unmatched",
    key: str = "mentee",
) -> Page:
    """Return one page of the people a round left without (enough) matches, with names.

    ``listed`` names the report's list and ``key`` the enrollment id in each of its entries:
    a circles round lists its ``unplaced`` ``member``s.
    """
    unmatched = (matching_round.report or {}).get(listed, [])
    shown = Paginator(unmatched, PAGE_SIZE).get_page(page)
    names = dict(
        Enrollment.objects.filter(pk__in=[u[key] for u in shown.object_list]).values_list(
            "pk", "user__full_name"
        )
    )
    shown.object_list = [{**u, "name": names.get(u[key], "?")} for u in shown.object_list]
    return shown


def round_pair(*, matching_round: MatchingRound, pair_id: int) -> RoundPair:
    """Return one pair of the round with its people; otherwise raise NotFound."""
    pair = (
        matching_round.pairs.select_related(
            "mentee__user", "mentee__program", "mentor__user", "focus"
        )
        .filter(pk=pair_id)
        .first()
    )
    if pair is None:
        raise NotFound("No such pair in this round.")
    return pair


def _pairs_count(pairs: QuerySet[RoundPair]) -> Coalesce:
    counted = pairs.order_by().values("round").annotate(n=Count("pk")).values("n")[:1]
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass(frozen=True)
class SwapSearch:
    refusal: Refusal | None
    mentors: list[Enrollment]


def swap_mentors(*, matching_round: MatchingRound, pair: RoundPair, q: str) -> SwapSearch:
    """Return up to 20 people named like ``q`` whom the pairing policy allows for the pair's
    mentee, who still have a place once this round's other pairs are counted.

    Each carries ``places_left_here``. The swap itself checks the chosen person again.
    """
    mentee = pair.mentee
    refusal = seeker_refusal(mentee, focus=pair.focus)
    if refusal is not None:
        return SwapSearch(refusal=refusal, mentors=[])
    others = matching_round.pairs.exclude(pk=pair.pk)
    in_round: Any = _pairs_count(others.filter(mentor=OuterRef("pk")))
    together = Q(pk__in=others.filter(mentee=mentee).values("mentor"))
    if matching_round.program.is_peer:
        # A peer pair holds a place on both sides, whichever side of the row they are on.
        in_round = in_round + _pairs_count(others.filter(mentee=OuterRef("pk")))
        together |= Q(pk__in=others.filter(mentor=mentee).values("mentee"))
    allowed = (
        givers_for(mentee)
        .exclude(pk=pair.mentor_id)
        .exclude(together)
        .annotate(places_left_here=F("capacity") - F("places_given") - in_round)
        .filter(places_left_here__gt=0)
        .select_related("user", "membership__department")
        .order_by("user__full_name", "pk")
    )
    # The policy's many conditions make the planner guess that almost nobody passes, and
    # join the whole program the slow way; so ask it about a batch of named people at a
    # time. Taking part and a free place are part of the policy, so the batch can leave
    # out people who offer no place at all.
    named = (
        Enrollment.objects.filter(
            program=matching_round.program,
            user__full_name__icontains=q,
            accepting_now=True,
            capacity__gt=0,
        )
        .order_by("user__full_name", "pk")
        .values_list("pk", flat=True)
    )
    mentors: list[Enrollment] = []
    for start in range(0, SWAP_SEARCH_SCAN, SWAP_SEARCH_BATCH):
        batch = list(named[start : start + SWAP_SEARCH_BATCH])
        mentors += allowed.filter(pk__in=batch)[: SWAP_SEARCH_LIMIT - len(mentors)]
        if len(mentors) >= SWAP_SEARCH_LIMIT or len(batch) < SWAP_SEARCH_BATCH:
            break
    return SwapSearch(refusal=None, mentors=mentors)


def swap_candidate(*, matching_round: MatchingRound, enrollment_id: int) -> Enrollment | None:
    """Return the chosen person if they take part in the round's program."""
    return (
        Enrollment.objects.filter(program=matching_round.program, pk=enrollment_id)
        .select_related("user", "program")
        .first()
    )

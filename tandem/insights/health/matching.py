"""Enrolment and matching over time: who joins and leaves, match rate, time to match."""

import datetime
import statistics
from collections.abc import Sequence

from django.db.models import (
    Count,
    DateTimeField,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce

from tandem.insights.health.scope import (
    Chart,
    Scope,
    Series,
    _by_month,
    _month,
    _open_at,
    _relationships,
    _share,
)
from tandem.programs.models import Enrollment
from tandem.relationships.models import (
    MentorshipRequest,
    Proposal,
)

# Enrolment -------------------------------------------------------------------------------


def _left(scope: Scope) -> Q:
    # Leaving keeps the profile and marks it withdrawn; its last change is when they left.
    return Q(status=Enrollment.Status.WITHDRAWN)


def enrolment(scope: Scope) -> Chart:
    enrollments = Enrollment.objects.filter(program_id__in=scope.program_ids)
    joined = _by_month(
        scope,
        enrollments.filter(created_at__gte=scope.start)
        .annotate(m=_month("created_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .values_list("m", "n"),
    )
    left = _by_month(
        scope,
        enrollments.filter(_left(scope), updated_at__gte=scope.start)
        .annotate(m=_month("updated_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .values_list("m", "n"),
    )
    before = enrollments.filter(created_at__lt=scope.start).aggregate(
        n=Count("id"), gone=Count("id", filter=_left(scope) & Q(updated_at__lt=scope.start))
    )
    taking_part: list[float | None] = []
    running = float(before["n"] - before["gone"])
    for came, went in zip(joined, left, strict=True):
        running += came - went
        taking_part.append(running)
    return Chart(
        slug="enrolment",
        title="Enrolment",
        summary="People who joined and left the program each month, and how many take part.",
        axis="people",
        label_header="Month",
        labels=scope.labels,
        series=[
            Series("Joined", list(joined)),
            Series("Left", list(left)),
            Series("Taking part at month end", taking_part),
        ],
    )


# Matching --------------------------------------------------------------------------------


def match_rate(scope: Scope) -> Chart:
    seekers = Enrollment.objects.filter(program_id__in=scope.program_ids).filter(
        Q(is_mentee=True) | Q(is_peer=True)
    )
    seeking = seekers.aggregate(
        **{
            f"m{i}": Count(
                "id",
                filter=Q(created_at__lte=scope.month_end(i))
                & ~(_left(scope) & Q(updated_at__lte=scope.month_end(i))),
            )
            for i in range(len(scope.months))
        }
    )
    peers = Q(program_id__in=scope.peer_program_ids)
    matched = _relationships(scope).aggregate(
        **{
            f"m{i}": Count("mentee", distinct=True, filter=_open_at(scope.month_end(i)))
            for i in range(len(scope.months))
        },
        **{
            f"p{i}": Count("mentor", distinct=True, filter=_open_at(scope.month_end(i)) & peers)
            for i in range(len(scope.months))
        },
    )
    seeking_n = [float(seeking[f"m{i}"]) for i in range(len(scope.months))]
    # A peer may be on either side of a pair; never count more matched than seeking.
    matched_n = [
        min(float(matched[f"m{i}"] + matched[f"p{i}"]), seeking_n[i])
        for i in range(len(scope.months))
    ]
    return Chart(
        slug="match-rate",
        title="Match rate",
        summary="Share of the people seeking a mentor (or a peer) who were in a relationship "
        "that had started and not closed, at the end of each month.",
        axis="% of seeking people",
        label_header="Month",
        labels=scope.labels,
        series=[
            Series(
                "Matched (%)",
                [_share(m, s) for m, s in zip(matched_n, seeking_n, strict=True)],
                decimals=1,
            ),
            Series("Seeking", list(seeking_n), plotted=False),
            Series("Matched", list(matched_n), plotted=False),
        ],
    )


def _asked_at() -> Coalesce:
    """Return when the pair was first asked for: the proposal, or the accepted request."""
    request = MentorshipRequest.objects.filter(
        mentee=OuterRef("mentee"),
        mentor=OuterRef("mentor"),
        focus=OuterRef("focus"),
        status=MentorshipRequest.Status.ACCEPTED,
    ).order_by("-created_at")
    return Coalesce(
        F("proposal__created_at"),
        Subquery(request.values("created_at")[:1]),
        output_field=DateTimeField(),
    )


def agreement_times(
    scope: Scope, *, since: datetime.datetime | None = None
) -> list[tuple[int, datetime.datetime, float]]:
    """Return (program, agreed at, days from the ask to both signatures) for each new pair."""
    rows = (
        _relationships(scope)
        .filter(started_at__gte=since or scope.start)
        .annotate(asked=_asked_at())
        .filter(asked__isnull=False)
        .values_list("program_id", "started_at", "asked")
    )
    times: list[tuple[int, datetime.datetime, float]] = []
    for program, started, asked in rows:
        # An ask dated after the start would be bad data, not a negative wait.
        if started is not None and started >= asked:
            times.append((program, started, (started - asked).total_seconds() / 86400))
    return times


def percentile(values: Sequence[float], share: float) -> float | None:
    """Return the value below which `share` of the values fall (linear interpolation)."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def time_to_match(scope: Scope) -> Chart:
    waits: list[list[float]] = [[] for _ in scope.months]
    for _, started, days in agreement_times(scope):
        index = scope.index_of(started)
        if index is not None:
            waits[index].append(days)
    return Chart(
        slug="time-to-match",
        title="Time to match",
        summary="Days from a request or a proposed match to the agreement both people "
        "signed, for the pairs that signed in each month.",
        axis="days",
        label_header="Month signed",
        labels=scope.labels,
        series=[
            Series("Median (days)", [_median(w) for w in waits], decimals=1),
            Series("90th percentile (days)", [percentile(w, 0.9) for w in waits], decimals=1),
            Series("Pairs signed", [float(len(w)) for w in waits], plotted=False),
        ],
    )


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _answered(model: type[Proposal] | type[MentorshipRequest], scope: Scope) -> list[list[float]]:
    accepted = model.Status.ACCEPTED
    rows = (
        model.objects.filter(program_id__in=scope.program_ids, created_at__gte=scope.start)
        .exclude(status=model.Status.PENDING)
        .exclude(status=getattr(model.Status, "WITHDRAWN", "-"))
        .annotate(m=_month("created_at"))
        .values_list("m")
        .annotate(n=Count("id"), yes=Count("id", filter=Q(status=accepted)))
        .values_list("m", "n", "yes")
    )
    answered = [0.0] * len(scope.months)
    yes = [0.0] * len(scope.months)
    for moment, n, y in rows:
        index = scope.index_of(moment)
        if index is not None:
            answered[index] += n
            yes[index] += y
    return [answered, yes]


def acceptance(scope: Scope) -> Chart:
    proposals, proposals_yes = _answered(Proposal, scope)
    requests, requests_yes = _answered(MentorshipRequest, scope)
    return Chart(
        slug="acceptance",
        title="Proposal and request acceptance",
        summary="Of the proposed matches and the requests made each month that got an "
        "answer or ran out of time, the share that both sides accepted.",
        axis="% accepted",
        label_header="Month made",
        labels=scope.labels,
        series=[
            Series(
                "Proposals accepted (%)",
                [_share(y, n) for y, n in zip(proposals_yes, proposals, strict=True)],
                decimals=1,
            ),
            Series(
                "Requests accepted (%)",
                [_share(y, n) for y, n in zip(requests_yes, requests, strict=True)],
                decimals=1,
            ),
            Series("Proposals decided", proposals, plotted=False),
            Series("Requests decided", requests, plotted=False),
        ],
    )

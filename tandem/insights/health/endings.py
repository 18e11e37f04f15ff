"""Pauses, closures and their reasons, rematches, and cohorts by quarter."""

import datetime

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
)
from django.db.models.functions import TruncQuarter
from django.utils import timezone

from tandem.insights.health.matching import _median, agreement_times
from tandem.insights.health.scope import (
    MIN_GROUP,
    Chart,
    Scope,
    Series,
    _by_month,
    _local_midnight,
    _month,
    _relationships,
    _share,
)
from tandem.programs.models import Enrollment
from tandem.relationships.models import (
    Meeting,
    Relationship,
)

# Endings and new starts ------------------------------------------------------------------


def pauses_and_closures(scope: Scope) -> Chart:
    # A pause sets paused_at once; the audit trail keeps every pause, past ones included.
    pauses = (
        Relationship.history.filter(
            program_id__in=scope.program_ids, paused_at__gte=scope.start, paused_at__lte=scope.now
        )
        .values_list("id", "paused_at")
        .distinct()
    )
    paused = _by_month(scope, ((moment, 1) for _, moment in pauses))
    closed = _by_month(
        scope,
        _relationships(scope)
        .filter(closed_at__gte=scope.start)
        .annotate(m=_month("closed_at"))
        .values_list("m")
        .annotate(n=Count("id"))
        .values_list("m", "n"),
    )
    return Chart(
        slug="pauses-closures",
        title="Pauses and closures",
        summary="Relationships paused and relationships closed, each month.",
        axis="relationships",
        label_header="Month",
        labels=scope.labels,
        series=[Series("Paused", paused), Series("Closed", closed)],
    )


def _cell_safe(n: int, total: int) -> bool:
    # Why a pair closed is theirs: a count shows only where it cannot point at fewer than
    # five relationships, inside it or outside it (the rule of matching/engine/quality.py).
    return n == 0 or (n >= MIN_GROUP and total - n >= MIN_GROUP)


def closure_reasons(scope: Scope) -> Chart:
    counts = dict(
        _relationships(scope)
        .filter(closed_at__gte=scope.start)
        .values_list("close_reason")
        .annotate(n=Count("id"))
        .values_list("close_reason", "n")
    )
    total = sum(counts.values())
    labels = [str(reason.label) for reason in Relationship.CloseReason]
    counts_by_row = [counts.get(reason.value, 0) for reason in Relationship.CloseReason]
    shown = [_cell_safe(n, total) for n in counts_by_row]
    # What is hidden must not follow from the total by subtraction: while the hidden
    # counts add up to fewer than five, hide the smallest count still shown as well.
    while 0 < sum(n for n, ok in zip(counts_by_row, shown, strict=True) if not ok) < MIN_GROUP:
        visible = [i for i, ok in enumerate(shown) if ok and counts_by_row[i]]
        if not visible:
            break
        shown[min(visible, key=lambda i: counts_by_row[i])] = False
    hidden = sum(n for n, ok in zip(counts_by_row, shown, strict=True) if not ok)
    values: list[float | None] = [
        float(n) if ok else None for n, ok in zip(counts_by_row, shown, strict=True)
    ]
    labels.append("The reasons left blank, together")
    values.append(float(hidden) if hidden >= MIN_GROUP else (0.0 if hidden == 0 else None))
    return Chart(
        slug="closure-reasons",
        title="Closures by reason",
        summary=(
            "Why the relationship that ended in this period closed."
            if total == 1
            else f"Why the {total} relationships that ended in this period closed."
        ),
        axis="relationships",
        label_header="Reason",
        labels=labels,
        series=[Series("Closed", values)],
        kind="hbar",
        note=f"A reason shows its count only when it, and the rest together, cover at "
        f"least {MIN_GROUP} relationships each, so that nobody's reason can be worked out; "
        "the reasons left blank are counted together.",
    )


def _rematch() -> Exists:
    return Exists(
        Relationship.objects.filter(
            mentee=OuterRef("mentee"),
            status=Relationship.Status.CLOSED,
            closed_at__lte=OuterRef("created_at"),
        )
    )


def rematches(scope: Scope) -> Chart:
    rows = (
        _relationships(scope)
        .filter(created_at__gte=scope.start)
        .annotate(m=_month("created_at"), again=_rematch())
        .values_list("m")
        .annotate(n=Count("id"), again_n=Count("id", filter=Q(again=True)))
        .values_list("m", "n", "again_n")
    )
    new = [0.0] * len(scope.months)
    again = [0.0] * len(scope.months)
    for moment, n, a in rows:
        index = scope.index_of(moment)
        if index is not None:
            new[index] += n
            again[index] += a
    return Chart(
        slug="rematches",
        title="New pairs and rematches",
        summary="Pairs formed each month, and how many of them were a new match for a "
        "mentee whose earlier relationship in the program had closed.",
        axis="pairs",
        label_header="Month",
        labels=scope.labels,
        series=[Series("New pairs", new), Series("Rematches", again)],
        kind="bar",
    )


# Cohorts ---------------------------------------------------------------------------------


def _quarter(field_name: str) -> TruncQuarter:
    return TruncQuarter(field_name, tzinfo=timezone.get_current_timezone())


def _quarter_key(moment: datetime.datetime | datetime.date) -> tuple[int, int]:
    day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
    return (day.year, (day.month - 1) // 3 + 1)


def cohorts(scope: Scope) -> Chart:
    quarters = sorted({_quarter_key(m) for m in scope.months})
    slot = {q: i for i, q in enumerate(quarters)}
    first = datetime.date(quarters[0][0], 3 * quarters[0][1] - 2, 1)
    since = _local_midnight(first)
    n = len(quarters)
    pairs = [0.0] * n
    closed = [0.0] * n
    held = [0.0] * n
    for moment, count, shut, met in (
        _relationships(scope)
        .filter(started_at__gte=since)
        .annotate(q=_quarter("started_at"))
        .values_list("q")
        .annotate(
            n=Count("id", distinct=True),
            shut=Count("id", distinct=True, filter=Q(status=Relationship.Status.CLOSED)),
            met=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD)),
        )
        .values_list("q", "n", "shut", "met")
    ):
        i = slot.get(_quarter_key(moment))
        if i is not None:
            pairs[i] += count
            closed[i] += shut
            held[i] += met
    waits: list[list[float]] = [[] for _ in quarters]
    for _, started, days in agreement_times(scope, since=since):
        i = slot.get(_quarter_key(started))
        if i is not None:
            waits[i].append(days)
    joined = [0.0] * n
    matched = [0.0] * n
    ever = Exists(
        Relationship.objects.filter(
            Q(mentee=OuterRef("pk")) | Q(mentor=OuterRef("pk"), program__format="peer"),
            started_at__isnull=False,
        )
    )
    for moment, count, m in (
        Enrollment.objects.filter(
            Q(is_mentee=True) | Q(is_peer=True),
            program_id__in=scope.program_ids,
            created_at__gte=since,
        )
        .annotate(q=_quarter("created_at"), found=ever)
        .values_list("q")
        .annotate(n=Count("id"), m=Count("id", filter=Q(found=True)))
        .values_list("q", "n", "m")
    ):
        i = slot.get(_quarter_key(moment))
        if i is not None:
            joined[i] += count
            matched[i] += m
    return Chart(
        slug="cohorts",
        title="Cohorts by term",
        summary="People who joined, and pairs who started, in each quarter, followed to "
        "today: how many were matched, how fast, how often they met, how many closed.",
        axis="%",
        label_header="Quarter",
        labels=[f"Q{q} {y}" for y, q in quarters],
        series=[
            Series(
                "Joined and since matched (%)",
                [_share(m, j) for m, j in zip(matched, joined, strict=True)],
                decimals=1,
            ),
            Series(
                "Pairs closed since (%)",
                [_share(c, p) for c, p in zip(closed, pairs, strict=True)],
                decimals=1,
            ),
            Series("People seeking who joined", joined, plotted=False),
            Series("Pairs started", pairs, plotted=False),
            Series("Median days to agreement", [_median(w) for w in waits], False, 1),
            Series(
                "Meetings held per pair",
                [h / p if p else None for h, p in zip(held, pairs, strict=True)],
                False,
                1,
            ),
        ],
        kind="bar",
    )

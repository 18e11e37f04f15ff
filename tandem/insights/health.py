"""Program health over time: the figures behind each chart, as tables.

Each chart is a function of a `Scope` (the programs and the months) that returns a `Chart`:
its row labels, its series and a sentence saying what it shows. Every figure comes from a
small, fixed number of aggregate queries over the scope, whatever its size; Python only
buckets what the database counted, or ranks the durations one query returned for medians
(SQLite has no percentile function). What people wrote never enters a chart: check-in
scores are averaged only over months with at least five distinct authors, and reasons for
closing only where no count points at fewer than five relationships.
"""

import datetime
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter
from django.utils import timezone

from tandem.programs.models import CADENCE_DAYS, Enrollment, Program
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Meeting,
    MentorshipRequest,
    Proposal,
    Relationship,
)
from tandem.relationships.selectors import ProgramRelationshipStats

PERIODS = (6, 12, 24)
DEFAULT_PERIOD = 12
MIN_GROUP = ProgramRelationshipStats.MIN_GROUP

Cell = str | int


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    # Shown in the table and the downloads; drawn only when it shares the chart's unit.
    plotted: bool = True
    # Whole numbers print as such; rates and averages with one decimal.
    decimals: int = 0


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    summary: str
    axis: str
    label_header: str
    labels: list[str]
    series: list[Series]
    kind: str = "line"
    note: str = ""

    @property
    def headers(self) -> list[str]:
        return [self.label_header, *(s.name for s in self.series)]

    def rows(self) -> list[list[Cell]]:
        """Return the table: one row per label, one column per series; blank where hidden."""
        return [
            [label, *(_cell(s.values[i], s.decimals) for s in self.series)]
            for i, label in enumerate(self.labels)
        ]

    @property
    def plotted(self) -> list[Series]:
        return [s for s in self.series if s.plotted]

    @property
    def has_data(self) -> bool:
        return any(v for s in self.plotted for v in s.values)


def _cell(value: float | None, decimals: int) -> Cell:
    if value is None:
        return ""
    if decimals == 0:
        return round(value)
    return f"{value:.{decimals}f}"


@dataclass(frozen=True)
class Scope:
    """The programs a health page covers and the months it shows, oldest first."""

    program_ids: list[int]
    months: list[datetime.date]
    now: datetime.datetime
    peer_program_ids: list[int] = field(default_factory=list)

    @property
    def start(self) -> datetime.datetime:
        return _local_midnight(self.months[0])

    def month_end(self, index: int) -> datetime.datetime:
        """Return the end of the month at index, or now for the month under way."""
        if index + 1 < len(self.months):
            return _local_midnight(self.months[index + 1])
        return self.now

    def month_middle(self, index: int) -> datetime.datetime:
        start = _local_midnight(self.months[index])
        return min(start + (self.month_end(index) - start) / 2, self.now)

    def days_in(self, index: int) -> float:
        start = _local_midnight(self.months[index])
        return (self.month_end(index) - start).total_seconds() / 86400

    @property
    def labels(self) -> list[str]:
        return [f"{m:%b %Y}" for m in self.months]

    def index_of(self, moment: datetime.datetime | datetime.date | None) -> int | None:
        """Return the month a truncated timestamp falls in, or None outside the scope."""
        if moment is None:
            return None
        day = timezone.localtime(moment).date() if isinstance(moment, datetime.datetime) else moment
        key = day.replace(day=1)
        try:
            return self.months.index(key)
        except ValueError:
            return None


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def period_months(value: object) -> int | None:
    """Return the period asked for in months, or None when it is not one on offer."""
    try:
        months = int(str(value))
    except (TypeError, ValueError):
        return None
    return months if months in PERIODS else None


def scope_for(
    programs: Iterable[Program], *, months: int, now: datetime.datetime | None = None
) -> Scope:
    """Return the scope of these programs over the last `months` months, this one included."""
    now = now or timezone.now()
    first = timezone.localtime(now).date().replace(day=1)
    days: list[datetime.date] = []
    for _ in range(months):
        days.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    programs = list(programs)
    return Scope(
        program_ids=[p.pk for p in programs],
        months=days[::-1],
        now=now,
        peer_program_ids=[p.pk for p in programs if p.format == Program.Format.PEER],
    )


def _month(field_name: str) -> TruncMonth:
    return TruncMonth(field_name, tzinfo=timezone.get_current_timezone())


def _by_month(scope: Scope, rows: Iterable[tuple[datetime.datetime | None, int]]) -> list[float]:
    counts = [0.0] * len(scope.months)
    for moment, n in rows:
        index = scope.index_of(moment)
        if index is not None:
            counts[index] += n
    return counts


def _relationships(scope: Scope) -> QuerySet[Relationship]:
    return Relationship.objects.filter(program_id__in=scope.program_ids)


def _share(part: float | None, whole: float | None) -> float | None:
    if not whole or part is None:
        return None
    return 100 * part / whole


def _open_at(moment: datetime.datetime) -> Q:
    return Q(started_at__lte=moment) & (Q(closed_at__isnull=True) | Q(closed_at__gt=moment))


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


# Rhythm ----------------------------------------------------------------------------------


def _cadence() -> Subquery:
    signed = Agreement.objects.filter(
        relationship=OuterRef("pk"),
        mentor_signed_at__isnull=False,
        mentee_signed_at__isnull=False,
    ).order_by("-version")
    return Subquery(signed.values("cadence")[:1])


def meetings(scope: Scope) -> Chart:
    rows = (
        Meeting.objects.filter(
            relationship__program_id__in=scope.program_ids,
            starts_at__gte=scope.start,
            starts_at__lt=scope.now,
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .annotate(m=_month("starts_at"))
        .values_list("m")
        .annotate(n=Count("id"), held=Count("id", filter=Q(status=Meeting.Status.HELD)))
        .values_list("m", "n", "held")
    )
    planned = [0.0] * len(scope.months)
    held = [0.0] * len(scope.months)
    for moment, n, h in rows:
        index = scope.index_of(moment)
        if index is not None:
            planned[index] += n
            held[index] += h
    # What the agreed rhythms ask for: each pair working at mid-month owes the month's
    # days divided by its cadence; a pair paused now is left out of this month.
    working = (
        _relationships(scope)
        .exclude(status=Relationship.Status.PAUSED, paused_at__lte=scope.now)
        .annotate(cadence=_cadence())
        .filter(cadence__isnull=False)
        .values("cadence")
        .annotate(
            **{
                f"m{i}": Count("id", filter=_open_at(scope.month_middle(i)))
                for i in range(len(scope.months))
            }
        )
    )
    expected = [0.0] * len(scope.months)
    for row in working:
        for i in range(len(scope.months)):
            expected[i] += row[f"m{i}"] * scope.days_in(i) / CADENCE_DAYS[row["cadence"]]
    return Chart(
        slug="meetings",
        title="Meetings planned and held",
        summary="Meetings planned for each month (not cancelled), those marked as held, and "
        "how many the pairs' agreed rhythms called for.",
        axis="meetings",
        label_header="Month",
        labels=scope.labels,
        series=[
            Series("Planned", planned),
            Series("Held", held),
            Series("Called for by the agreed rhythm", expected, decimals=1),
            Series(
                "Rhythm kept (% held of called for)",
                [_share(h, e) for h, e in zip(held, expected, strict=True)],
                plotted=False,
                decimals=1,
            ),
        ],
    )


def checkin_scores(scope: Scope) -> Chart:
    rows = (
        CheckIn.objects.filter(
            relationship__program_id__in=scope.program_ids, created_at__gte=scope.start
        )
        .annotate(m=_month("created_at"))
        .values_list("m")
        .annotate(
            authors=Count("author", distinct=True),
            going=Avg("going"),
            goals=Avg("meeting_goals"),
        )
        .values_list("m", "authors", "going", "goals")
    )
    going: list[float | None] = [None] * len(scope.months)
    goals: list[float | None] = [None] * len(scope.months)
    hidden = 0
    for moment, authors, g, m in rows:
        index = scope.index_of(moment)
        if index is None:
            continue
        # Fewer than five people could be picked out of an average: show nothing.
        if authors < MIN_GROUP:
            hidden += 1
            continue
        going[index], goals[index] = g, m
    return Chart(
        slug="checkins",
        title="Check-in scores",
        summary="Average answers to the private check-ins (1 to 5): how it is going, and "
        "whether it helps with the goals.",
        axis="average score (1 to 5)",
        label_header="Month",
        labels=scope.labels,
        series=[
            Series("How it is going", going, decimals=1),
            Series("Helping with the goals", goals, decimals=1),
        ],
        note=f"A month shows an average only when at least {MIN_GROUP} different people "
        "checked in; months with fewer are left blank.",
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
            "Why the relationship closed in this period ended."
            if total == 1
            else f"Why the {total} relationships closed in this period ended."
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


CHARTS: dict[str, Callable[[Scope], Chart]] = {
    "enrolment": enrolment,
    "match-rate": match_rate,
    "time-to-match": time_to_match,
    "acceptance": acceptance,
    "meetings": meetings,
    "checkins": checkin_scores,
    "pauses-closures": pauses_and_closures,
    "closure-reasons": closure_reasons,
    "rematches": rematches,
    "cohorts": cohorts,
}


def health_charts(scope: Scope) -> list[Chart]:
    """Return every chart of the health page for this scope."""
    return [build(scope) for build in CHARTS.values()]


def program_table(scope: Scope, programs: Sequence[Program]) -> Chart:
    """Return one row per program: who takes part, who is matched, and how pairs fare."""
    enrollments = {
        row["program_id"]: row
        for row in Enrollment.objects.filter(
            program_id__in=scope.program_ids, status=Enrollment.Status.ACTIVE
        )
        .values("program_id")
        .annotate(n=Count("id"), seeking=Count("id", filter=Q(is_mentee=True) | Q(is_peer=True)))
    }
    pairs = {
        row["program_id"]: row
        for row in _relationships(scope)
        .values("program_id")
        .annotate(
            open=Count("id", filter=_open_at(scope.now)),
            matched=Count("mentee", distinct=True, filter=_open_at(scope.now)),
            peers=Count("mentor", distinct=True, filter=_open_at(scope.now)),
            closed=Count("id", filter=Q(closed_at__gte=scope.start)),
        )
    }
    held = dict(
        Meeting.objects.filter(
            relationship__program_id__in=scope.program_ids,
            status=Meeting.Status.HELD,
            starts_at__gte=scope.start,
        )
        .values_list("relationship__program_id")
        .annotate(n=Count("id"))
        .values_list("relationship__program_id", "n")
    )
    waits: dict[int, list[float]] = {}
    for program_id, _, days in agreement_times(scope):
        waits.setdefault(program_id, []).append(days)
    labels: list[str] = []
    columns: list[list[float | None]] = [[] for _ in range(7)]
    for program in programs:
        people = enrollments.get(program.pk, {})
        pair = pairs.get(program.pk, {})
        seeking = people.get("seeking", 0)
        matched = pair.get("matched", 0)
        if program.format == Program.Format.PEER:
            matched += pair.get("peers", 0)
        matched = min(matched, seeking)
        labels.append(program.name)
        for column, value in zip(
            columns,
            (
                people.get("n", 0),
                seeking,
                _share(matched, seeking),
                pair.get("open", 0),
                _median(waits.get(program.pk, [])),
                held.get(program.pk, 0),
                pair.get("closed", 0),
            ),
            strict=True,
        ):
            column.append(None if value is None else float(value))
    names = (
        ("Taking part", 0),
        ("Seeking", 0),
        ("Matched now (%)", 1),
        ("Open pairs", 0),
        ("Median days to agreement", 1),
        ("Meetings held", 0),
        ("Closed", 0),
    )
    return Chart(
        slug="programs",
        title="Programs",
        summary="Each program today, and over the period shown.",
        axis="",
        label_header="Program",
        labels=labels,
        series=[
            Series(name, column, plotted=False, decimals=decimals)
            for (name, decimals), column in zip(names, columns, strict=True)
        ],
        kind="table",
    )

"""What a health chart is made of: the scope of programs and months, series and charts."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import (
    Q,
    QuerySet,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tandem.programs.models import Program
from tandem.relationships.models import (
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
    # Programs whose admins run matching rounds: their cohorts are their rounds.
    round_program_ids: list[int] = field(default_factory=list)

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
        round_program_ids=[
            p.pk for p in programs if p.matching_mode != Program.MatchingMode.CHOICE
        ],
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

"""Who gets matched, how fast, and to whom: by department, level and self-described group.

Every figure counts people, and no figure lets a reader single out fewer than
``MIN_GROUP`` of them:

- a group's row shows only when the group, the people outside it, its matched and its
  unmatched people, and those outside it matched and unmatched, are each at least
  ``MIN_GROUP`` (so nothing can be had by taking the row from the total);
- against every other period and source the page offers, a row whose counts are the
  same shows or hides with it, and a row whose counts differ by fewer than ``MIN_GROUP``
  hides in both (so nothing can be had by taking one period's row from another's);
- departments and levels add up to the total, so when some rows are hidden, more are
  hidden until the hidden ones together hold at least ``MIN_GROUP`` people, matched and
  unmatched, over at least two groups (so nothing can be had by taking the shown rows
  from the total);
- a self-described attribute counts only while its holder lets matching use it
  (``consented_identity``, the rule the matching engine follows); without that consent the
  person counts in no group at all.

Level is whether the person leads people in the organization (someone reports to them):
the one sign of seniority a membership carries.
"""

import datetime
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.matching.engine.quality import MIN_GROUP
from tandem.programs.models import (
    Enrollment,
    IdentityAttribute,
    IdentityUse,
    Program,
    consented_identity,
)
from tandem.relationships.models import Relationship

# Periods of enrolment the page offers, in days back from today (None: since the start).
WINDOWS: dict[str, tuple[str, int | None]] = {
    "all": ("Since the program started", None),
    "12": ("Joined in the last 12 months", 365),
    "6": ("Joined in the last 6 months", 182),
}
SOURCES: dict[str, str] = {
    "all": "Any way of matching",
    "rounds": "Matching rounds",
    "choice": "Mentee's choice (requests)",
}
ORIGINS = {
    "rounds": (Relationship.Origin.PROPOSAL,),
    "choice": (Relationship.Origin.REQUEST,),
    "all": tuple(Relationship.Origin.values),
}
# A group is flagged when its match rate is this many points below everyone else's...
RATE_MARGIN = 10
# ...or when its median wait is this many days longer than everyone else's.
DAYS_MARGIN = 14
LEADER = "Leads people"
CONTRIBUTOR = "Individual contributor"
NO_DEPARTMENT = "No department"
DIMENSIONS = (("department", "Department"), ("level", "Level"), ("group", "Self-described"))
PARTITIONS = ("department", "level")


@dataclass(frozen=True)
class Match:
    days: float
    other_department: bool
    other_level: bool


@dataclass(frozen=True)
class Seeker:
    """One person seeking help in the program, and their first match by each source."""

    enrolled_at: datetime.datetime
    department: str
    level: str
    groups: frozenset[str]
    matches: dict[str, Match]

    def labels(self, dimension: str) -> Iterable[str]:
        if dimension == "department":
            return (self.department,)
        if dimension == "level":
            return (self.level,)
        return self.groups


@dataclass(frozen=True)
class Counts:
    people: int
    matched: int
    other_department: int
    other_level: int
    days: tuple[float, ...]

    @property
    def unmatched(self) -> int:
        return self.people - self.matched


def count(seekers: Iterable[Seeker], source: str) -> Counts:
    return count_by_source(seekers)[source]


def count_by_source(seekers: Iterable[Seeker]) -> dict[str, Counts]:
    """Count people, matches and waits for every source in one pass over the people."""
    people = 0
    matched = dict.fromkeys(SOURCES, 0)
    other_department = dict.fromkeys(SOURCES, 0)
    other_level = dict.fromkeys(SOURCES, 0)
    days: dict[str, list[float]] = {source: [] for source in SOURCES}
    for seeker in seekers:
        people += 1
        for source, match in seeker.matches.items():
            matched[source] += 1
            other_department[source] += match.other_department
            other_level[source] += match.other_level
            days[source].append(match.days)
    return {
        source: Counts(
            people,
            matched[source],
            other_department[source],
            other_level[source],
            tuple(days[source]),
        )
        for source in SOURCES
    }


def _safe(*values: int) -> bool:
    return all(value >= MIN_GROUP for value in values)


def row_safe(row: Counts, total: Counts) -> bool:
    """Whether a row and everything its difference from the total gives are large enough."""
    return _safe(
        row.people,
        total.people - row.people,
        row.matched,
        total.matched - row.matched,
        row.unmatched,
        total.unmatched - row.unmatched,
    )


@dataclass
class Row:
    """One group's figures, or only its name where they are suppressed."""

    dimension: str
    group: str
    counts: Counts
    shown: bool = True
    other_department_shown: bool = True
    other_level_shown: bool = True
    flags: list[str] = field(default_factory=list)

    @property
    def people(self) -> int | None:
        return self.counts.people if self.shown else None

    @property
    def matched(self) -> int | None:
        return self.counts.matched if self.shown else None

    @property
    def match_rate(self) -> float | None:
        if not self.shown or not self.counts.people:
            return None
        return round(100 * self.counts.matched / self.counts.people, 1)

    @property
    def median_days(self) -> float | None:
        if not self.shown or not self.counts.days:
            return None
        return round(statistics.median(self.counts.days), 1)

    @property
    def other_department_share(self) -> float | None:
        if not (self.shown and self.other_department_shown and self.counts.matched):
            return None
        return round(100 * self.counts.other_department / self.counts.matched, 1)

    @property
    def other_level_share(self) -> float | None:
        if not (self.shown and self.other_level_shown and self.counts.matched):
            return None
        return round(100 * self.counts.other_level / self.counts.matched, 1)


@dataclass
class Table:
    window: str
    source: str
    total: Row
    rows: list[Row]
    cohorts: list[Row]

    @property
    def flagged(self) -> list[Row]:
        return [row for row in self.rows if row.flags]


def seekers_of(program: Program) -> list[Seeker]:
    """Load the program's seekers and their first match by each source: four queries.

    A seeker is a mentee, or in a peer program a peer; a peer is matched on whichever side
    of a pair they stand.
    """
    leaders = set(
        Membership.objects.filter(organization_id=program.organization_id, manager__isnull=False)
        .values_list("manager_id", flat=True)
        .distinct()
    )
    seeking = Enrollment.objects.filter(program=program).filter(Q(is_mentee=True) | Q(is_peer=True))
    people = {
        pk: (enrolled_at, dept or NO_DEPARTMENT, membership in leaders)
        for pk, enrolled_at, membership, dept in seeking.values_list(
            "pk", "created_at", "membership_id", "membership__department__name"
        )
    }
    # Only the attributes of people who let matching use them are read at all.
    groups = {
        pk: consented_identity(use, attributes if isinstance(attributes, list) else [])
        for pk, use, attributes in seeking.filter(identity_use=IdentityUse.MATCH)
        .exclude(identity_attributes=[])
        .values_list("pk", "identity_use", "identity_attributes")
    }
    first: dict[int, dict[str, Match]] = {}
    # In a peer program both people in a pair sought a peer, so each side is matched, with
    # their own wait and measured against the other; elsewhere only the mentee sought help.
    peer = program.format == Program.Format.PEER
    pairs = (
        Relationship.objects.filter(program=program)
        .order_by("created_at", "pk")
        .values_list(
            "created_at",
            "origin",
            "mentee_id",
            "mentee__membership__department__name",
            "mentee__membership_id",
            "mentor_id",
            "mentor__membership__department__name",
            "mentor__membership_id",
        )
    )
    for (
        made,
        origin,
        mentee_id,
        mentee_dept,
        mentee_membership,
        mentor_id,
        mentor_dept,
        mentor_membership,
    ) in pairs:
        sides: list[tuple[int, str | None, int | None]] = [
            (mentee_id, mentor_dept, mentor_membership)
        ]
        if peer:
            sides.append((mentor_id, mentee_dept, mentee_membership))
        for seeker, partner_dept, partner_membership in sides:
            if seeker not in people:
                continue
            enrolled, dept, leads = people[seeker]
            match = Match(
                days=max(0.0, (made - enrolled).total_seconds() / 86400),
                other_department=dept != (partner_dept or NO_DEPARTMENT),
                other_level=leads != (partner_membership in leaders),
            )
            mine = first.setdefault(seeker, {})
            mine.setdefault("all", match)
            for source, origins in ORIGINS.items():
                if source != "all" and origin in origins:
                    mine.setdefault(source, match)
    return [
        Seeker(
            enrolled_at=enrolled_at,
            department=dept,
            level=LEADER if leads else CONTRIBUTOR,
            groups=groups.get(pk, frozenset()),
            matches=first.get(pk, {}),
        )
        for pk, (enrolled_at, dept, leads) in people.items()
    ]


def _in_window(seekers: Sequence[Seeker], window: str, now: datetime.datetime) -> list[Seeker]:
    days = WINDOWS[window][1]
    if days is None:
        return list(seekers)
    since = now - datetime.timedelta(days=days)
    return [s for s in seekers if s.enrolled_at >= since]


def _members(seekers: Sequence[Seeker]) -> dict[tuple[str, str], list[Seeker]]:
    members: dict[tuple[str, str], list[Seeker]] = {}
    for seeker in seekers:
        for dimension, _ in DIMENSIONS:
            for label in seeker.labels(dimension):
                members.setdefault((dimension, label), []).append(seeker)
    return members


def _group_counts(seekers: Sequence[Seeker], source: str) -> dict[tuple[str, str], Counts]:
    return {key: count(people, source) for key, people in _members(seekers).items()}


View = tuple[str, str]
Key = tuple[str, str]


def _views(
    seekers: Sequence[Seeker], now: datetime.datetime
) -> dict[View, tuple[Counts, dict[Key, Counts]]]:
    """Count every period and source the page offers; a view too small to show is left out."""
    views = {}
    for window in WINDOWS:
        people = _in_window(seekers, window, now)
        totals = count_by_source(people)
        members = {key: count_by_source(group) for key, group in _members(people).items()}
        for source in SOURCES:
            if _total_safe(totals[source]):
                groups = {key: counts[source] for key, counts in members.items()}
                views[(window, source)] = (totals[source], groups)
    return views


def _tied(a: Counts, b: Counts) -> bool:
    """Whether two views' counts of a group are the same or differ by a few people.

    Then one cannot show while the other hides: the same counts would give the hidden
    figure away, and a small difference is itself a handful of people.
    """
    diffs = _diffs(a, b)
    return all(d == 0 for d in diffs) or any(0 < d < MIN_GROUP for d in diffs)


def hidden_cells(views: dict[View, tuple[Counts, dict[Key, Counts]]]) -> set[tuple[View, Key]]:
    """Return the (view, group) figures to hide so that no view gives another's away.

    A group hides in a view when it is small there (``row_safe``); when its counts in
    another view are tied to these (``_tied``) and it hides there; and, for departments
    and levels, when more must hide for the hidden ones not to be had by subtraction.
    Hiding one can make another unsafe, so the rules run again until nothing changes.
    """
    hidden: set[tuple[View, Key]] = set()
    for view, (total, groups) in views.items():
        for key, counts in groups.items():
            if not row_safe(counts, total):
                hidden.add((view, key))
            for _, other_groups in views.values():
                theirs = other_groups.get(key)
                if theirs is not None and any(0 < d < MIN_GROUP for d in _diffs(counts, theirs)):
                    hidden.add((view, key))
    while True:
        before = len(hidden)
        for view, (_, groups) in views.items():
            for key, counts in groups.items():
                if (view, key) in hidden:
                    continue
                for other, (_, other_groups) in views.items():
                    theirs = other_groups.get(key)
                    if (other, key) in hidden and theirs is not None and _tied(counts, theirs):
                        hidden.add((view, key))
                        break
            for dimension in PARTITIONS:
                mine = {key for (v, key) in hidden if v == view}
                part = {key: c for key, c in groups.items() if key[0] == dimension}
                _suppress_partition(part, mine)
                hidden |= {(view, key) for key in mine}
        if len(hidden) == before:
            return hidden


def _diffs(a: Counts, b: Counts) -> tuple[int, int, int]:
    return (
        abs(a.people - b.people),
        abs(a.matched - b.matched),
        abs(a.unmatched - b.unmatched),
    )


def fairness_table(
    *,
    program: Program,
    window: str = "all",
    source: str = "all",
    now: datetime.datetime | None = None,
) -> Table:
    """Return the fairness table of one period and source, with every small cell suppressed."""
    now = now or timezone.now()
    window = window if window in WINDOWS else "all"
    source = source if source in SOURCES else "all"
    seekers, views, hidden = _reading(program, now)
    return _table(seekers, views, hidden, window, source, now)


def fairness_tables(*, program: Program, now: datetime.datetime | None = None) -> dict[View, Table]:
    """Return the table of every period and source the page offers, from one reading."""
    now = now or timezone.now()
    seekers, views, hidden = _reading(program, now)
    return {
        (window, source): _table(seekers, views, hidden, window, source, now)
        for window in WINDOWS
        for source in SOURCES
    }


def _reading(
    program: Program, now: datetime.datetime
) -> tuple[list[Seeker], dict[View, tuple[Counts, dict[Key, Counts]]], set[tuple[View, Key]]]:
    """Read the seekers and decide, over every view at once, which figures to hide."""
    seekers = seekers_of(program)
    views = _views(seekers, now)
    return seekers, views, hidden_cells(views)


def _table(
    seekers: Sequence[Seeker],
    views: dict[View, tuple[Counts, dict[Key, Counts]]],
    hidden: set[tuple[View, Key]],
    window: str,
    source: str,
    now: datetime.datetime,
) -> Table:
    people = _in_window(seekers, window, now)
    total = count(people, source)
    mine = (
        views[(window, source)][1] if (window, source) in views else _group_counts(people, source)
    )
    rows = []
    for (dimension, group), counts in mine.items():
        shown = (window, source) in views and ((window, source), (dimension, group)) not in hidden
        # As on a round's fairness table, a self-described group too small to show is not
        # named at all: even its name would say that someone in the program holds it.
        if dimension == "group" and not shown:
            continue
        rows.append(Row(dimension, _label(dimension, group), counts, shown=shown))
    rows.sort(key=lambda r: ([d for d, _ in DIMENSIONS].index(r.dimension), r.group.lower()))
    total_row = Row(dimension="total", group="Everyone", counts=total, shown=_total_safe(total))
    _hide_derivable_shares(rows, total_row)
    _flag(rows, total)
    return Table(
        window=window,
        source=source,
        total=total_row,
        rows=rows,
        cohorts=cohort_rows(seekers, source),
    )


_EMPTY = Counts(0, 0, 0, 0, ())


def _total_safe(total: Counts) -> bool:
    return _safe(total.people, total.matched, total.unmatched)


def _label(dimension: str, group: str) -> str:
    if dimension == "group":
        return IdentityAttribute(group).label
    return group


def _suppress_partition(groups: dict[Key, Counts], hidden: set[Key]) -> None:
    """Hide more groups until the hidden ones cannot be told apart by subtraction."""
    while True:
        gone = [c for key, c in groups.items() if key in hidden]
        if not gone or (
            len(gone) >= 2
            and _safe(
                sum(c.people for c in gone),
                sum(c.matched for c in gone),
                sum(c.unmatched for c in gone),
            )
        ):
            return
        left = [(c.people, key) for key, c in groups.items() if key not in hidden]
        if not left:
            return
        hidden.add(min(left)[1])


def _hide_derivable_shares(rows: list[Row], total: Row) -> None:
    """Show a "matched across" share only where its count and the rest are large enough."""
    for attribute, name in (
        ("other_department", "other_department_shown"),
        ("other_level", "other_level_shown"),
    ):

        def got(row: Row, attribute: str = attribute) -> int:
            return int(getattr(row.counts, attribute))

        for row in rows:
            setattr(row, name, row.shown and _safe(got(row), row.counts.matched - got(row)))
        total_ok = total.shown and _safe(got(total), total.counts.matched - got(total))
        for dimension in PARTITIONS:
            hidden = [r for r in rows if r.dimension == dimension and not getattr(r, name)]
            if hidden and not _safe(
                sum(got(r) for r in hidden), sum(r.counts.matched - got(r) for r in hidden)
            ):
                total_ok = False
        setattr(total, name, total_ok)


def _flag(rows: list[Row], total: Counts) -> None:
    for row in rows:
        if not row.shown:
            continue
        rest = Counts(
            total.people - row.counts.people,
            total.matched - row.counts.matched,
            0,
            0,
            tuple(_without(total.days, row.counts.days)),
        )
        rate = 100 * row.counts.matched / row.counts.people
        rest_rate = 100 * rest.matched / rest.people
        if rate <= rest_rate - RATE_MARGIN:
            row.flags.append(f"match rate {rest_rate - rate:.0f} points below everyone else")
        if row.counts.days and rest.days:
            wait = statistics.median(row.counts.days) - statistics.median(rest.days)
            if wait >= DAYS_MARGIN:
                row.flags.append(f"waits {wait:.0f} days longer than everyone else")


def _without(values: Sequence[float], removed: Sequence[float]) -> list[float]:
    # A multiset difference in one pass: the rest of the days, for the rest's median.
    left = Counter(values)
    left.subtract(removed)
    return list(left.elements())


def cohort_rows(seekers: Sequence[Seeker], source: str) -> list[Row]:
    """Return match rate and wait by the quarter people joined, over the whole program."""
    quarters: dict[Key, list[Seeker]] = {}
    zone = timezone.get_current_timezone()
    for seeker in seekers:
        joined = seeker.enrolled_at.astimezone(zone)
        quarter = f"{joined.year} Q{(joined.month - 1) // 3 + 1}"
        quarters.setdefault(("cohort", quarter), []).append(seeker)
    total = count(seekers, source)
    counts = {key: count(people, source) for key, people in quarters.items()}
    hidden = {key for key, c in counts.items() if not (row_safe(c, total) or c == total)}
    if not _total_safe(total):
        hidden = set(counts)
    _suppress_partition(counts, hidden)
    return [
        Row(
            "cohort",
            key[1],
            c,
            shown=key not in hidden,
            other_department_shown=False,
            other_level_shown=False,
        )
        for key, c in sorted(counts.items())
    ]


FLAG_RULE = (
    f"A group is flagged when its match rate is {RATE_MARGIN} points or more below everyone "
    f"else's, or its median wait is {DAYS_MARGIN} days or more longer."
)

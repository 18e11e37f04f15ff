"""Find what has waited too long in one program: one query for the page, a few for its rows.

Four kinds of item: an active relationship with no meeting held for some weeks, an
agreement not signed by both some days after the pair said yes, a proposal waiting for an
answer some days or close to lapsing, and a request close to expiring. The list shows who
is paired, the focus, and since when it waits; never an agreement, a note, a check-in or
who of the two is behind.
"""

import datetime
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Case,
    CharField,
    Count,
    DateTimeField,
    Expression,
    F,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from tandem.insights.models import Nudge
from tandem.programs.models import CADENCE_DAYS, Program
from tandem.relationships.models import Meeting, MentorshipRequest, Proposal, Relationship

PAGE_SIZE = 50
# A pair "has not met" after this many times the program's agreed rhythm.
RHYTHM_MULTIPLE = 3
FALLBACK_WEEKS = 4
MAX_WEEKS = 52
DEFAULT_DAYS = 7
MAX_DAYS = 90
# A request or proposal shows this many days before it expires, however short its life.
REQUEST_NEAR_EXPIRY_DAYS = 3
# One nudge per item in this window.
NUDGE_INTERVAL = datetime.timedelta(days=7)
# The scheduler's reminder and a program's nudge about the same item within this window
# would tell the same people the same thing twice: whichever went first counts for both.
REMINDER_QUIET = datetime.timedelta(days=2)

SORTS = {
    "waiting": ("since", "kind", "object_id"),
    "recent": ("-since", "kind", "object_id"),
    "kind": ("kind", "since", "object_id"),
}
DEFAULT_SORT = "waiting"
KINDS = tuple(Nudge.Kind.values)


def default_weeks(program: Program) -> int:
    """Return the weeks without a meeting that count as stalled: three times the rhythm."""
    return _weeks_for(program.default_cadence)


def _weeks_for(cadence: str) -> int:
    days = CADENCE_DAYS.get(cadence)
    if not days:
        return FALLBACK_WEEKS
    return max(1, min(MAX_WEEKS, math.ceil(RHYTHM_MULTIPLE * days / 7)))


@dataclass(frozen=True)
class Thresholds:
    weeks: int
    days: int


@dataclass(frozen=True)
class StalledItem:
    """One waiting item as the admin list shows it."""

    kind: str
    object_id: int
    since: datetime.datetime
    mentor: str
    mentee: str
    focus: str
    last_nudged_at: datetime.datetime | None = None
    last_nudged_by: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.object_id}"

    @property
    def kind_label(self) -> str:
        return Nudge.Kind(self.kind).label

    @property
    def waiting_days(self) -> int:
        return max(0, (timezone.now() - self.since).days)

    @property
    def nudged_ago(self) -> str:
        if self.last_nudged_at is None:
            return ""
        days = (timezone.now() - self.last_nudged_at).days
        return {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")

    @property
    def may_nudge(self) -> bool:
        if self.last_nudged_at is None:
            return True
        return timezone.now() - self.last_nudged_at >= NUDGE_INTERVAL


def _no_meeting(scope: Q, cutoff: datetime.datetime | Expression) -> QuerySet[Relationship]:
    # The last held meeting is stored on the pair (relationships_last_met_refresh), so the
    # list reads one column instead of a subquery over meetings per active pair.
    return (
        Relationship.objects.filter(scope, status=Relationship.Status.ACTIVE)
        .annotate(since=Coalesce(F("last_met_at"), F("started_at"), F("created_at")))
        .filter(since__lt=cutoff)
    )


def _agreements(scope: Q, cutoff: datetime.datetime) -> QuerySet[Relationship]:
    # A relationship is made the moment both say yes; it waits in "agreeing" until both sign.
    return Relationship.objects.filter(
        scope, status=Relationship.Status.AGREEING, created_at__lt=cutoff
    ).annotate(since=F("created_at"))


def _proposals(scope: Q, cutoff: datetime.datetime) -> QuerySet[Proposal]:
    # A program may give proposals fewer days than the threshold: they show before lapsing.
    now = timezone.now()
    near_expiry = now + datetime.timedelta(days=REQUEST_NEAR_EXPIRY_DAYS)
    return Proposal.objects.filter(
        Q(created_at__lt=cutoff) | Q(expires_at__lte=near_expiry),
        scope,
        status=Proposal.Status.PENDING,
        expires_at__gt=now,
    ).annotate(since=F("created_at"))


def _requests(scope: Q, now: datetime.datetime) -> QuerySet[MentorshipRequest]:
    return MentorshipRequest.objects.filter(
        scope,
        status=MentorshipRequest.Status.PENDING,
        expires_at__gt=now,
        expires_at__lte=now + datetime.timedelta(days=REQUEST_NEAR_EXPIRY_DAYS),
    ).annotate(since=F("created_at"))


def stalled_keys(
    *, program: Program, thresholds: Thresholds, kind: str = "", sort: str = DEFAULT_SORT
) -> QuerySet[Any, tuple[str, int, datetime.datetime]]:
    """Return (kind, object_id, since) rows of every stalled item, sorted, as one query."""
    now = timezone.now()
    meeting_cutoff = now - datetime.timedelta(weeks=thresholds.weeks)
    day_cutoff = now - datetime.timedelta(days=thresholds.days)
    parts: list[QuerySet] = []
    sources: Sequence[tuple[str, QuerySet]] = (
        (Nudge.Kind.NO_MEETING, _no_meeting(Q(program=program), meeting_cutoff)),
        (Nudge.Kind.AGREEMENT, _agreements(Q(program=program), day_cutoff)),
        (Nudge.Kind.PROPOSAL, _proposals(Q(program=program), day_cutoff)),
        (Nudge.Kind.REQUEST, _requests(Q(program=program), now)),
    )
    for name, queryset in sources:
        if kind and kind != name:
            continue
        parts.append(
            queryset.annotate(
                kind=Value(str(name), output_field=CharField()),
                object_id=F("pk"),
                waiting_since=F("since"),
            )
            .values_list("kind", "object_id", "waiting_since")
            .order_by()
        )
    first, *rest = parts
    rows = first.union(*rest, all=True) if rest else first
    order = [
        field.replace("since", "waiting_since") for field in SORTS.get(sort, SORTS[DEFAULT_SORT])
    ]
    return rows.order_by(*order)


def stalled_page(
    *, program: Program, thresholds: Thresholds, kind: str, sort: str, page: str | int | None
) -> tuple[Page, list[StalledItem]]:
    """Return one page of stalled items, each with who, the focus and its last nudge."""
    keys = stalled_keys(program=program, thresholds=thresholds, kind=kind, sort=sort)
    shown = Paginator(keys, PAGE_SIZE).get_page(page)
    return shown, stalled_items(program=program, keys=list(shown.object_list))


def stalled_all(
    *, program: Program, thresholds: Thresholds, kind: str, sort: str
) -> Iterator[StalledItem]:
    """Yield every stalled item in order, a page's worth of queries at a time."""
    keys = list(stalled_keys(program=program, thresholds=thresholds, kind=kind, sort=sort))
    for start in range(0, len(keys), 500):
        yield from stalled_items(program=program, keys=keys[start : start + 500])


def stalled_items(
    *, program: Program, keys: Sequence[tuple[str, int, datetime.datetime]]
) -> list[StalledItem]:
    """Describe these (kind, id, since) rows: names, focus and the last nudge of each."""
    ids: dict[str, list[int]] = {}
    for kind, object_id, _since in keys:
        ids.setdefault(kind, []).append(object_id)
    pair_ids = ids.get(Nudge.Kind.NO_MEETING, []) + ids.get(Nudge.Kind.AGREEMENT, [])
    pairs = {
        r.pk: r
        for r in Relationship.objects.filter(program=program, pk__in=pair_ids).select_related(
            "mentor__user", "mentee__user", "focus", "peer_focus"
        )
    }
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(
            program=program, pk__in=ids.get(Nudge.Kind.PROPOSAL, [])
        ).select_related("mentor__user", "mentee__user", "focus", "peer_focus")
    }
    requests = {
        r.pk: r
        for r in MentorshipRequest.objects.filter(
            program=program, pk__in=ids.get(Nudge.Kind.REQUEST, [])
        ).select_related("mentor__user", "mentee__user", "focus")
    }
    nudges = _last_nudges(program, ids)
    items = []
    for kind, object_id, since in keys:
        source: Relationship | Proposal | MentorshipRequest | None
        if kind in (Nudge.Kind.NO_MEETING, Nudge.Kind.AGREEMENT):
            source = pairs.get(object_id)
            focus = source.focus_label if source else ""
        elif kind == Nudge.Kind.PROPOSAL:
            source = proposals.get(object_id)
            focus = source.focus_label if source else ""
        else:
            source = requests.get(object_id)
            focus = str(source.focus) if source else ""
        if source is None:
            continue
        nudge = nudges.get((kind, object_id))
        items.append(
            StalledItem(
                kind=kind,
                object_id=object_id,
                since=since,
                mentor=str(source.mentor.user),
                mentee=str(source.mentee.user),
                focus=focus,
                last_nudged_at=nudge.created_at if nudge else None,
                last_nudged_by=(str(nudge.sent_by) if nudge and nudge.sent_by else ""),
            )
        )
    return items


def _last_nudges(program: Program, ids: dict[str, list[int]]) -> dict[tuple[str, int], Nudge]:
    wanted = Q(pk__in=[])
    for kind, object_ids in ids.items():
        wanted |= Q(kind=kind, object_id__in=object_ids)
    latest: dict[tuple[str, int], Nudge] = {}
    for nudge in (
        Nudge.objects.filter(wanted, program=program)
        .select_related("sent_by")
        .order_by("kind", "object_id", "-created_at")
    ):
        latest.setdefault((nudge.kind, nudge.object_id), nudge)
    return latest


def stalled_counts(*, programs: QuerySet[Program]) -> dict[tuple[int, str], int]:
    """Count stalled items per program at each program's default thresholds: one query."""
    now = timezone.now()
    scope = Q(program__in=programs.values("pk"))
    # Each program's own "no meeting for" cutoff, from its rhythm, inside the one query.
    meeting_cutoff = Case(
        *[
            When(
                program__default_cadence=cadence,
                then=Value(now - datetime.timedelta(weeks=_weeks_for(cadence))),
            )
            for cadence in CADENCE_DAYS
        ],
        default=Value(now - datetime.timedelta(weeks=FALLBACK_WEEKS)),
        output_field=DateTimeField(),
    )
    day_cutoff = now - datetime.timedelta(days=DEFAULT_DAYS)
    # Each kind counted per program, the four side by side in one UNION ALL, added up here.
    per_kind = [
        queryset.order_by()
        .values("program_id", "program__name")
        .annotate(n=Count("pk"))
        .values_list("program_id", "program__name", "n")
        for queryset in (
            _no_meeting(scope, meeting_cutoff),
            _agreements(scope, day_cutoff),
            _proposals(scope, day_cutoff),
            _requests(scope, now),
        )
    ]
    counts: dict[tuple[int, str], int] = {}
    for program_id, name, n in per_kind[0].union(*per_kind[1:], all=True):
        counts[(program_id, name)] = counts.get((program_id, name), 0) + n
    return counts


def reminded_recently(
    *, kind: str, object_id: int, now: datetime.datetime
) -> datetime.datetime | None:
    """Return when the people of a waiting item last heard of it, if within the quiet window.

    Both the scheduler, before its reminder, and the nudge, before it is sent, ask this:
    a nudge about a request counts as the request's reminder, and the reminder of a pair's
    coming meeting, or of a request, makes a nudge about it one too many.
    """
    times = list(
        Nudge.objects.filter(kind=kind, object_id=object_id, created_at__gt=now - REMINDER_QUIET)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[:1]
    )
    reminders: QuerySet[Any] | None = None
    if kind == Nudge.Kind.REQUEST:
        reminders = MentorshipRequest.objects.filter(pk=object_id)
    elif kind == Nudge.Kind.NO_MEETING:
        reminders = Meeting.objects.filter(relationship_id=object_id)
    if reminders is not None:
        times += reminders.filter(reminder_sent_at__gt=now - REMINDER_QUIET).values_list(
            "reminder_sent_at", flat=True
        )
    return max(times, default=None)

"""A mentor's legacy: people helped, hours given, and what mentees chose to tell them.

The figures count rows the mentor can already see on their own relationships: who they
mentored, meetings held, commitments the mentee marked done, requests they said yes to.
The words are only what mentees chose to share with them (`SharedWords`): the note left
when closing, and what worked from a reflection when its author ticked the box to share
it. Private journal entries, check-ins, the rest of a reflection and reasons for
declining are never read here.
"""

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.insights.models import SharedWords, tenths_of_hour
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Commitment, Meeting, MentorshipRequest, Relationship

TOP_N = 5
# Each bucket counts values from its low end up to, not including, its high end.
PEOPLE_BUCKETS = (("0", 0, 1), ("1", 1, 2), ("2", 2, 3), ("3 or 4", 3, 5), ("5 or more", 5, None))
HOURS_BUCKETS = (
    ("none", 0, 0.1),
    ("under 5", 0.1, 5),
    ("5 to 20", 5, 20),
    ("20 or more", 20, None),
)


def impact_by_mentor(mentors: QuerySet[Enrollment]) -> dict[int, dict[str, int]]:
    """Return each mentor enrollment's figures: six grouped queries, whatever their number."""
    now = timezone.now()
    ids = mentors.values("pk")
    pairs = Relationship.objects.filter(mentor__in=ids)
    held = Meeting.objects.filter(
        relationship__mentor__in=ids, status=Meeting.Status.HELD, starts_at__lte=now
    )
    grouped: list[tuple[str, QuerySet[Any], str, Any]] = [
        (
            "people_helped",
            pairs.filter(started_at__isnull=False),
            "mentor",
            Count("mentee", distinct=True),
        ),
        ("meetings_held", held, "relationship__mentor", Count("pk")),
        ("minutes_given", held, "relationship__mentor", Sum("duration_minutes")),
        (
            "commitments_completed",
            Commitment.objects.filter(
                relationship__mentor__in=ids,
                owner=F("relationship__mentee__user"),
                done_at__isnull=False,
            ),
            "relationship__mentor",
            Count("pk"),
        ),
        (
            "requests_answered",
            MentorshipRequest.objects.filter(mentor__in=ids).exclude(
                status=MentorshipRequest.Status.PENDING
            ),
            "mentor",
            Count("pk"),
        ),
        (
            "requests_became_mentoring",
            pairs.filter(origin=Relationship.Origin.REQUEST, started_at__isnull=False),
            "mentor",
            Count("pk"),
        ),
    ]
    figures: dict[int, dict[str, int]] = {}
    for name, queryset, group, expression in grouped:
        for mentor_id, value in (
            queryset.order_by().values(group).annotate(n=expression).values_list(group, "n")
        ):
            figures.setdefault(mentor_id, {})[name] = value or 0
    return figures


def impact_by_peer(peers: QuerySet[Enrollment]) -> dict[int, dict[str, int]]:
    """Return each peer enrollment's figures: each helps the other, on either side of a pair.

    A pair's meetings count for both of its peers, and a peer's commitments completed are
    those their partner marked done; requests are the ones sent to this peer. Five queries.
    """
    now = timezone.now()
    ids = set(peers.values_list("pk", flat=True))
    either = Q(mentor__in=ids) | Q(mentee__in=ids)
    figures: dict[int, dict[str, int]] = {}

    def add(peer: int, name: str, value: int) -> None:
        if peer in ids:
            mine = figures.setdefault(peer, {})
            mine[name] = mine.get(name, 0) + (value or 0)

    partners: dict[int, set[int]] = {}
    for mentor, mentee in Relationship.objects.filter(either, started_at__isnull=False).values_list(
        "mentor_id", "mentee_id"
    ):
        partners.setdefault(mentor, set()).add(mentee)
        partners.setdefault(mentee, set()).add(mentor)
    for peer, people in partners.items():
        add(peer, "people_helped", len(people))
    held = (
        Meeting.objects.filter(
            Q(relationship__mentor__in=ids) | Q(relationship__mentee__in=ids),
            status=Meeting.Status.HELD,
            starts_at__lte=now,
        )
        .order_by()
        .values("relationship__mentor", "relationship__mentee")
        .annotate(n=Count("pk"), minutes=Sum("duration_minutes"))
    )
    for row in held:
        for peer in (row["relationship__mentor"], row["relationship__mentee"]):
            add(peer, "meetings_held", row["n"])
            add(peer, "minutes_given", row["minutes"])
    done = (
        Commitment.objects.filter(
            Q(relationship__mentor__in=ids) | Q(relationship__mentee__in=ids),
            done_at__isnull=False,
        )
        .order_by()
        .values_list(
            "relationship__mentor",
            "relationship__mentor__user",
            "relationship__mentee",
            "relationship__mentee__user",
            "owner",
        )
        .annotate(n=Count("pk"))
    )
    for mentor, mentor_user, mentee, mentee_user, owner, n in done:
        # What each peer helped with: the commitments their partner kept.
        if owner == mentee_user:
            add(mentor, "commitments_completed", n)
        if owner == mentor_user:
            add(mentee, "commitments_completed", n)
    requests: list[tuple[str, QuerySet[Any]]] = [
        (
            "requests_answered",
            MentorshipRequest.objects.filter(mentor__in=ids).exclude(
                status=MentorshipRequest.Status.PENDING
            ),
        ),
        (
            "requests_became_mentoring",
            Relationship.objects.filter(
                mentor__in=ids, origin=Relationship.Origin.REQUEST, started_at__isnull=False
            ),
        ),
    ]
    for name, queryset in requests:
        for peer, n in (
            queryset.order_by().values("mentor").annotate(n=Count("pk")).values_list("mentor", "n")
        ):
            add(peer, name, n)
    return figures


@dataclass(frozen=True)
class Figures:
    """One mentor's figures, in one program or added up over several."""

    people_helped: int = 0
    meetings_held: int = 0
    minutes_given: int = 0
    commitments_completed: int = 0
    requests_answered: int = 0
    requests_became_mentoring: int = 0
    # The hours shown, in tenths: one mentor's minutes rounded once; for figures added up,
    # the sum of the rounded hours, so that the rows shown add up to the total shown.
    hour_tenths: int | None = None

    def __post_init__(self) -> None:
        if self.hour_tenths is None:
            object.__setattr__(self, "hour_tenths", tenths_of_hour(self.minutes_given))

    @property
    def hours_given(self) -> float:
        return (self.hour_tenths or 0) / 10

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{
                name: getattr(self, name) + getattr(other, name)
                for name in (*FIGURE_FIELDS, "hour_tenths")
            }
        )


# What is counted for each mentor, as the stored rows hold it; the hours shown follow.
FIGURE_FIELDS = tuple(name for name in Figures.__dataclass_fields__ if name != "hour_tenths")


def figures_from(values: dict[str, int] | None) -> Figures:
    return Figures(**(values or {}))


@dataclass(frozen=True)
class Words:
    """Words a mentee chose to share with the mentor, without the mentee's name."""

    when: object
    focus_url: str
    focus: str
    source: str
    body: str


@dataclass
class Legacy:
    """What one mentor sees of their own impact, per program and in all."""

    programs: list[tuple[Program, Figures]] = field(default_factory=list)
    total: Figures = field(default_factory=Figures)
    words: list[Words] = field(default_factory=list)


def mentor_programs(user: User) -> QuerySet[Enrollment]:
    """Return the enrollments in which this person mentors (peers and coaching aside)."""
    return Enrollment.objects.filter(user=user, is_mentor=True).exclude(
        program__format=Program.Format.PEER
    )


def legacy_for_mentor(*, user: User) -> Legacy:
    """Return this mentor's own legacy: their figures and their mentees' closing notes."""
    legacy = Legacy()
    enrollments = mentor_programs(user)
    by_mentor = impact_by_mentor(enrollments)
    for enrollment in enrollments.select_related("program"):
        figures = figures_from(by_mentor.get(enrollment.pk))
        legacy.programs.append((enrollment.program, figures))
        legacy.total = legacy.total + figures
    legacy.words = closing_words(user=user)
    return legacy


def closing_words(*, user: User, limit: int = 50) -> list[Words]:
    """Return the words this mentor's mentees chose to share with them, newest first."""
    shared = (
        SharedWords.objects.filter(relationship__mentor__user=user)
        .exclude(relationship__program__format=Program.Format.PEER)
        .select_related("relationship__focus")[:limit]
    )
    return [
        Words(
            when=words.created_at,
            focus_url=reverse("relationships:detail", args=[words.relationship_id]),
            focus=str(words.relationship.focus),
            source=words.get_source_display(),
            body=words.body,
        )
        for words in shared
    ]


def words_shared_about(
    *, author: User, relationship: Relationship, source: str
) -> QuerySet[SharedWords]:
    """Return what this person shared with the mentor of this relationship, from one place."""
    return SharedWords.objects.filter(author=author, relationship=relationship, source=source)


def words_shared_by(*, author: User) -> QuerySet[SharedWords]:
    """Return every word this person shared with a mentor, newest first."""
    return SharedWords.objects.filter(author=author).select_related(
        "relationship__mentor__user", "relationship__focus", "relationship__program"
    )


@dataclass(frozen=True)
class MentorRow:
    name: str
    figures: Figures
    enrollment_id: int = 0


@dataclass(frozen=True)
class Bucket:
    label: str
    mentors: int


@dataclass
class ProgramImpact:
    """Every mentor of a program with their figures, the totals and the distributions."""

    rows: list[MentorRow]
    total: Figures
    mentors: int
    people_distribution: list[Bucket]
    hours_distribution: list[Bucket]
    median_hours: float
    top_by_hours: list[MentorRow]
    top_by_people: list[MentorRow]


SORTS = {
    "name": lambda row: (row.name.lower(),),
    "hours": lambda row: (-row.figures.minutes_given, row.name.lower()),
    "people": lambda row: (-row.figures.people_helped, row.name.lower()),
    "commitments": lambda row: (-row.figures.commitments_completed, row.name.lower()),
}


def program_impact(*, program: Program, sort: str = "hours") -> ProgramImpact:
    """Return the program's mentors with their figures, whatever their number.

    In a peer program the peers take the mentors' place: each helps the other (see
    ``impact_by_peer``); in a coaching program, the coaches do.
    """
    if program.format == Program.Format.PEER:
        mentors = Enrollment.objects.filter(program=program, is_peer=True)
        by_mentor = impact_by_peer(mentors)
    else:
        # A coaching program's coaches are its relationships' mentors.
        giver = Q(is_coach=True) if program.is_coaching else Q(is_mentor=True)
        mentors = Enrollment.objects.filter(giver, program=program)
        by_mentor = impact_by_mentor(mentors)
    rows = [
        MentorRow(
            name=full_name or email, figures=figures_from(by_mentor.get(pk)), enrollment_id=pk
        )
        for pk, full_name, email in mentors.values_list("pk", "user__full_name", "user__email")
    ]
    rows.sort(key=SORTS.get(sort, SORTS["hours"]))
    total = sum((row.figures for row in rows), Figures())
    hours = [row.figures.hours_given for row in rows]
    return ProgramImpact(
        rows=rows,
        total=total,
        mentors=len(rows),
        people_distribution=_buckets([r.figures.people_helped for r in rows], PEOPLE_BUCKETS),
        hours_distribution=_buckets(hours, HOURS_BUCKETS),
        median_hours=round(statistics.median(hours), 1) if hours else 0.0,
        top_by_hours=_top(rows, lambda r: r.figures.minutes_given),
        top_by_people=_top(rows, lambda r: r.figures.people_helped),
    )


def _buckets(
    values: Sequence[float], buckets: Sequence[tuple[str, float, float | None]]
) -> list[Bucket]:
    return [
        Bucket(
            label=label,
            mentors=sum(1 for v in values if v >= low and (high is None or v < high)),
        )
        for label, low, high in buckets
    ]


def _top(rows: list[MentorRow], key: Callable[[MentorRow], int]) -> list[MentorRow]:
    ranked = sorted((r for r in rows if key(r) > 0), key=lambda r: (-key(r), r.name.lower()))
    return ranked[:TOP_N]

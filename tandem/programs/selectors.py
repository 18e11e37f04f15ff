"""Reads for program pages; objects come from the access policy in tandem.policy.access."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from tandem.accounts.models import User
from tandem.policy.access import programs_administered_by, programs_visible_to
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic


@dataclass(frozen=True)
class HomePrograms:
    enrolled: list[Enrollment]
    joinable: list[Program]
    administered: Sequence[Program]


def home_programs(*, user: User) -> HomePrograms:
    """Return what the home page lists: my programs, programs I may join, programs I run."""
    enrolled = list(
        Enrollment.objects.filter(user=user)
        .select_related("program__organization")
        .order_by("status", "program__name")
    )
    joined_ids = {e.program_id for e in enrolled}
    joinable = [
        p
        for p in programs_visible_to(user)
        .filter(status=Program.Status.ACTIVE)
        .select_related("organization")
        .order_by("name")
        if p.pk not in joined_ids
    ]
    administered = list(
        programs_administered_by(user)
        .select_related("organization")
        .annotate(
            people=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.ACTIVE))
        )
        .order_by("name")
    )
    return HomePrograms(enrolled=enrolled, joinable=joinable, administered=administered)


def program_topics(*, program: Program) -> list[Topic]:
    return list(Topic.objects.filter(organization_id=program.organization_id).order_by("name"))


@dataclass(frozen=True)
class ProgramStats:
    participants: int
    mentees: int
    mentors: int
    peers: int
    complete_profiles: int
    accepting_mentors: int
    open_capacity: int

    @property
    def complete_share(self) -> int:
        return round(100 * self.complete_profiles / self.participants) if self.participants else 0


def program_stats(*, program: Program) -> ProgramStats:
    """Return participation counts for a program's admin overview."""
    active = Enrollment.objects.filter(program=program, status=Enrollment.Status.ACTIVE)
    # Only mentors with a complete profile can be matched, so only they count as open places.
    ready_mentors = (
        (Q(is_mentor=True) | Q(is_coach=True))
        & Q(accepting_now=True)
        & Q(profile_completed_at__isnull=False)
    )
    row = active.aggregate(
        participants=Count("id"),
        mentees=Count("id", filter=Q(is_mentee=True)),
        mentors=Count("id", filter=Q(is_mentor=True) | Q(is_coach=True)),
        peers=Count("id", filter=Q(is_peer=True)),
        complete_profiles=Count("id", filter=Q(profile_completed_at__isnull=False)),
        accepting_mentors=Count("id", filter=ready_mentors),
        open_capacity=Sum("capacity", filter=ready_mentors),
    )
    row["open_capacity"] = row["open_capacity"] or 0
    return ProgramStats(**row)


@dataclass(frozen=True)
class TopicBalance:
    name: str
    wanted: int
    offered: int

    @property
    def gap(self) -> int:
        return self.wanted - self.offered


def topic_balance(*, program: Program, limit: int | None = 12) -> list[TopicBalance]:
    """Return the most wanted focus areas next to how many people offer them.

    Counted per topic id over the profile topics alone, then named: joining the topics'
    names into the count doubles its cost at 100k people (bench/admin_pages.py).
    """
    counts = (
        EnrollmentTopic.objects.filter(
            enrollment__program=program, enrollment__status=Enrollment.Status.ACTIVE
        )
        .order_by()
        .values("topic_id")
        .annotate(
            wanted=Count("id", filter=Q(kind=EnrollmentTopic.Kind.FOCUS)),
            offered=Count("id", filter=Q(kind=EnrollmentTopic.Kind.EXPERTISE)),
        )
        .values_list("topic_id", "wanted", "offered")
    )
    by_id = {topic_id: (wanted, offered) for topic_id, wanted, offered in counts}
    # Named and put in order of name by the database (its collation, as before); topics
    # are told apart by name on the page, as they are in the organization.
    by_name: dict[str, tuple[int, int]] = {}
    named = Topic.objects.filter(pk__in=by_id).order_by("name").values_list("pk", "name")
    for topic_id, name in named:
        wanted, offered = by_id[topic_id]
        before = by_name.get(name, (0, 0))
        by_name[name] = (before[0] + wanted, before[1] + offered)
    # A stable sort keeps the order of names among topics wanted as often.
    rows = sorted(
        (TopicBalance(name, wanted, offered) for name, (wanted, offered) in by_name.items()),
        key=lambda row: -row.wanted,
    )
    return rows if limit is None else rows[:limit]


def profile_topics(*, enrollment: Enrollment) -> QuerySet[EnrollmentTopic]:
    return enrollment.topics.select_related("topic").order_by("kind", "-level", "topic__name")

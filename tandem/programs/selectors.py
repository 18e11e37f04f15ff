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
    """Return the most wanted focus areas next to how many people offer them."""
    rows = (
        EnrollmentTopic.objects.filter(
            enrollment__program=program, enrollment__status=Enrollment.Status.ACTIVE
        )
        .values("topic__name")
        .annotate(
            wanted=Count("id", filter=Q(kind=EnrollmentTopic.Kind.FOCUS)),
            offered=Count("id", filter=Q(kind=EnrollmentTopic.Kind.EXPERTISE)),
        )
        .order_by("-wanted", "topic__name")
    )
    if limit is not None:
        rows = rows[:limit]
    return [TopicBalance(r["topic__name"], r["wanted"], r["offered"]) for r in rows]


def profile_topics(*, enrollment: Enrollment) -> QuerySet[EnrollmentTopic]:
    return enrollment.topics.select_related("topic").order_by("kind", "-level", "topic__name")

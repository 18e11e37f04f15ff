"""Reads for relationship pages; objects come from the access policy in tandem.policy.access."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.matching.recommend import mentor_fits, mentor_profiles, profile_stamp
from tandem.policy.access import relationships_of
from tandem.policy.eligibility import Refusal, givers_for, seeker_refusal, with_places
from tandem.programs.models import Enrollment, EnrollmentTopic, Program
from tandem.relationships.models import (
    CheckIn,
    Concern,
    MentorshipRequest,
    Proposal,
    Relationship,
)


def my_relationships(*, user: User) -> QuerySet[Relationship]:
    return (
        relationships_of(user)
        # A coaching relationship links its engagement: joined here, not asked one by one.
        .select_related(
            "program", "mentor__user", "mentee__user", "focus", "peer_focus", "engagement"
        )
        .order_by("status", "-created_at")
    )


def my_requests(*, user: User) -> QuerySet[MentorshipRequest]:
    return (
        MentorshipRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))
        .select_related("program", "mentee__user", "mentor__user", "focus")
        .order_by("status", "-created_at")
    )


def my_proposals(*, user: User) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))
        .select_related("program", "mentee__user", "mentor__user", "focus", "peer_focus")
        .order_by("status", "-created_at")
    )


def mentee_open_asks(*, mentee: Enrollment) -> tuple[dict[int, int], dict[int, int]]:
    """Return her open relationships and waiting requests, each by mentor: mentor id -> id."""
    working = relationships_of(mentee.user).filter(
        mentee=mentee, status__in=Relationship.HOLDS_CAPACITY
    )
    asked = my_requests(user=mentee.user).filter(
        mentee=mentee, status=MentorshipRequest.Status.PENDING
    )
    return (
        dict(working.values_list("mentor_id", "pk")),
        dict(asked.values_list("mentor_id", "pk")),
    )


@dataclass
class MentorCard:
    enrollment: Enrollment
    score: float
    reasons: list[str] = field(default_factory=list)
    places_left: int = 0
    # Whether the mentee may send this mentor a request now.
    can_ask: bool = False


@dataclass(frozen=True)
class MentorDirectory:
    # The best fits first, as many as the page shows.
    cards: list[MentorCard]
    # How many mentors the filters list in all.
    total: int
    # Why the mentee may ask nobody now (all her mentors found, say), if so.
    refusal: Refusal | None = None


def mentor_directory(
    *,
    mentee: Enrollment,
    topic_id: int | None = None,
    mode: str = "",
    accepting_only: bool = True,
    same_time_zone: bool = False,
    limit: int = 60,
    with_expertise: bool = True,
) -> MentorDirectory:
    """Return the mentors this mentee may ask, best fit first, with the reasons for the fit.

    The pairing policy decides who is listed: never the mentee themself, anyone in their
    reporting line, a person they ended a relationship with as not a fit, or someone
    they already work with. With ``accepting_only`` off, mentors who are full or not
    taking anyone new are listed too, but cannot be asked.

    Every listed mentor is scored, from their profiles as this process keeps them (read
    again when changed since); only the ``limit`` best are loaded in full and explained,
    with their expertise topics unless ``with_expertise`` is off (a page that shows none).
    """
    # Mentors, or coaches in a coaching program; the policy already leaves out peers.
    mentors = givers_for(
        mentee, require_accepting=accepting_only, require_room=accepting_only
    ).filter(Q(is_mentor=True) | Q(is_coach=True))
    if topic_id:
        mentors = mentors.filter(
            Exists(
                EnrollmentTopic.objects.filter(
                    enrollment=OuterRef("pk"), topic_id=topic_id, kind="expertise"
                )
            )
        )
    my_zone = mentee.membership.time_zone if mentee.membership else None
    if same_time_zone and my_zone:
        mentors = mentors.filter(membership__time_zone=my_zone)
    listed = list(
        mentors.order_by()
        .annotate(stamp=profile_stamp())
        .values_list("pk", "user__full_name", "stamp")
    )
    names = {pk: name for pk, name, _ in listed}
    stamps = {pk: stamp for pk, _, stamp in listed}
    now = timezone.now()
    kept = mentor_profiles.get(mentee.program_id, stamps, now=now)
    # In one order whatever was read when, so that every float sums the same way.
    profiles = [kept[pk] for pk in sorted(kept) if not mode or mode in kept[pk].profile.modes]
    # The matching engine scores every listed mentor as a round would.
    fits = mentor_fits(mentee=mentee, mentors=profiles, now=now)
    # The program's other hard rules, as a round applies them, leave a mentor out.
    ranked = sorted(
        (-round(fit.score * 100), names[pk], pk)
        for pk, fit in fits.fits.items()
        if not fit.broken_rule
    )
    best = [pk for _, _, pk in ranked[:limit]]
    # The policy chose them a moment ago; loading the few shown needs only their places.
    shown = with_places(Enrollment.objects.filter(pk__in=best), program=mentee.program)
    shown = shown.select_related("user", "membership__department")
    if with_expertise:
        shown = shown.prefetch_related(
            Prefetch(
                "topics",
                queryset=EnrollmentTopic.objects.filter(
                    kind=EnrollmentTopic.Kind.EXPERTISE
                ).select_related("topic"),
            )
        )
    loaded = {mentor.pk: mentor for mentor in shown}
    # Only the cards shown say why: explaining every listed mentor would cost more than
    # scoring them.
    reasons = fits.reasons([pk for pk in best if pk in loaded])
    refusal = seeker_refusal(mentee, reader=mentee.user_id)
    seeking = refusal is None
    cards = []
    for pk in best:
        mentor = loaded.get(pk)
        if mentor is None:  # no longer listed since the first read
            continue
        places = max(mentor.capacity - getattr(mentor, "places_given", 0), 0)
        cards.append(
            MentorCard(
                enrollment=mentor,
                score=round(fits.fits[pk].score * 100),
                reasons=list(reasons[pk][:3]),
                places_left=places if mentor.accepting_now else 0,
                can_ask=seeking and mentor.accepting_now and places > 0,
            )
        )
    return MentorDirectory(cards=cards, total=len(ranked), refusal=refusal)


@dataclass(frozen=True)
class ProgramRelationshipStats:
    by_status: dict[str, int]
    checkins: int
    checkin_authors: int
    going: float | None
    meeting_goals: float | None
    open_concerns: int

    MIN_GROUP = 5


def program_relationship_stats(*, program: Program) -> ProgramRelationshipStats:
    """Return counts and check-in averages; averages only over groups of at least five."""
    by_status = dict(
        Relationship.objects.filter(program=program)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    since = timezone.now() - datetime.timedelta(days=90)
    pulse = CheckIn.objects.filter(relationship__program=program, created_at__gte=since).aggregate(
        n=Count("id"),
        authors=Count("author", distinct=True),
        going=Avg("going"),
        goals=Avg("meeting_goals"),
    )
    enough = pulse["authors"] >= ProgramRelationshipStats.MIN_GROUP
    return ProgramRelationshipStats(
        by_status=by_status,
        checkins=pulse["n"],
        checkin_authors=pulse["authors"],
        going=round(pulse["going"], 1) if enough and pulse["going"] else None,
        meeting_goals=round(pulse["goals"], 1) if enough and pulse["goals"] else None,
        open_concerns=Concern.objects.filter(relationship__program=program)
        .exclude(status=Concern.Status.RESOLVED)
        .count(),
    )


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime.datetime
    kind: str
    title: str
    detail: str = ""
    url: str = ""
    private: bool = False


def growth_timeline(*, user: User) -> list[TimelineEvent]:
    """Return one person's story: goals, agreements, meetings, commitments, own reflections.

    Journal entries and check-ins appear here only because this is the author's own page.
    """
    from django.urls import reverse

    from tandem.relationships.models import Agreement, Commitment, JournalEntry, Meeting

    mine = relationships_of(user)
    events: list[TimelineEvent] = []
    for enrollment in (
        Enrollment.objects.filter(user=user).exclude(goals="").select_related("program")
    ):
        events.append(
            TimelineEvent(
                enrollment.created_at,
                "goal",
                f"Set goals in {enrollment.program.name}",
                enrollment.goals,
            )
        )
    for agreement in Agreement.objects.filter(relationship__in=mine).select_related(
        "relationship__focus"
    ):
        if agreement.mentor_signed_at and agreement.mentee_signed_at:
            signed = max(agreement.mentor_signed_at, agreement.mentee_signed_at)
            events.append(
                TimelineEvent(
                    signed,
                    "agreement",
                    f"Signed agreement v{agreement.version} on {agreement.relationship.focus.name}",
                    url=reverse("relationships:agreement", args=[agreement.relationship_id]),
                )
            )
    for meeting in Meeting.objects.filter(relationship__in=mine, status=Meeting.Status.HELD):
        events.append(
            TimelineEvent(
                meeting.starts_at,
                "meeting",
                "Met",
                url=reverse("relationships:meeting", args=[meeting.pk]),
            )
        )
    for commitment in Commitment.objects.filter(owner=user, done_at__isnull=False):
        if commitment.done_at is not None:
            events.append(
                TimelineEvent(commitment.done_at, "commitment", f"Did it: {commitment.text}")
            )
    for entry in JournalEntry.objects.filter(author=user):
        events.append(
            TimelineEvent(
                entry.created_at,
                "journal",
                entry.title or "Reflection",
                entry.body,
                url=reverse("relationships:journal_entry", args=[entry.pk]),
                private=True,
            )
        )
    events.sort(key=lambda e: e.when, reverse=True)
    return events


def program_relationships(*, program: Program) -> QuerySet[Relationship]:
    """Return a program's pairs for its admins: who, on what, in which state; no content."""
    return (
        Relationship.objects.filter(program=program)
        .select_related("mentor__user", "mentee__user", "focus", "peer_focus")
        .order_by("status", "-created_at")
    )


def program_open_concerns(*, program: Program) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(relationship__program=program)
        .exclude(status=Concern.Status.RESOLVED)
        .order_by("-created_at")
    )

"""Read a program from the database into the engine's input, and nothing more."""

import datetime
import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db.models import Count
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.matching.engine import Instance, Mentee, Mentor, Policy, Rules, Topic, Weights
from tandem.programs.models import Enrollment, MeetingMode, Program
from tandem.programs.models import Topic as TopicRow
from tandem.relationships.models import MatchExclusion, Proposal, Relationship

OPEN = Relationship.HOLDS_CAPACITY


def _offset(zone: str, now: datetime.datetime) -> float:
    try:
        delta = now.astimezone(zoneinfo.ZoneInfo(zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return 0.0
    return delta.total_seconds() / 3600 if delta else 0.0


def _ready(program: Program) -> "Iterable[Enrollment]":
    return (
        Enrollment.objects.filter(
            program=program, status=Enrollment.Status.ACTIVE, profile_completed_at__isnull=False
        )
        .select_related("membership__department")
        .prefetch_related("topics")
        .order_by("pk")
    )


def load_instance(program: Program, *, now: datetime.datetime | None = None) -> Instance:
    """Return everyone who can be matched in this program now, as the engine sees them."""
    now = now or timezone.now()
    peer = program.format == Program.Format.PEER
    enrollments = list(_ready(program))
    held = dict(
        Relationship.objects.filter(program=program, status__in=OPEN)
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    open_as_mentee = dict(
        Relationship.objects.filter(program=program, status__in=OPEN)
        .values("mentee_id")
        .annotate(n=Count("id"))
        .values_list("mentee_id", "n")
    )
    # Proposals still waiting for answers hold a place on both sides.
    waiting = Proposal.objects.filter(program=program, status=Proposal.Status.PENDING)
    for side, counts in (("mentor_id", held), ("mentee_id", open_as_mentee)):
        for key, n in waiting.values(side).annotate(n=Count("id")).values_list(side, "n"):
            counts[key] = counts.get(key, 0) + n
    mentees, mentors = [], []
    for e in enrollments:
        if e.is_mentee or peer:
            wanted = e.mentors_wanted - open_as_mentee.get(e.pk, 0)
            if wanted > 0:
                mentees.append(mentee_row(e, wanted=wanted, now=now))
        if (e.is_mentor or e.is_coach or peer) and e.accepting_now:
            places = e.capacity - held.get(e.pk, 0)
            if places > 0:
                mentors.append(mentor_row(e, places=places, now=now))
    return instance_for(program, mentees, mentors)


def _common(e: Enrollment, now: datetime.datetime) -> dict[str, Any]:
    membership = e.membership
    department = membership.department if membership else None
    return {
        "key": e.pk,
        "person": membership.pk if membership else -e.pk,
        "department": department.name if department else None,
        "utc_offset": _offset(membership.time_zone if membership else "UTC", now),
        "modes": frozenset(e.meeting_modes),
        "languages": frozenset(e.languages),
        "location": (membership.location or None) if membership else None,
    }


def mentee_row(e: Enrollment, *, wanted: int, now: datetime.datetime) -> Mentee:
    """Describe a mentee to the engine (topics must be prefetched)."""
    return Mentee(
        **_common(e, now),
        focus={t.topic_id: t.level for t in e.topics.all() if t.kind == "focus"},
        goals=e.goals,
        requested_attributes=frozenset(e.requested_attributes),
        mentors_wanted=wanted,
        groups=frozenset(e.identity_attributes),
    )


def mentor_row(e: Enrollment, *, places: int, now: datetime.datetime) -> Mentor:
    """Describe a mentor to the engine (topics must be prefetched)."""
    return Mentor(
        **_common(e, now),
        expertise={t.topic_id: t.level for t in e.topics.all() if t.kind == "expertise"},
        bio=f"{e.what_i_bring}\n{e.why_i_mentor}",
        capacity=max(places, 1),
        attributes=frozenset(e.identity_attributes),
    )


def instance_for(program: Program, mentees: list[Mentee], mentors: list[Mentor]) -> Instance:
    """Wrap people in an instance with the program's vocabulary and reporting lines."""
    return Instance(
        mentees=mentees,
        mentors=mentors,
        topics=[
            Topic(id=t.pk, name=t.name, synonyms=tuple(t.synonyms))
            for t in TopicRow.objects.filter(organization_id=program.organization_id)
        ],
        managers=_managers(program),
        labels={mode.value: mode.label.lower() for mode in MeetingMode},
    )


def _managers(program: Program) -> dict[int, int]:
    orgs = [program.organization_id, *program.partner_organizations.values_list("pk", flat=True)]
    return {
        member: manager
        for member, manager in Membership.objects.filter(
            organization_id__in=orgs, manager__isnull=False
        ).values_list("pk", "manager_id")
    }


def load_policy(
    program: Program,
    *,
    weights: dict[str, float],
    rules: dict[str, object],
    participation_first: bool,
) -> Policy:
    """Build the engine's policy from a round's settings and the program's history."""
    excluded = set(
        MatchExclusion.objects.filter(mentee__program=program).values_list("mentee_id", "mentor_id")
    )
    failed = set(
        Relationship.objects.filter(
            program=program, close_reason=Relationship.CloseReason.NOT_A_FIT
        ).values_list("mentee_id", "mentor_id")
    )
    # Pairs already working together are not proposed again.
    current = set(
        Relationship.objects.filter(program=program, status__in=OPEN).values_list(
            "mentee_id", "mentor_id"
        )
    )
    gap = rules.get("max_utc_gap_hours")
    return Policy(
        weights=Weights(
            **{k: float(v) for k, v in weights.items() if k in Weights.__dataclass_fields__}
        ),
        rules=Rules(
            not_same_department=bool(rules.get("not_same_department")),
            same_language=bool(rules.get("same_language")),
            same_location=bool(rules.get("same_location")),
            max_utc_gap_hours=float(gap) if isinstance(gap, int | float) else None,
            do_not_match=frozenset(excluded | current),
            failed_pairs=frozenset(failed),
        ),
        participation_first=participation_first,
    )

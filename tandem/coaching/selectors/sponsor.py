"""What a sponsor sees of the engagements they pay for: numbers, never content.

A sponsor (a manager or someone in HR) learns who coaches whom, when, how much of the
contract is used and how the client rates their progress on average. The objectives'
words were agreed between the client and the coach, so the sponsor reads how many there
are and their average latest rating, not what they say. Notes, assignments, agendas,
each session's ratings and concerns never reach these functions' results.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.coaching.models import PROGRESS_MOST, Engagement
from tandem.coaching.selectors.progress import engagement_progress, hours_of, with_usage
from tandem.policy.access.coaching import engagements_sponsored_by


@dataclass(frozen=True)
class Sponsored:
    """One engagement as its sponsor sees it: who, when, and how much is used."""

    engagement_id: int
    program: str
    client: str
    coach: str
    state: str
    starts_on: datetime.date
    ends_on: datetime.date
    sessions_held: int
    sessions_contracted: int
    hours_used: Decimal
    hours_contracted: Decimal

    @property
    def hours_share(self) -> float:
        if not self.hours_contracted:
            return 0.0
        return min(float(self.hours_used / self.hours_contracted), 1.0)

    @property
    def over_hours(self) -> bool:
        return self.hours_used > self.hours_contracted


@dataclass(frozen=True)
class SponsorView:
    """One engagement's progress in aggregate, for its sponsor's page."""

    engagement: Sponsored
    objectives: int
    objectives_rated: int
    # The mean of each rated objective's latest (or closing) rating, 0 to PROGRESS_MOST.
    average_progress: float | None
    closing_reviewed: bool
    progress_most: int = PROGRESS_MOST

    @property
    def average_share(self) -> float:
        return (self.average_progress or 0) / PROGRESS_MOST


def _sponsored(engagement: Engagement, *, sessions_held: int, hours_used: Decimal) -> Sponsored:
    relationship = engagement.relationship
    return Sponsored(
        engagement_id=engagement.pk,
        program=relationship.program.name,
        client=relationship.mentee.user.full_name or relationship.mentee.user.email,
        coach=relationship.mentor.user.full_name or relationship.mentor.user.email,
        state=relationship.get_status_display(),
        starts_on=engagement.starts_on,
        ends_on=engagement.ends_on,
        sessions_held=sessions_held,
        sessions_contracted=engagement.sessions_contracted,
        hours_used=hours_used,
        hours_contracted=engagement.hours_contracted,
    )


def _people(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    return engagements.select_related(
        "relationship__program", "relationship__mentor__user", "relationship__mentee__user"
    )


def sponsored_list(*, user: User) -> list[Sponsored]:
    """Return the engagements this person sponsors with their usage, in one query."""
    rows = with_usage(_people(engagements_sponsored_by(user))).order_by("-starts_on", "-pk")
    return [
        _sponsored(
            row,
            sessions_held=row.sessions_held,  # type: ignore[attr-defined]
            hours_used=hours_of(row.minutes_used),  # type: ignore[attr-defined]
        )
        for row in rows
    ]


def sponsor_view(*, engagement: Engagement) -> SponsorView:
    """Return an engagement's progress in aggregate; pass one from engagement_get_for_sponsor."""
    progress = engagement_progress(engagement)
    rated = [p for p in progress.objectives if p.latest is not None or p.closing is not None]
    return SponsorView(
        engagement=_sponsored(
            engagement,
            sessions_held=progress.sessions_held,
            hours_used=progress.hours_used,
        ),
        objectives=len(progress.objectives),
        objectives_rated=len(rated),
        average_progress=(
            round(progress.average_latest, 1) if progress.average_latest is not None else None
        ),
        closing_reviewed=engagement.closing_reviewed_at is not None,
    )

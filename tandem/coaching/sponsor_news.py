"""Tell an engagement's sponsor when the contract is signed and when the engagement ends.

The relationship services call this where every start and every close passes, as they
report those events to webhooks. The sponsor reads dates in their own time zone and
numbers only: who, when, how many sessions and hours; never why it ended or what was said.
"""

from django.urls import reverse

from tandem.coaching.models import Engagement
from tandem.coaching.selectors.progress import engagement_progress
from tandem.notifications.services import notify
from tandem.notifications.when import local_date
from tandem.programs.models import Program
from tandem.relationships.models import Relationship

SIGNED = "signed"
CLOSED = "closed"


def _engagement(relationship: Relationship) -> Engagement | None:
    if relationship.program.format != Program.Format.COACHING:
        return None
    return (
        Engagement.objects.filter(relationship=relationship, sponsor__isnull=False)
        .select_related("sponsor", "relationship__mentor__user", "relationship__mentee__user")
        .first()
    )


def engagement_sponsor_tell(*, relationship: Relationship, event: str) -> None:
    """Tell the sponsor of this relationship's engagement, if any, that it was signed or closed."""
    engagement = _engagement(relationship)
    if engagement is None or engagement.sponsor is None:
        return
    sponsor = engagement.sponsor
    organization = relationship.program.organization_id
    client = relationship.mentee.user.full_name or relationship.mentee.user.email
    coach = relationship.mentor.user.full_name or relationship.mentor.user.email
    url = reverse("coaching:sponsor_view", args=[engagement.pk])
    if event == SIGNED:
        signed = local_date(
            sponsor,
            relationship.started_at or relationship.updated_at,
            organization_id=organization,
        )
        notify(
            user=sponsor,
            kind="engagement_sponsored",
            title=f"You are the sponsor of {client}'s coaching with {coach}",
            body=(
                f"Both signed the contract on {signed}: "
                f"{engagement.sessions_contracted} sessions, {engagement.hours_contracted} hours, "
                f"from {local_date(sponsor, engagement.starts_on)} to "
                f"{local_date(sponsor, engagement.ends_on)}. You see the hours and sessions used "
                "and the average progress; what they discuss stays between them."
            ),
            url=url,
            dedupe_key=f"engagement-sponsor-{SIGNED}-{engagement.pk}",
        )
    elif event == CLOSED and relationship.closed_at is not None:
        progress = engagement_progress(engagement)
        closed = local_date(sponsor, relationship.closed_at, organization_id=organization)
        notify(
            user=sponsor,
            kind="engagement_closed",
            title=f"{client}'s coaching with {coach} has ended",
            body=(
                f"It ended on {closed}, "
                f"after {progress.sessions_held} of {progress.sessions_contracted} sessions and "
                f"{progress.hours_used} of {progress.hours_contracted} hours."
            ),
            url=url,
            dedupe_key=f"engagement-sponsor-{CLOSED}-{engagement.pk}",
        )

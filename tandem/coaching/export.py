"""A person's own part of their coaching, for the export of their data.

A coach takes their coach profiles; coach and client each take the engagements they are
in (the contract's numbers, the objectives, the client's ratings, the assignments and the
client's notes on them, the closing review) and their own session notes. Never the other
person's session notes: those are private to their author.
"""

from typing import Any

from tandem.accounts.models import User
from tandem.coaching.models import CoachProfile, Engagement, SessionNote
from tandem.policy.access.coaching import engagements_of


def _dt(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _engagement(engagement: Engagement, user: User) -> dict[str, Any]:
    relationship = engagement.relationship
    return {
        "engagement_id": engagement.pk,
        "program": relationship.program.name,
        "role": "coach" if relationship.mentor.user_id == user.pk else "client",
        "coach": relationship.mentor.user.display_name,
        "client": relationship.mentee.user.display_name,
        "status": relationship.status,
        "sessions_contracted": engagement.sessions_contracted,
        "hours_contracted": str(engagement.hours_contracted),
        "starts_on": _dt(engagement.starts_on),
        "ends_on": _dt(engagement.ends_on),
        "paid_by": engagement.paid_by,
        "budget_code": engagement.budget_code,
        "closing_summary": engagement.closing_summary,
        "closing_reviewed": _dt(engagement.closing_reviewed_at),
        "objectives": [
            {
                "position": objective.position,
                "text": objective.text,
                "measure": objective.measure,
                "outcome": objective.outcome,
                "ratings": [
                    {
                        "session": _dt(r.meeting.starts_at) if r.meeting else None,
                        "closing": r.meeting_id is None,
                        "progress": r.progress,
                        "at": _dt(r.created_at),
                    }
                    for r in objective.ratings.all()
                ],
            }
            for objective in engagement.objectives.all()
        ],
        "assignments": [
            {
                "text": a.text,
                "due_on": _dt(a.due_on),
                "done": _dt(a.done_at),
                "client_note": a.client_note,
            }
            for a in engagement.assignments.all()
        ],
    }


def coaching_personal_export(*, user: User) -> dict[str, Any]:
    """Return this person's coaching data: theirs alone, or shared with them by their partner."""
    profiles = CoachProfile.objects.filter(enrollment__user=user).select_related(
        "enrollment__program"
    )
    engagements = list(
        engagements_of(user)
        .select_related("relationship__program", "relationship__mentor__user")
        .select_related("relationship__mentee__user")
        .prefetch_related("objectives__ratings__meeting", "assignments")
        .order_by("starts_on", "pk")
    )
    engagement_of = {e.relationship_id: e.pk for e in engagements}
    return {
        "coach_profiles": [
            {
                "program": p.enrollment.program.name,
                "kind": p.kind,
                "credentials": p.credentials,
                "approach": p.approach,
                "hourly_rate": str(p.hourly_rate) if p.hourly_rate is not None else None,
                "currency": p.currency,
                "hours_per_client": (
                    str(p.hours_per_client) if p.hours_per_client is not None else None
                ),
                "availability": p.availability,
            }
            for p in profiles.order_by("pk")
        ],
        "engagements": [_engagement(e, user) for e in engagements],
        # Their own private notes on sessions; a partner's notes are never theirs to take.
        "session_notes": [
            {
                "engagement_id": engagement_of.get(note.meeting.relationship_id),
                "session": _dt(note.meeting.starts_at),
                "body": note.body,
                "written": _dt(note.updated_at),
            }
            for note in SessionNote.objects.filter(author=user)
            .select_related("meeting")
            .order_by("meeting__starts_at", "pk")
        ],
    }

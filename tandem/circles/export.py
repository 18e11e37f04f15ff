"""A person's own part of their circles, for the export of their data.

Their places, the agreement versions they signed or wrote, what they brought (questions,
commitments and their follow-ups, absences) and their own check-ins; the shared notes of
the circles they are in. Never another member's check-in, nor anything another member
wrote that the circle does not share.
"""

import datetime
from typing import Any

from tandem.accounts.models import User
from tandem.circles.models import (
    CircleAgreement,
    CircleCommitment,
    CircleMembership,
    CircleQuestion,
    CircleSession,
    CircleSignature,
    SessionAbsence,
    Weekday,
)
from tandem.policy.access import circle_checkins_of_author


def _dt(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _term(name: str, value: Any) -> Any:
    """Write one agreement term as a JSON value: lists, numbers, a weekday's name, ISO dates."""
    if value is None:
        return None
    if name == "weekday":
        return Weekday(value).label
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return value


def _terms(agreement: CircleAgreement) -> dict[str, Any]:
    return {term: _term(term, getattr(agreement, term)) for term in CircleAgreement.TERMS}


def circles_personal_export(*, user: User) -> dict[str, Any]:
    """Return this person's circles data, theirs alone or shared with them by their circle."""
    mine = CircleMembership.objects.filter(enrollment__user=user)
    places = list(mine.select_related("circle__program").order_by("created_at", "pk"))
    in_circle = [p.circle_id for p in places if p.state in CircleMembership.IN_CIRCLE]
    return {
        "places": [
            {
                "circle": place.circle.name,
                "circle_id": place.circle_id,
                "program": place.circle.program.name,
                "state": place.state,
                "circle_state": place.circle.state,
                "reasons": place.reasons,
                "joined": _dt(place.joined_at),
                "left": _dt(place.left_at),
                "leave_note": place.leave_note,
            }
            for place in places
        ],
        "agreements_signed": [
            {
                "circle_id": s.agreement.circle_id,
                "version": s.agreement.version,
                "signed": _dt(s.signed_at),
                **_terms(s.agreement),
            }
            for s in CircleSignature.objects.filter(membership__in=mine)
            .select_related("agreement")
            .order_by("signed_at", "pk")
        ],
        # Versions they wrote, signed or not, in the circles they had a place in.
        "agreements_written": [
            {
                "circle_id": a.circle_id,
                "version": a.version,
                "written": _dt(a.updated_at),
                **_terms(a),
            }
            for a in CircleAgreement.objects.filter(
                last_edited_by=user, circle__in=[p.circle_id for p in places]
            ).order_by("circle", "version")
        ],
        "sessions": [
            {
                "circle_id": s.circle_id,
                "number": s.number,
                "starts_at": _dt(s.starts_at),
                "state": s.state,
                "shared_notes": s.notes,
            }
            for s in CircleSession.objects.filter(circle__in=in_circle).order_by("circle", "number")
        ],
        "questions": [
            {
                "circle_id": q.session.circle_id,
                "session": q.session.number,
                "text": q.text,
                "at": _dt(q.created_at),
            }
            for q in CircleQuestion.objects.filter(author__in=mine)
            .select_related("session")
            .order_by("created_at", "pk")
        ],
        "commitments": [
            {
                "circle_id": c.made_at.circle_id,
                "made_at_session": c.made_at.number,
                "due_at_session": c.due_session.number if c.due_session else None,
                "text": c.text,
                "state": c.state,
                "follow_up_note": c.follow_up_note,
                "followed_up": _dt(c.followed_up_at),
            }
            for c in CircleCommitment.objects.filter(membership__in=mine)
            .select_related("made_at", "due_session")
            .order_by("created_at", "pk")
        ],
        "absences": [
            {
                "circle_id": a.session.circle_id,
                "session": a.session.number,
                "note": a.note,
                "in_advance": a.in_advance,
            }
            for a in SessionAbsence.objects.filter(membership__in=mine).select_related("session")
        ],
        "check_ins": [
            {
                "circle_id": c.membership.circle_id,
                "score": c.score,
                "note": c.note,
                "at": _dt(c.created_at),
            }
            for c in circle_checkins_of_author(user)
            .select_related("membership")
            .order_by("created_at", "pk")
        ],
    }

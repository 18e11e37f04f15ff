"""A person's own data, as one JSON document: what they wrote and what they share.

What the partner wrote privately (their check-ins, journal, decline reasons) is never part
of it; shared things (agreements, meeting notes, commitments, request messages) are.
"""

from typing import Any

from django.db.models import Q

from tandem.accounts.models import User
from tandem.board.models import Answer, Question
from tandem.insights.models import SharedWords
from tandem.notifications.models import Notification
from tandem.policy.access import relationships_of
from tandem.programs.models import Enrollment
from tandem.relationships.models import (
    Agreement,
    CheckIn,
    Commitment,
    JournalEntry,
    Meeting,
    MentorshipRequest,
    Proposal,
    Reflection,
)


def _dt(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def personal_export(*, user: User) -> dict[str, Any]:
    """Return everything this person may take with them."""
    relationships = list(
        relationships_of(user).select_related("program", "mentor__user", "mentee__user", "focus")
    )
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_name": user.preferred_name,
            "pronouns": user.pronouns,
            "joined": _dt(user.date_joined),
        },
        "enrollments": [
            _enrollment(e)
            for e in Enrollment.objects.filter(user=user)
            .select_related("program")
            .prefetch_related("topics__topic")
        ],
        "relationships": [_relationship(r, user) for r in relationships],
        "requests": [
            {
                "from": q.mentee.user.full_name,
                "to": q.mentor.user.full_name,
                "focus": q.focus.name,
                "message": q.message,
                "reply": q.reply,
                "status": q.status,
                "sent": _dt(q.created_at),
            }
            for q in MentorshipRequest.objects.filter(
                Q(mentee__user=user) | Q(mentor__user=user)
            ).select_related("mentee__user", "mentor__user", "focus")
        ],
        "proposals": [
            _proposal(p, user)
            for p in Proposal.objects.filter(
                Q(mentee__user=user) | Q(mentor__user=user)
            ).select_related("mentee__user", "mentor__user", "focus")
        ],
        "check_ins": [
            {
                "relationship": c.relationship_id,
                "going": c.going,
                "meeting_goals": c.meeting_goals,
                "comment": c.comment,
                "at": _dt(c.created_at),
            }
            for c in CheckIn.objects.filter(author=user)
        ],
        "journal": [
            {
                "title": j.title,
                "body": j.body,
                "relationship": j.relationship_id,
                "at": _dt(j.created_at),
            }
            for j in JournalEntry.objects.filter(author=user)
        ],
        "reflections": [
            {
                "relationship": r.relationship_id,
                "keep": r.keep,
                "different": r.different,
                "my_part": r.my_part,
                "shared_with_next_mentor": r.share_with_next,
            }
            for r in Reflection.objects.filter(author=user)
        ],
        "words_shared_with_mentors": [
            {
                "relationship": w.relationship_id,
                "source": w.get_source_display(),
                "body": w.body,
                "at": _dt(w.created_at),
            }
            for w in SharedWords.objects.filter(author=user)
        ],
        "notifications": [
            {"title": n.title, "at": _dt(n.created_at)}
            for n in Notification.objects.filter(user=user)[:500]
        ],
        "board_questions": [
            {
                "title": q.title,
                "body": q.body,
                "anonymous_to_participants": q.is_anonymous,
                "program": q.program.name if q.program else None,
                "state": q.state,
                "asked": _dt(q.created_at),
            }
            for q in Question.objects.filter(author=user).select_related("program")
        ],
        "board_answers": [
            {"question": a.question_id, "body": a.body, "at": _dt(a.created_at)}
            for a in Answer.objects.filter(author=user)
        ],
    }


def _enrollment(e: Enrollment) -> dict[str, Any]:
    return {
        "program": e.program.name,
        "roles": e.roles,
        "status": e.status,
        "goals": e.goals,
        "what_i_bring": e.what_i_bring,
        "why_i_mentor": e.why_i_mentor,
        "capacity": e.capacity,
        "accepting_now": e.accepting_now,
        "meeting_modes": e.meeting_modes,
        "languages": e.languages,
        "identity_attributes": e.identity_attributes,
        "identity_use": e.identity_use,
        "requested_attributes": e.requested_attributes,
        "next_match_asks": e.next_match_asks,
        "topics": [
            {"topic": t.topic.name, "kind": t.kind, "level": t.level} for t in e.topics.all()
        ],
    }


def _relationship(r: Any, user: User) -> dict[str, Any]:
    return {
        "id": r.pk,
        "program": r.program.name,
        "partner": r.partner_of(user.pk).user.full_name,
        "my_role": r.role_of(user.pk),
        "focus": r.focus.name,
        "status": r.status,
        "started": _dt(r.started_at),
        "closed": _dt(r.closed_at),
        "close_reason": r.close_reason,
        "agreements": [
            {
                "version": a.version,
                "signed": a.is_signed,
                **{term: str(getattr(a, term)) for term in Agreement.TERMS},
            }
            for a in r.agreements.order_by("version")
        ],
        "meetings": [
            {
                "starts_at": _dt(m.starts_at),
                "status": m.status,
                "mode": m.mode,
                "agenda": m.agenda,
                "notes": m.notes,
            }
            for m in Meeting.objects.filter(relationship=r)
        ],
        "commitments": [
            {
                "owner": c.owner.full_name,
                "text": c.text,
                "due_on": str(c.due_on),
                "done": _dt(c.done_at),
            }
            for c in Commitment.objects.filter(relationship=r).select_related("owner")
        ],
    }


def _proposal(p: Proposal, user: User) -> dict[str, Any]:
    side = p.side_of(user.pk)
    return {
        "with": (p.mentee if side == "mentor" else p.mentor).user.full_name,
        "focus": p.focus.name,
        "status": p.status,
        "reasons": p.reasons,
        "my_answer": getattr(p, f"{side}_answer"),
        "my_private_reason": getattr(p, f"{side}_decline_reason"),
    }

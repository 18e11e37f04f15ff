"""People who leave an organization: they become alumni, and what they may no longer keep ends.

``memberships_leave`` is the one way to mark people as alumni: the member pages' "mark as
alumni" button, the people import and SCIM deactivation all call it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from tandem.accounts.models import Membership, Organization, User
from tandem.notifications.services import notify
from tandem.policy.access import user_administers_program, users_admitted_to
from tandem.programs.models import Program
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship
from tandem.relationships.services.lifecycle import relationship_close, relationship_end_by_admin
from tandem.relationships.services.proposals import proposal_answer
from tandem.relationships.services.requests import request_decline, request_withdraw

BATCH = 1000


@dataclass
class LeaveSummary:
    """What leaving changed: memberships made alumni and what was ended for that."""

    alumni: int = 0
    relationships_ended: int = 0
    requests_ended: int = 0
    proposals_ended: int = 0


def _bulk_update(objs: list[Any], fields: list[str], *, by: User | None, reason: str) -> None:
    model = type(objs[0])
    if hasattr(model, "history"):
        # Recorded in the audit trail, in bulk, with who did it and why.
        bulk_update_with_history(
            objs,
            model,
            fields,
            batch_size=BATCH,
            default_user=by,
            default_change_reason=reason[:100],
        )
    else:
        model.objects.bulk_update(objs, fields, batch_size=BATCH)


def _left_note(user: User, organization: Organization) -> str:
    return (
        f"{user.full_name} is no longer a member of {organization.name}, so they can no longer "
        "take part in this program. Thank you for the time you gave each other."
    )


@transaction.atomic
def memberships_leave(
    *, memberships: Sequence[Membership], by: User | None, reason: str = ""
) -> LeaveSummary:
    """Mark these memberships alumni and gracefully end what their people may no longer keep.

    ``by`` is the organization admin who decided it (None for an automatic sync such as
    SCIM); ``reason`` goes to the audit trail only, never to the partners. A relationship,
    waiting request or proposal ends only in programs that no longer admit the person: a
    program open to alumni keeps them. Partners are told as when an admin ends a
    relationship; in a program ``by`` does not run, the leaver's side closes it.
    """
    now = timezone.now()
    leaving = [m for m in memberships if m.status == Membership.Status.ACTIVE]
    summary = LeaveSummary()
    if not leaving:
        return summary
    for membership in leaving:
        membership.status = Membership.Status.ALUMNI
        membership.updated_at = now
    _bulk_update(leaving, ["status", "updated_at"], by=by, reason=reason or "Left")
    summary.alumni = len(leaving)
    organizations = {m.organization_id: m.organization for m in leaving}
    left_from = {m.user_id: organizations[m.organization_id] for m in leaving}
    users = set(left_from)
    summary.relationships_ended = _end_relationships(users, left_from, by)
    summary.requests_ended = _end_requests(users, left_from, now)
    summary.proposals_ended = _end_proposals(users, left_from, now)
    return summary


def _not_admitted(users: set[int], programs: set[Program]) -> dict[int, set[int]]:
    """For each program, which of these people it no longer admits (one query per program)."""
    return {
        program.pk: users
        - set(users_admitted_to(program).filter(pk__in=users).values_list("pk", flat=True))
        for program in programs
    }


def _end_relationships(users: set[int], left_from: dict[int, Organization], by: User | None) -> int:
    open_ones = list(
        Relationship.objects.filter(status__in=Relationship.HOLDS_CAPACITY)
        .filter(Q(mentor__user__in=users) | Q(mentee__user__in=users))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("pk")
    )
    outside = _not_admitted(users, {r.program for r in open_ones})
    ended = 0
    for relationship in open_ones:
        leavers = [
            e.user
            for e in (relationship.mentor, relationship.mentee)
            if e.user_id in outside[relationship.program_id]
        ]
        if not leavers:
            continue
        leaver = leavers[0]
        note = _left_note(leaver, left_from[leaver.pk])
        if by is not None and user_administers_program(user=by, program=relationship.program):
            relationship_end_by_admin(relationship=relationship, admin=by, message=note)
        else:
            relationship_close(
                relationship=relationship,
                by=leaver,
                reason=Relationship.CloseReason.OTHER,
                message=note,
            )
        ended += 1
    return ended


def _end_requests(users: set[int], left_from: dict[int, Organization], now: Any) -> int:
    waiting = list(
        MentorshipRequest.objects.filter(
            status=MentorshipRequest.Status.PENDING, expires_at__gt=now
        )
        .filter(Q(mentor__user__in=users) | Q(mentee__user__in=users))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("pk")
    )
    outside = _not_admitted(users, {r.program for r in waiting})
    ended = 0
    for request in waiting:
        gone = outside[request.program_id]
        if request.mentee.user_id in gone:
            request_withdraw(request=request, by=request.mentee.user)
        elif request.mentor.user_id in gone:
            mentor = request.mentor.user
            request_decline(
                request=request, by=mentor, reply=_left_note(mentor, left_from[mentor.pk])
            )
        else:
            continue
        ended += 1
    return ended


def _end_proposals(users: set[int], left_from: dict[int, Organization], now: Any) -> int:
    waiting = list(
        Proposal.objects.filter(status=Proposal.Status.PENDING, expires_at__gt=now)
        .filter(Q(mentor__user__in=users) | Q(mentee__user__in=users))
        .select_related("program", "mentor__user", "mentee__user")
        .order_by("pk")
    )
    outside = _not_admitted(users, {p.program for p in waiting})
    ended = 0
    for proposal in waiting:
        side = next(
            (
                s
                for s in ("mentor", "mentee")
                if getattr(proposal, s).user_id in outside[proposal.program_id]
            ),
            None,
        )
        if side is None:
            continue
        leaver = getattr(proposal, side).user
        if not getattr(proposal, f"{side}_answer"):
            # The leaver's "no", as if they had answered: the other person is told kindly.
            proposal_answer(proposal=proposal, by=leaver, accept=False)
        else:
            # The leaver already said yes; the proposal cannot go ahead without them.
            proposal.status = Proposal.Status.DECLINED
            proposal.save(update_fields=["status", "updated_at"])
            other = proposal.mentee if side == "mentor" else proposal.mentor
            notify(
                user=other.user,
                kind="proposal_declined",
                title=f"The proposed match with {leaver.full_name} will not go ahead",
                body=_left_note(leaver, left_from[leaver.pk]),
                url=reverse("relationships:proposal", args=[proposal.pk]),
            )
        ended += 1
    return ended

"""Give the demo's notifications the dates of what they report, and the past its reading.

The demo's history goes through the real services, which notify at the moment they run,
that is today; the dates of what they made are moved back afterwards. Here each
notification about a request, a proposal or a relationship takes the date of the event it
reports, and the day it asks an answer by becomes that request's or proposal's own. One
that asked its reader to act counts as read once nothing waits on them any more (they
opened it to answer or sign); news older than a week counts as read too. What still waits
on its reader stays unread.
"""

import datetime
import re

from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import User
from tandem.notifications.models import Notification
from tandem.notifications.when import local_date
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship

# News older than this has been read.
READ_AFTER = datetime.timedelta(days=7)
# How long after it came a notification of the past was read.
READ_WITHIN = datetime.timedelta(hours=3)
# Kinds that ask the reader to answer or sign: unread exactly while that still waits.
ASKS = frozenset(
    {
        "proposal_received",
        "proposal_half_accepted",
        "proposal_accepted",
        "request_received",
        "request_accepted",
        "agreement_edited",
        "agreement_to_sign",
    }
)
PROPOSAL_URL = re.compile(r"^/relationships/proposals/(\d+)/")
REQUEST_URL = re.compile(r"^/relationships/requests/(\d+)/")
RELATIONSHIP_URL = re.compile(r"^/relationships/(\d+)/")


def settle_notifications(notifications: QuerySet[Notification]) -> int:
    """Date and mark read these notifications as their things stand; return how many read."""
    now = timezone.now()
    changed = []
    read = 0
    for notification in notifications.select_related("user").order_by("pk"):
        found = _event(notification, now)
        if found is None:
            continue
        when, waiting = found
        when = min(when, now)
        notification.created_at = when
        notification.body = _body(notification)
        is_read = not waiting if notification.kind in ASKS else now - when > READ_AFTER
        notification.read_at = min(when + READ_WITHIN, now) if is_read else None
        read += is_read
        changed.append(notification)
    Notification.objects.bulk_update(changed, ["created_at", "read_at", "body"], batch_size=500)
    return read


def _body(notification: Notification) -> str:
    """Write the answer-by date of a request or proposal as it stands after its move back."""
    if notification.kind == "request_received" and (match := REQUEST_URL.match(notification.url)):
        request = MentorshipRequest.objects.select_related("program").get(pk=match[1])
        answer_by = local_date(
            notification.user, request.expires_at, organization_id=request.program.organization_id
        )
        return f"Please answer by {answer_by}."
    if notification.kind == "proposal_received" and (match := PROPOSAL_URL.match(notification.url)):
        proposal = Proposal.objects.select_related("program").get(pk=match[1])
        answer_by = local_date(
            notification.user, proposal.expires_at, organization_id=proposal.program.organization_id
        )
        return f"Please say yes or no by {answer_by}."
    return notification.body


def _event(
    notification: Notification, now: datetime.datetime
) -> tuple[datetime.datetime, bool] | None:
    """Return when the reported event happened and whether it still waits on the reader."""
    if match := PROPOSAL_URL.match(notification.url):
        proposal = Proposal.objects.filter(pk=match[1]).first()
        return None if proposal is None else _proposal_event(notification, proposal)
    if match := REQUEST_URL.match(notification.url):
        request = MentorshipRequest.objects.filter(pk=match[1]).first()
        if request is None:
            return None
        if notification.kind == "request_received":
            return request.created_at, request.status == MentorshipRequest.Status.PENDING
        return request.answered_at or min(request.expires_at, now), False
    if match := RELATIONSHIP_URL.match(notification.url):
        relationship = Relationship.objects.filter(pk=match[1]).first()
        if relationship is None:
            return None
        return _relationship_event(notification, relationship, notification.user)
    return None


def _proposal_event(
    notification: Notification, proposal: Proposal
) -> tuple[datetime.datetime, bool] | None:
    is_mentor = notification.user_id == proposal.mentor.user_id
    unanswered = not (proposal.mentor_answer if is_mentor else proposal.mentee_answer)
    waiting = proposal.status == Proposal.Status.PENDING and unanswered
    if notification.kind == "proposal_received":
        return proposal.created_at, waiting
    if notification.kind == "proposal_half_accepted":
        answered = proposal.created_at + datetime.timedelta(hours=10)
        if proposal.relationship is not None:
            answered = min(answered, proposal.relationship.created_at)
        return answered, waiting
    if notification.kind == "proposal_expired":
        return proposal.expires_at, False
    if notification.kind == "proposal_declined":
        return proposal.created_at + datetime.timedelta(days=1), False
    return None


def _relationship_event(
    notification: Notification, relationship: Relationship, user: User
) -> tuple[datetime.datetime, bool] | None:
    kind = notification.kind
    if kind in ASKS:
        agreement = relationship.agreements.order_by("-version").first()
        signed = agreement is not None and (
            agreement.mentor_signed_at
            if user.pk == relationship.mentor.user_id
            else agreement.mentee_signed_at
        )
        waiting = relationship.status == Relationship.Status.AGREEING and not signed
        when = relationship.created_at
        if kind in ("agreement_edited", "agreement_to_sign"):
            when += datetime.timedelta(hours=20)
            if relationship.started_at is not None:
                when = min(when, relationship.started_at)
        return when, waiting
    if kind == "agreement_signed" and relationship.started_at is not None:
        return relationship.started_at, False
    if kind in ("relationship_closed", "rematch_offered") and relationship.closed_at is not None:
        return relationship.closed_at, False
    if kind in ("relationship_paused", "relationship_resumed"):
        paused = relationship.paused_at or _last_paused(relationship)
        if paused is None:
            return None
        if kind == "relationship_paused":
            return paused, False
        return paused + datetime.timedelta(days=relationship.paused_days), False
    return None


def _last_paused(relationship: Relationship) -> datetime.datetime | None:
    version = (
        Relationship.history.filter(id=relationship.pk, paused_at__isnull=False)
        .order_by("-history_date")
        .first()
    )
    return None if version is None else version.paused_at

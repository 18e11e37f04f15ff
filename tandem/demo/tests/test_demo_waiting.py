"""The demo shows its admin stalled pairs to nudge, and nobody an out-of-date notification."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.demo import agency
from tandem.demo.inbox import ASKS, PROPOSAL_URL, REQUEST_URL
from tandem.home.selectors import needs_for_user
from tandem.insights.models import Nudge
from tandem.insights.stalled import selectors
from tandem.notifications.models import Notification
from tandem.notifications.when import local_date
from tandem.programs.models import Program
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship
from tandem.testing.fixtures import client_for

PERSONAS = ("admin", "mentor", "mentee", "staff")


@pytest.fixture
def demo(settings: object) -> dict[str, User]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    call_command("demo_data", "--people", "150", stdout=StringIO())
    return {key: User.objects.get(email=f"{key}@{agency.AGENCY_DOMAIN}") for key in PERSONAS}


def _still_waits(notification: Notification) -> bool:
    """Whether what this notification asks of its reader is still to do, as the data stands."""
    user = notification.user
    if match := PROPOSAL_URL.match(notification.url):
        proposal = Proposal.objects.get(pk=match[1])
        mine = (
            proposal.mentor_answer if proposal.mentor.user_id == user.pk else proposal.mentee_answer
        )
        return proposal.status == Proposal.Status.PENDING and not mine
    if match := REQUEST_URL.match(notification.url):
        request = MentorshipRequest.objects.get(pk=match[1])
        return request.status == MentorshipRequest.Status.PENDING
    relationship = Relationship.objects.get(pk=notification.url.split("/")[2])
    agreement = relationship.agreements.order_by("-version").first()
    assert agreement is not None
    signed = (
        agreement.mentor_signed_at
        if relationship.mentor.user_id == user.pk
        else agreement.mentee_signed_at
    )
    return relationship.status == Relationship.Status.AGREEING and signed is None


@pytest.mark.django_db
def test_the_admin_finds_three_kinds_of_stalled_pairs_and_nudges_each(
    demo: dict[str, User],
) -> None:
    program = Program.objects.get(name="Women in Technology mentoring")
    admin = client_for(demo["admin"])
    page = admin.get(reverse("insights:stalled", args=[program.pk]))
    assert page.status_code == 200
    items = page.context["items"]
    assert len(items) >= 3
    assert {"no_meeting", "agreement", "request"} <= {item.kind for item in items}
    assert f"{len(items)} stalled pairs" in admin.get(reverse("home")).content.decode()

    for item in items:
        response = admin.post(
            reverse("insights:stalled_nudge", args=[program.pk]), {"one": item.key}
        )
        assert response.status_code == 302
    for item in items:
        nudge = Nudge.objects.get(program=program, kind=item.kind, object_id=item.object_id)
        assert Notification.objects.filter(kind="nudge", dedupe_key=f"nudge:{nudge.pk}").exists()
    # The demo mentor is asked to answer the request about to expire, and sees the nudge.
    assert Notification.objects.filter(user=demo["mentor"], kind="nudge").exists()


@pytest.mark.django_db
def test_no_notification_asks_for_what_no_longer_waits(demo: dict[str, User]) -> None:
    asks = Notification.objects.filter(kind__in=ASKS).select_related("user")
    assert asks.filter(read_at__isnull=True).exists()
    for notification in asks:
        waits = _still_waits(notification)
        assert (notification.read_at is None) == waits, (
            notification.user.email,
            notification.title,
            notification.url,
        )
    now = timezone.now()
    assert not Notification.objects.filter(created_at__gt=now).exists()
    # An answer-by day in a notification is the day its proposal or request lapses.
    for notification in Notification.objects.filter(kind="proposal_received"):
        proposal = Proposal.objects.get(pk=PROPOSAL_URL.match(notification.url)[1])  # type: ignore[index]
        answer_by = local_date(
            notification.user, proposal.expires_at, organization_id=program_of(proposal)
        )
        assert f"by {answer_by}." in notification.body


def program_of(proposal: Proposal) -> int:
    return proposal.program.organization_id


@pytest.mark.django_db
def test_what_needs_each_persona_is_really_waiting(demo: dict[str, User]) -> None:
    for user in demo.values():
        for need in needs_for_user(user=user):
            if need.kind == "proposal":
                proposal = Proposal.objects.get(pk=need.url.split("/")[3])
                assert proposal.status == Proposal.Status.PENDING
            elif need.kind == "request":
                request = MentorshipRequest.objects.get(pk=need.url.split("/")[3])
                assert request.status == MentorshipRequest.Status.PENDING
                assert request.expires_at > timezone.now()
    stalled = selectors.stalled_counts(programs=Program.objects.all())
    assert sum(stalled.values()) >= 3

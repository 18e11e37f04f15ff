"""The sponsor is told when the contract is signed and when the engagement ends."""

import datetime
import zoneinfo

from django.urls import reverse
from django.utils import dateformat, timezone

from tandem.accounts.models import Membership
from tandem.notifications.models import Notification
from tandem.relationships.models import Meeting, Relationship
from tandem.relationships.services.agreements import agreement_sign
from tandem.relationships.services.lifecycle import relationship_close, relationship_end_by_admin
from tandem.testing.coaching import Practice

# Fourteen hours ahead of UTC: most of the day, the sponsor's date is not UTC's.
FAR_EAST = "Pacific/Kiritimati"


def _their_day(moment: datetime.datetime | None) -> str:
    assert moment is not None
    return dateformat.format(moment.astimezone(zoneinfo.ZoneInfo(FAR_EAST)), "j F")


def test_the_sponsor_learns_the_contract_is_signed_in_their_time_zone(
    practice: Practice,
) -> None:
    Membership.objects.filter(user=practice.sponsor).update(time_zone=FAR_EAST)

    agreement_sign(agreement=practice.agreement, by=practice.coach.user)
    assert not Notification.objects.filter(user=practice.sponsor).exists()
    agreement_sign(agreement=practice.agreement, by=practice.client.user)

    practice.relationship.refresh_from_db()
    news = Notification.objects.get(user=practice.sponsor)
    assert news.kind == "engagement_sponsored"
    assert news.title == "You are the sponsor of Cal Client's coaching with Cora Coach"
    assert f"Both signed the contract on {_their_day(practice.relationship.started_at)}" in (
        news.body
    )
    assert "6 sessions, 6.0 hours" in news.body
    assert news.url == reverse("coaching:sponsor_view", args=[practice.engagement.pk])


def test_the_sponsor_learns_the_engagement_ended_with_its_numbers(practice: Practice) -> None:
    Membership.objects.filter(user=practice.sponsor).update(time_zone=FAR_EAST)
    practice.start()
    Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=3),
        duration_minutes=90,
        status=Meeting.Status.HELD,
        notes="canary-meeting-notes-6f1e",
    )

    relationship_close(
        relationship=practice.relationship,
        by=practice.client.user,
        reason=Relationship.CloseReason.COMPLETED,
        private_reason="canary-private-reason-8a2c",
        message="canary-closing-message-3d4b",
    )

    practice.relationship.refresh_from_db()
    news = Notification.objects.get(user=practice.sponsor)
    assert news.kind == "engagement_closed"
    assert news.body == (
        f"It ended on {_their_day(practice.relationship.closed_at)}, "
        "after 1 of 6 sessions and 1.5 of 6.0 hours."
    )
    for secret in ("canary-meeting-notes-6f1e", "canary-private-reason-8a2c", "canary-closing"):
        assert secret not in news.title + news.body


def test_an_admin_ending_the_engagement_tells_the_sponsor_once(practice: Practice) -> None:
    practice.start()

    relationship_end_by_admin(
        relationship=practice.relationship, admin=practice.admin, message="Scope was crossed."
    )

    news = Notification.objects.filter(user=practice.sponsor)
    assert [n.kind for n in news] == ["engagement_closed"]
    assert "Scope was crossed" not in news[0].body


def test_a_mentoring_relationship_tells_no_sponsor(practice: Practice) -> None:
    world = practice.world
    relationship = Relationship.objects.create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
        status=Relationship.Status.ACTIVE,
        started_at=timezone.now(),
    )

    relationship_close(
        relationship=relationship, by=world.mentee, reason=Relationship.CloseReason.COMPLETED
    )

    assert not Notification.objects.filter(kind__startswith="engagement_").exists()

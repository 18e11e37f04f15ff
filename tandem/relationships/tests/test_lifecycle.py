import datetime

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.relationships import services
from tandem.relationships.models import JournalEntry, MatchExclusion, Meeting, Relationship
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World


def test_pause_and_resume(ready: World) -> None:
    relationship = active(ready)
    services.relationship_pause(
        relationship=relationship,
        by=ready.mentee,
        until=timezone.localdate() + datetime.timedelta(days=20),
    )
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.PAUSED
    assert not relationship.meetings.filter(status=Meeting.Status.PLANNED).exists()
    with pytest.raises(DomainError):
        services.commitment_create(
            relationship=relationship, owner=ready.mentee, text="x", due_on=timezone.localdate()
        )
    services.relationship_resume(relationship=relationship, by=ready.mentor)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert relationship.meetings.filter(status=Meeting.Status.PLANNED).count() == 1


def test_a_long_pause_closes_gently_as_inactive(ready: World) -> None:
    relationship = active(ready)
    services.relationship_pause(relationship=relationship, by=ready.mentee)
    later = timezone.now() + datetime.timedelta(days=61)
    assert services.relationships_close_long_paused(now=later) == 1
    assert services.relationships_close_long_paused(now=later) == 0
    relationship.refresh_from_db()
    assert relationship.close_reason == Relationship.CloseReason.INACTIVE
    assert Notification.objects.filter(kind="relationship_closed").count() == 2


def test_closing_keeps_the_private_reason_private_and_offers_a_rematch(ready: World) -> None:
    relationship = active(ready)
    services.relationship_close(
        relationship=relationship,
        by=ready.mentee,
        reason=Relationship.CloseReason.NOT_A_FIT,
        private_reason="He kept talking about himself",
        message="Thank you for your time.",
    )
    entry = JournalEntry.objects.get()
    assert entry.author == ready.mentee
    partner_note = Notification.objects.get(user=ready.mentor, kind="relationship_closed")
    assert "kept talking" not in partner_note.body
    assert partner_note.body == "Thank you for your time."
    assert Notification.objects.filter(user=ready.mentee, kind="rematch_offered").exists()
    assert MatchExclusion.objects.filter(
        mentee=ready.mentee_enrollment, mentor=ready.mentor_enrollment
    ).exists()
    reflection = services.reflection_save(
        relationship=relationship,
        author=ready.mentee,
        keep="Concrete homework",
        different="Someone who listens more",
        my_part="Say earlier what I need",
        share_with_next=True,
    )
    assert reflection.share_with_next


def test_admins_can_end_a_relationship_with_a_message(ready: World) -> None:
    relationship = active(ready)
    with pytest.raises(DomainError):
        services.relationship_end_by_admin(
            relationship=relationship, admin=ready.mentor, message="no"
        )
    services.relationship_end_by_admin(
        relationship=relationship, admin=ready.admin, message="The program year has ended."
    )
    relationship.refresh_from_db()
    assert relationship.close_reason == Relationship.CloseReason.ENDED_BY_ADMIN


def test_a_concern_reaches_admins_without_telling_the_partner(ready: World) -> None:
    relationship = active(ready)
    concern = services.concern_raise(
        relationship=relationship,
        reporter=ready.mentee,
        body="Messages late at night after I said no texting.",
    )
    assert Notification.objects.filter(user=ready.admin, kind="concern_raised").exists()
    assert not Notification.objects.filter(user=ready.mentor, kind__startswith="concern").exists()
    services.concern_update(
        concern=concern,
        admin=ready.admin,
        status="in_review",
        response="Thank you; we will talk to both of you separately.",
    )
    assert Notification.objects.filter(user=ready.mentee, kind="concern_updated").exists()

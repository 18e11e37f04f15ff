"""No private word leaves Tandem in a webhook: canary text written everywhere people write
never appears in any delivery, stored or received."""

import datetime

import pytest
from django.utils import timezone

from tandem.relationships import services
from tandem.relationships.models import Agreement
from tandem.testing.fixtures import client_for
from tandem.webhooks.models import Delivery
from tandem.webhooks.tests.conftest import Hooked, accepted

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7f3a-private"


@pytest.mark.usefixtures("tasks_after_each_request")
def test_canary_text_in_every_private_place_never_reaches_an_endpoint(hooked: Hooked) -> None:
    world = hooked.world
    relationship = accepted(world)
    agreement = relationship.agreements.get()
    services.agreement_update(
        agreement=agreement,
        by=world.mentee,
        goals=f"Speak at the board {CANARY}",
        derailers=f"Derailers {CANARY}",
    )
    agreement = Agreement.objects.get(relationship=relationship)
    mentor, mentee = client_for(world.mentor), client_for(world.mentee)
    for client in (mentor, mentee):
        client.post(f"/relationships/agreements/{agreement.pk}/sign/")
    relationship.refresh_from_db()
    assert relationship.status == "active"
    services.journal_entry_write(
        author=world.mentee, relationship=relationship, body=f"My journal {CANARY}"
    )
    services.checkin_record(
        relationship=relationship,
        author=world.mentee,
        going=2,
        meeting_goals=2,
        comment=f"Check-in {CANARY}",
    )
    services.commitment_create(
        relationship=relationship,
        owner=world.mentee,
        text=f"Commitment {CANARY}",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    mentee.post(
        f"/relationships/{relationship.pk}/concern/",
        {"body": f"A concern {CANARY}", "submission_key": "cd" * 16},
    )
    mentee.post(f"/relationships/{relationship.pk}/pause/", {"until": ""})
    mentee.post(f"/relationships/{relationship.pk}/resume/")
    mentee.post(
        f"/relationships/{relationship.pk}/close/",
        {"reason": "not_a_fit", "private_reason": f"Why {CANARY}", "message": f"Bye {CANARY}"},
    )

    kinds = sorted(r.event["type"] for r in hooked.receiver.requests)
    assert kinds == [
        "concern.raised",
        "relationship.closed",
        "relationship.paused",
        "relationship.started",
    ]
    assert all(r.verified for r in hooked.receiver.requests)
    assert all(CANARY not in r.body.decode() for r in hooked.receiver.requests)
    assert not Delivery.objects.filter(body__contains=CANARY).exists()
    assert not Delivery.objects.filter(body__contains="not_a_fit").exists()
    assert not Delivery.objects.filter(body__contains=world.mentee.email).exists()

"""Each event, caused as people cause it, reaches the endpoint once, with ids and states only."""

import datetime

import pytest
import tablib
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.matching import services as matching
from tandem.matching.models import MatchingRound
from tandem.matching.tasks import run_round
from tandem.people.services.import_files import import_file_read
from tandem.people.services.imports import import_apply
from tandem.people.services.scim import UserChanges, scim_user_create
from tandem.relationships import services
from tandem.relationships.models import Concern, Proposal, Relationship
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default
from tandem.webhooks.models import Delivery
from tandem.webhooks.tests.conftest import Hooked, accepted, active

pytestmark = pytest.mark.django_db


def _only(hooked: Hooked, kind: str) -> dict:
    """Return the one event of this kind the receiver got, checking its signature."""
    received = [r for r in hooked.receiver.requests if r.event["type"] == kind]
    assert len(received) == 1, [r.event["type"] for r in hooked.receiver.requests]
    assert received[0].verified
    event = received[0].event
    assert event["organization_id"] == hooked.world.org.pk
    assert Delivery.objects.get(event_id=event["id"]).status == Delivery.Status.DELIVERED
    return event


@pytest.mark.usefixtures("tasks_after_each_request")
def test_signing_the_first_agreement_starts_the_relationship(hooked: Hooked) -> None:
    world = hooked.world
    relationship = accepted(world)
    agreement = relationship.agreements.get()
    sign = f"/relationships/agreements/{agreement.pk}/sign/"

    client_for(world.mentor).post(sign)
    assert hooked.receiver.events("relationship.started") == []
    client_for(world.mentee).post(sign)

    event = _only(hooked, "relationship.started")
    data = event["data"]["relationship"]
    assert data["id"] == relationship.pk
    assert data["status"] == "active"
    assert data["program_id"] == world.program.pk
    assert data["mentor"] == {
        "enrollment_id": world.mentor_enrollment.pk,
        "user_id": world.mentor.pk,
    }
    assert data["mentee"]["user_id"] == world.mentee.pk
    assert data["origin"] == "request"
    assert data["started_at"] is not None
    assert data["closed_by"] is None


@pytest.mark.usefixtures("tasks_after_each_request")
def test_pausing_on_the_page_sends_relationship_paused(hooked: Hooked) -> None:
    world = hooked.world
    relationship = active(world)
    back = timezone.localdate() + datetime.timedelta(days=14)

    response = client_for(world.mentee).post(
        f"/relationships/{relationship.pk}/pause/", {"until": back.isoformat()}
    )

    assert response.status_code == 302
    data = _only(hooked, "relationship.paused")["data"]["relationship"]
    assert data["status"] == "paused"
    assert data["pause_until"] == back.isoformat()
    assert data["paused_at"] is not None


@pytest.mark.usefixtures("tasks_after_each_request")
def test_closing_on_the_page_sends_relationship_closed_without_the_reason(
    hooked: Hooked,
) -> None:
    world = hooked.world
    relationship = active(world)

    response = client_for(world.mentee).post(
        f"/relationships/{relationship.pk}/close/",
        {"reason": "not_a_fit", "private_reason": "Too formal for me.", "message": "Thanks!"},
    )

    assert response.status_code == 302
    event = _only(hooked, "relationship.closed")
    data = event["data"]["relationship"]
    assert data["status"] == "closed"
    assert data["closed_by"] == "participant"
    assert data["closed_at"] is not None
    body = Delivery.objects.get(event_id=event["id"]).body
    assert "not_a_fit" not in body and "Too formal" not in body and "Thanks!" not in body


def test_a_program_ending_a_relationship_is_a_close_by_the_program(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    world = hooked.world
    relationship = active(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_end_by_admin(
            relationship=relationship, admin=world.admin, message="The program ends in June."
        )

    data = _only(hooked, "relationship.closed")["data"]["relationship"]
    assert data["closed_by"] == "program"
    assert "June" not in Delivery.objects.get(kind="relationship.closed").body


def test_a_long_pause_closing_gently_is_a_close_by_tandem(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    world = hooked.world
    relationship = active(world)
    services.relationship_pause(relationship=relationship, by=world.mentee)
    later = timezone.now() + datetime.timedelta(days=world.program.max_pause_days + 2)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.relationships_close_long_paused(now=later) == 1

    data = _only(hooked, "relationship.closed")["data"]["relationship"]
    assert data["id"] == relationship.pk
    assert data["closed_by"] == "tandem"


@pytest.mark.usefixtures("tasks_after_each_request")
def test_a_concern_is_announced_without_its_text_or_its_reporter(hooked: Hooked) -> None:
    world = hooked.world
    relationship = active(world)

    response = client_for(world.mentee).post(
        f"/relationships/{relationship.pk}/concern/",
        {"body": "He keeps cancelling at the last minute.", "submission_key": "ab" * 16},
    )

    assert response.status_code == 302
    concern = Concern.objects.get()
    data = _only(hooked, "concern.raised")["data"]
    assert data == {
        "concern": {
            "id": concern.pk,
            "relationship_id": relationship.pk,
            "program_id": world.program.pk,
            "status": "open",
            "created_at": data["concern"]["created_at"],
        }
    }
    body = Delivery.objects.get(kind="concern.raised").body
    assert "cancelling" not in body
    assert str(world.mentee.email) not in body


def test_a_round_finishing_and_publishing_sends_one_event_each(
    cohort: World, receiver, django_capture_on_commit_callbacks
) -> None:
    from tandem.webhooks.services import endpoint_create

    endpoint, receiver.secret = endpoint_create(
        organization=cohort.org,
        url=receiver.url,
        events=["round.finished", "proposal.published"],
        created_by=cohort.admin,
    )
    hooked = Hooked(world=cohort, receiver=receiver, endpoint=endpoint)
    created = round_create_default(program=cohort.program, by=cohort.admin)
    with django_capture_on_commit_callbacks(execute=True):
        matching.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY

    finished = _only(hooked, "round.finished")["data"]["round"]
    assert finished["id"] == created.pk
    assert finished["status"] == "ready"
    assert finished["pairs"] == created.pairs.count() > 1
    assert run_round.call(created.pk) == "skipped"  # a second run sends nothing either
    assert len(receiver.events("round.finished")) == 1

    with django_capture_on_commit_callbacks(execute=True):
        published = matching.round_publish(matching_round=created)

    data = _only(hooked, "proposal.published")["data"]
    proposals = Proposal.objects.filter(program=cohort.program)
    assert data["count"] == published == proposals.count()
    assert sorted(data["proposal_ids"]) == sorted(proposals.values_list("pk", flat=True))
    assert data["round_id"] == created.pk
    assert data["status"] == "pending"
    assert data["expires_at"] is not None


def test_a_round_published_in_chunks_sends_one_event_per_chunk(
    cohort: World, receiver, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from tandem.webhooks.services import endpoint_create

    _endpoint, receiver.secret = endpoint_create(
        organization=cohort.org,
        url=receiver.url,
        events=["proposal.published"],
        created_by=cohort.admin,
    )
    created = round_create_default(program=cohort.program, by=cohort.admin)
    with django_capture_on_commit_callbacks(execute=True):
        matching.round_start(matching_round=created)
    monkeypatch.setattr(matching, "PUBLISH_CHUNK", 4)
    with django_capture_on_commit_callbacks(execute=True):
        assert matching.round_publish(matching_round=created) == 6

    events = [r.event["data"] for r in receiver.requests]
    assert [data["count"] for data in events] == [4, 2]  # not one per proposal
    proposals = Proposal.objects.filter(program=cohort.program)
    assert sorted(i for data in events for i in data["proposal_ids"]) == sorted(
        proposals.values_list("pk", flat=True)
    )
    assert {data["round_id"] for data in events} == {created.pk}
    assert len({data["expires_at"] for data in events}) == 1


def test_a_people_file_sends_one_event_for_everyone_it_adds(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    world = hooked.world
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])
    rows = [[f"new{n}@northwind.test", f"New Person {n}"] for n in range(3)]
    rows.append(["mia.mentee@northwind.test", "Mia Santos"])  # already a member
    content = tablib.Dataset(*rows, headers=["email", "full_name"]).export("csv").encode()

    with django_capture_on_commit_callbacks(execute=True):
        import_apply(
            organization=world.org,
            table=import_file_read(name="people.csv", content=content),
            by=world.admin,
            file_name="people.csv",
        )

    data = _only(hooked, "person.imported")["data"]
    added = world.org.memberships.filter(user__email__startswith="new")
    assert data["source"] == "file"
    assert data["count"] == 3
    assert sorted(data["membership_ids"]) == sorted(added.values_list("pk", flat=True))


def test_a_person_provisioned_through_scim_is_announced(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    world = hooked.world
    world.org.email_domains = ["northwind.test"]
    world.org.save(update_fields=["email_domains"])

    with django_capture_on_commit_callbacks(execute=True):
        membership = scim_user_create(
            organization=world.org,
            changes=UserChanges(email="nia.new@northwind.test", full_name="Nia New"),
        )

    data = _only(hooked, "person.imported")["data"]
    assert data == {"source": "scim", "count": 1, "membership_ids": [membership.pk]}


def test_a_write_refused_by_its_rules_sends_nothing(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    relationship = active(hooked.world)
    Relationship.objects.filter(pk=relationship.pk).update(status="closed")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        services.relationship_pause(relationship=relationship, by=hooked.world.mentee)

    assert hooked.receiver.events("relationship.paused") == []

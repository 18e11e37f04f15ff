from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships import services
from tandem.relationships.models import Relationship
from tandem.testing.fixtures import World
from tandem.webhooks.models import Endpoint
from tandem.webhooks.services import endpoint_create
from tandem.webhooks.tests.receiver import Receiver


@pytest.fixture
def receiver(settings: Settings) -> Iterator[Receiver]:
    """A live receiver on 127.0.0.1, which Tandem may call while private addresses are on."""
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    server = Receiver().start()
    yield server
    server.stop()


@dataclass
class Hooked:
    world: World
    receiver: Receiver
    endpoint: Endpoint


@pytest.fixture
def hooked(world: World, receiver: Receiver) -> Hooked:
    """Northwind with one endpoint, listening for every event, at the live receiver."""
    endpoint, secret = endpoint_create(
        organization=world.org,
        url=receiver.url,
        description="Our HR system",
        events=Endpoint.Event.values,
        created_by=world.admin,
    )
    receiver.secret = secret
    return Hooked(world=world, receiver=receiver, endpoint=endpoint)


def _complete(enrollment: Enrollment, world: World, kind: str) -> None:
    EnrollmentTopic.objects.get_or_create(
        enrollment=enrollment,
        topic=world.topic("Public speaking"),
        kind=kind,
        defaults={"level": 3},
    )
    enrollment.profile_completed_at = timezone.now()
    enrollment.meeting_modes = ["video"]
    enrollment.save()


def accepted(world: World) -> Relationship:
    """Mia asks Mo, Mo says yes: a relationship writing its agreement."""
    _complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    _complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    request = services.request_send(
        mentee=world.mentee_enrollment,
        mentor=world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        message="Hello Mo, could you help me present to the board with less fear this spring?",
    )
    return services.request_accept(request=request, by=world.mentor, reply="Gladly!")


def active(world: World) -> Relationship:
    """The same relationship with its agreement signed by both: active."""
    relationship = accepted(world)
    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=world.mentor)
    services.agreement_sign(agreement=agreement, by=world.mentee)
    relationship.refresh_from_db()
    return relationship

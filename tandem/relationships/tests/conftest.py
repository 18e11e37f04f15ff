import datetime

import pytest
from django.utils import timezone

from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships import services
from tandem.relationships.models import Agreement, Relationship
from tandem.testing.fixtures import World


def complete(enrollment: Enrollment, world: World, kind: str, topic: str = "Public speaking"):
    EnrollmentTopic.objects.get_or_create(
        enrollment=enrollment, topic=world.topic(topic), kind=kind, defaults={"level": 3}
    )
    enrollment.profile_completed_at = timezone.now()
    enrollment.meeting_modes = ["video", "phone"]
    enrollment.save()
    return enrollment


@pytest.fixture
def ready(world: World) -> World:
    """The world with complete profiles: Mia wants public speaking, Mo and Omar offer it."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    other = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    other.accepting_now = True
    other.save()
    complete(other, world, EnrollmentTopic.Kind.EXPERTISE)
    return world


MESSAGE = (
    "Hello Mo, I am Mia, eight months into the transit planning team. I freeze when I present "
    "to the board and would love your help preparing for the spring budget hearing."
)


def accepted(world: World) -> Relationship:
    request = services.request_send(
        mentee=world.mentee_enrollment,
        mentor=world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        message=MESSAGE,
    )
    return services.request_accept(request=request, by=world.mentor, reply="Gladly!")


def active(world: World) -> Relationship:
    relationship = accepted(world)
    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=world.mentor)
    services.agreement_sign(agreement=agreement, by=world.mentee)
    relationship.refresh_from_db()
    return relationship


def backdate(relationship: Relationship, days: int) -> None:
    past = timezone.now() - datetime.timedelta(days=days)
    Relationship.objects.filter(pk=relationship.pk).update(started_at=past)
    relationship.refresh_from_db()


__all__ = ["Agreement", "accepted", "active", "backdate", "complete"]

import datetime

import pytest
from django.utils import timezone

from tandem.accounts.models import User
from tandem.interviews import services
from tandem.interviews.models import Interview, InterviewOffer
from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships.tests.conftest import complete
from tandem.testing.fixtures import World

MESSAGE = "I am Mia, new in transit planning. How did you learn to present to the board?"


@pytest.fixture
def iv(world: World) -> World:
    """Ready profiles; Mo offers two conversations a month and Omar one."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    complete(omar(world), world, EnrollmentTopic.Kind.EXPERTISE)
    InterviewOffer.objects.create(enrollment=world.mentor_enrollment, is_offering=True, per_month=2)
    InterviewOffer.objects.create(enrollment=omar(world), is_offering=True, per_month=1)
    return world


def omar(world: World) -> Enrollment:
    return Enrollment.objects.select_related("user", "program").get(
        user=world.other_mentor, program=world.program
    )


def ask(
    world: World, *, asker: Enrollment | None = None, host: Enrollment | None = None
) -> Interview:
    return services.interview_ask(
        asker=asker or world.mentee_enrollment,
        host=host or world.mentor_enrollment,
        topic=world.topic("Public speaking"),
        minutes=30,
        message=MESSAGE,
    )


def soon(days: int = 3, hour: int = 15) -> datetime.datetime:
    moment = timezone.now() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def scheduled(world: World, interview: Interview | None = None) -> Interview:
    interview = interview or ask(world)
    services.interview_propose_times(
        interview=interview, by=world.mentor, times=[soon(3), soon(4), soon(5)]
    )
    first = interview.times.order_by("starts_at").first()
    assert first is not None
    return services.interview_pick_time(interview=interview, by=world.mentee, time_id=first.pk)


def happened(interview: Interview) -> Interview:
    """Move the agreed time into the past, as if the conversation took place."""
    Interview.objects.filter(pk=interview.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=2)
    )
    return Interview.objects.select_related("asker__user", "host__user").get(pk=interview.pk)


def answer_both(interview: Interview, asker: User, host: User, *, yes: tuple[bool, bool]) -> None:
    services.interview_continue_answer(interview=interview, by=asker, continues=yes[0])
    services.interview_continue_answer(interview=interview, by=host, continues=yes[1])

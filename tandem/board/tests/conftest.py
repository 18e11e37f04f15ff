import pytest

from tandem.accounts.models import User
from tandem.board import services
from tandem.board.models import Answer, Question
from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships.tests.conftest import complete
from tandem.testing.factories import (
    EnrollmentFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.fixtures import World

BODY = "I freeze when I present to the board. How did you prepare for your first time?"


@pytest.fixture
def board(world: World) -> World:
    """Ready profiles (Mia wants public speaking, Mo and Omar offer it) and a second program."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    other = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    other.accepting_now = True
    other.capacity = 2
    other.save()
    complete(other, world, EnrollmentTopic.Kind.EXPERTISE)
    return world


def elsewhere(world: World) -> User:
    """Return a member of the same organization who is in another of its programs only."""
    user = UserFactory.create(email="pat.elsewhere@northwind.test", full_name="Pat Elsewhere")
    MembershipFactory.create(user=user, organization=world.org)
    program = ProgramFactory.create(organization=world.org, name="Leadership circle")
    EnrollmentFactory.create(program=program, user=user)
    return user


def ask(
    world: World, *, anonymous: bool = False, title: str = "How do I prepare a talk?"
) -> Question:
    return services.question_ask(
        author=world.mentee,
        organization=world.org,
        program=world.program,
        title=title,
        body=BODY,
        topics=[world.topic("Public speaking")],
        is_anonymous=anonymous,
    )


def answer(
    question: Question, author: User, body: str = "Rehearse twice, out loud, with a timer."
) -> Answer:
    return services.answer_post(question=question, author=author, body=body)

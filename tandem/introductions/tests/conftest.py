import pytest

from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships.tests.conftest import complete
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World

NEED = "Someone who has presented a budget to the board"
NOTE = "Omar ran the spring hearing twice; Mia is preparing her first one."


@pytest.fixture
def intro(world: World) -> World:
    """Ready profiles: Mia asks, Mo introduces, Omar may be suggested; Sam is also here."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    complete(omar(world), world, EnrollmentTopic.Kind.EXPERTISE)
    complete(sam(world), world, EnrollmentTopic.Kind.EXPERTISE)
    return world


def omar(world: World) -> Enrollment:
    return Enrollment.objects.select_related("user", "program").get(
        user=world.other_mentor, program=world.program
    )


def sam(world: World) -> Enrollment:
    """A participant of the program who has nothing to do with the introduction."""
    found = (
        Enrollment.objects.select_related("user", "program")
        .filter(program=world.program, user__full_name="Sam Quist")
        .first()
    )
    if found is not None:
        return found
    user = UserFactory.create(email="sam.quist@northwind.test", full_name="Sam Quist")
    membership = MembershipFactory.create(user=user, organization=world.org)
    return EnrollmentFactory.create(
        program=world.program,
        user=user,
        is_mentee=False,
        is_mentor=True,
        capacity=1,
        membership=membership,
    )


def ask(world: World, need: str = NEED) -> Introduction:
    return services.introduction_ask(
        asker=world.mentee_enrollment, introducer=world.mentor_enrollment, need=need
    )


def suggested(world: World, introduction: Introduction | None = None) -> Suggestion:
    introduction = introduction or ask(world)
    (suggestion,) = services.introduction_suggest(
        introduction=introduction,
        by=world.mentor,
        suggestions=[services.Suggested(person=omar(world), note=NOTE)],
    )
    return suggestion


def connected(world: World) -> Suggestion:
    suggestion = suggested(world)
    return services.suggestion_answer(suggestion=suggestion, by=world.other_mentor, agrees=True)

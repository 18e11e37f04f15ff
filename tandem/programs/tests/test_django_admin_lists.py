"""The site admin's busiest lists show fifty rows a page, in the same queries at any size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tandem.accounts.models import User
from tandem.programs.models import Enrollment
from tandem.relationships.models import Relationship
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World

LISTS = ["/admin/programs/enrollment/", "/admin/relationships/relationship/"]


def _staff() -> Client:
    staff = User.objects.create_superuser("staff@northwind.test", "pw-irrelevant", full_name="S")
    client = Client()
    client.force_login(staff)
    return client


def _grow(world: World, people: int) -> None:
    """Add people as mentees of the program, each with a relationship with Mo."""
    for n in range(people):
        user = UserFactory.create(full_name=f"Person {n}")
        MembershipFactory.create(user=user, organization=world.org)
        mentee = EnrollmentFactory.create(program=world.program, user=user)
        Relationship.objects.create(
            program=world.program,
            mentor=world.mentor_enrollment,
            mentee=mentee,
            focus=world.topic("Public speaking"),
            status=Relationship.Status.CLOSED,
        )


def _queries(client: Client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize("url", LISTS)
def test_the_list_asks_the_same_queries_for_sixty_more_rows(world: World, url: str) -> None:
    client = _staff()
    client.get(url)  # the first page after signing in also saves the session
    few, _ = _queries(client, url)
    _grow(world, 60)
    many, page = _queries(client, url)
    assert many == few
    assert page.count('name="_selected_action"') == 50
    assert Enrollment.objects.count() > 60 and Relationship.objects.count() == 60

"""Site staff cannot see, filter, search or sort people by self-described identity."""

import pytest
from django.test import Client

from tandem.accounts.models import User
from tandem.programs.models import Enrollment
from tandem.relationships.models import Relationship
from tandem.testing.fixtures import World

# Lookups that would split people by identity or by their answer to "may matching use it",
# straight on enrollments or through a relation from another list.
PROBES = [
    ("/admin/programs/enrollment/", "identity_attributes__icontains", "veteran"),
    ("/admin/programs/enrollment/", "identity_use__exact", "match"),
    ("/admin/programs/enrollment/", "identity_use", "match"),
    ("/admin/programs/enrollment/", "requested_attributes__contains", "veteran"),
    ("/admin/accounts/user/", "enrollments__identity_attributes__icontains", "veteran"),
    ("/admin/accounts/user/", "enrollments__identity_use", "match"),
    ("/admin/accounts/membership/", "enrollments__identity_use", "match"),
    ("/admin/relationships/relationship/", "mentor__identity_attributes__icontains", "veteran"),
    ("/admin/relationships/relationship/", "mentor__identity_use", "match"),
    ("/admin/relationships/mentorshiprequest/", "mentor__identity_use", "match"),
    (
        "/admin/relationships/concern/",
        "relationship__mentor__identity_attributes__icontains",
        "veteran",
    ),
]


@pytest.fixture
def staff(world: World) -> Client:
    Enrollment.objects.filter(pk=world.mentor_enrollment.pk).update(
        identity_attributes=["veteran"], identity_use="match"
    )
    Relationship.objects.create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
    )
    user = User.objects.create_superuser("staff@northwind.test", "pw-irrelevant", full_name="S")
    client = Client()
    client.force_login(user)
    return client


def test_the_enrollment_page_shows_neither_identity_nor_consent(
    world: World, staff: Client
) -> None:
    url = f"/admin/programs/enrollment/{world.mentor_enrollment.pk}/change/"
    page = staff.get(url).content.decode()
    for hidden in ("identity_use", "identity_attributes", "veteran", "Use it to match me"):
        assert hidden not in page
    enrollment = Enrollment.objects.get(pk=world.mentor_enrollment.pk)
    assert (enrollment.identity_attributes, enrollment.identity_use) == (["veteran"], "match")


@pytest.mark.parametrize(("url", "lookup", "value"), PROBES)
def test_staff_cannot_split_any_list_by_identity(
    staff: Client, url: str, lookup: str, value: str
) -> None:
    response = staff.get(url, {lookup: value})
    assert response.status_code in (302, 400), (url, lookup)
    assert "Mo Haddad" not in response.content.decode()


def test_searching_and_sorting_do_not_reach_identity(staff: Client) -> None:
    found = staff.get("/admin/programs/enrollment/", {"q": "veteran"}).content.decode()
    assert "Mo Haddad" not in found
    everyone = staff.get("/admin/programs/enrollment/").content.decode()
    assert "Mo Haddad" in everyone
    assert "veteran" not in everyone and "identity" not in everyone
    for column in range(12):
        response = staff.get("/admin/programs/enrollment/", {"o": str(column)})
        assert "veteran" not in response.content.decode()

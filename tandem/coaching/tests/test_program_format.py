"""Coaching is a program format like the others: created, joined and profiled in its words."""

from django.urls import reverse

from tandem.programs.models import Enrollment, Program
from tandem.programs.tests.test_program_create import VALID
from tandem.testing.coaching import Practice
from tandem.testing.factories import MembershipFactory, UserFactory
from tandem.testing.fixtures import World, client_for


def test_an_admin_creates_a_coaching_program(world: World) -> None:
    response = client_for(world.admin).post(
        "/programs/new/",
        {
            **VALID,
            "name": "Coaching for new managers",
            "format": "coaching",
            "matching_mode": "choice",
        },
    )
    assert response.status_code == 302
    program = Program.objects.get(name="Coaching for new managers")
    assert program.format == Program.Format.COACHING
    manage = client_for(world.admin).get(response["Location"]).content.decode()
    assert "clients" in manage and "coaches" in manage


def test_people_join_as_clients_or_coaches_and_are_asked_as_such(practice: Practice) -> None:
    person = UserFactory.create(full_name="Kit Newcomer", email="kit@northwind.test")
    MembershipFactory.create(user=person, organization=practice.world.org)
    client = client_for(person)
    join = reverse("programs:join", args=[practice.program.pk])
    page = client.get(join).content.decode()
    assert "Client — I want a coach" in page and "Coach — I coach clients" in page
    assert "Mentor —" not in page
    assert client.post(join, {"roles": ["mentor"]}).status_code == 200
    assert not Enrollment.objects.filter(user=person).exists()
    client.post(join, {"roles": ["coach"]})
    enrollment = Enrollment.objects.get(user=person, program=practice.program)
    assert enrollment.is_coach and not enrollment.is_mentor
    offer = client.get(reverse("programs:profile_step", args=[practice.program.pk, "offer"]))
    text = offer.content.decode()
    assert "How many clients can you coach at once?" in text and "Why do you coach?" in text
    detail = client.get(reverse("programs:detail", args=[practice.program.pk])).content.decode()
    assert reverse("coaching:coach_profile", args=[enrollment.pk]) in detail

import datetime

from tandem.programs.models import Enrollment, Program
from tandem.testing.fixtures import World, client_for


def test_member_joins_as_mentee_and_is_sent_to_the_profile(world: World) -> None:
    client = client_for(world.member)
    response = client.post(f"/programs/{world.program.pk}/join/", {"roles": ["mentee"]})
    assert response["Location"] == f"/programs/{world.program.pk}/profile/"
    enrollment = Enrollment.objects.get(program=world.program, user=world.member)
    assert enrollment.is_mentee and not enrollment.is_mentor
    assert enrollment.membership is not None
    assert enrollment.profile_completed_at is None
    follow = client.get(response["Location"])
    assert follow["Location"] == f"/programs/{world.program.pk}/profile/goals/"


def test_joining_needs_a_role_that_the_program_has(world: World) -> None:
    client = client_for(world.member)
    response = client.post(f"/programs/{world.program.pk}/join/", {"roles": []})
    assert "roles" in response.context["form"].errors
    response = client.post(f"/programs/{world.program.pk}/join/", {"roles": ["peer"]})
    assert "roles" in response.context["form"].errors
    assert not Enrollment.objects.filter(user=world.member).exists()


def test_enrollment_closed_is_explained(world: World) -> None:
    world.program.enrollment_closes_on = datetime.date(2020, 1, 1)
    world.program.save()
    client = client_for(world.member)
    assert (
        "Enrollment in this program is closed"
        in client.get(f"/programs/{world.program.pk}/").content.decode()
    )
    response = client.post(f"/programs/{world.program.pk}/join/", {"roles": ["mentee"]})
    assert "closed" in response.content.decode()
    assert not Enrollment.objects.filter(user=world.member).exists()


def test_peer_program_offers_the_peer_role_only(world: World) -> None:
    peer = Program.objects.create(
        organization=world.org, name="Peer pairs", format=Program.Format.PEER, status="active"
    )
    page = client_for(world.member).get(f"/programs/{peer.pk}/join/").content.decode()
    assert "Peer" in page and "Mentor —" not in page


def test_leave_and_rejoin_keeps_the_profile(world: World) -> None:
    client = client_for(world.mentee)
    client.post(f"/programs/{world.program.pk}/leave/")
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == Enrollment.Status.WITHDRAWN
    response = client.post(f"/programs/{world.program.pk}/join/", {})
    assert response.status_code == 302
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == Enrollment.Status.ACTIVE
    assert world.mentee_enrollment.goals == "Find my feet in the first year."


def test_joining_twice_is_a_clear_error_not_a_crash(world: World) -> None:
    from tandem.core.errors import DomainError
    from tandem.programs.services import enrollment_create

    enrollment_create(program=world.program, user=world.member, roles=["mentee"])
    try:
        enrollment_create(program=world.program, user=world.member, roles=["mentee"])
    except DomainError as error:
        assert "already joined" in error.message
    else:
        raise AssertionError("a second join must be refused")
    assert Enrollment.objects.filter(user=world.member).count() == 1


def test_leaving_asks_first_and_only_a_post_leaves(world: World) -> None:
    client = client_for(world.mentee)
    page = client.get(f"/programs/{world.program.pk}/leave/")
    assert "Leave the program" in page.content.decode()
    world.mentee_enrollment.refresh_from_db()
    assert world.mentee_enrollment.status == Enrollment.Status.ACTIVE

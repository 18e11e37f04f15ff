"""Who may see what: every persona against every page that shows a program or a person."""

import re

import pytest

from tandem.accounts.models import Membership
from tandem.core.errors import NotFound
from tandem.policy.access import (
    enrollment_get_for_user,
    enrollments_visible_to,
    membership_get_for_user,
    program_get_for_admin,
    program_get_for_user,
    programs_visible_to,
    reflection_get_for_author,
    reflection_shared_with_mentor,
    webhook_delivery_get_for_admin,
    webhook_endpoint_get_for_admin,
)
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Reflection, Relationship
from tandem.testing.factories import (
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.fixtures import World, client_for
from tandem.webhooks.models import Delivery, Endpoint


def test_outsider_from_another_org_sees_none_of_the_programs(world: World) -> None:
    assert list(programs_visible_to(world.outsider)) == [world.other_program]
    client = client_for(world.outsider)
    home = client.get("/")
    assert world.program.name not in home.content.decode()
    for suffix in ["", "join/", "profile/goals/", "manage/", "settings/", "invite/"]:
        response = client.get(f"/programs/{world.program.pk}/{suffix}")
        assert response.status_code == 404, suffix


def test_missing_and_forbidden_programs_look_the_same(world: World) -> None:
    client = client_for(world.outsider)
    forbidden = client.get(f"/programs/{world.program.pk}/")
    missing = client.get("/programs/999999/")
    assert forbidden.status_code == missing.status_code == 404
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)


def test_outsider_cannot_read_a_profile_in_another_org(world: World) -> None:
    url = f"/programs/{world.program.pk}/people/{world.mentee_enrollment.pk}/"
    assert client_for(world.outsider).get(url).status_code == 404
    with pytest.raises(NotFound):
        enrollment_get_for_user(user=world.outsider, enrollment_id=world.mentee_enrollment.pk)


def test_member_who_has_not_joined_cannot_read_participant_profiles(world: World) -> None:
    url = f"/programs/{world.program.pk}/people/{world.mentee_enrollment.pk}/"
    assert client_for(world.member).get(url).status_code == 404


def test_fellow_participant_and_program_admin_can_read_a_profile(world: World) -> None:
    url = f"/programs/{world.program.pk}/people/{world.mentee_enrollment.pk}/"
    for user in (world.mentor, world.admin, world.mentee):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "Find my feet in the first year." in response.content.decode()


def test_profiles_listed_are_exactly_those_each_persona_may_open(world: World) -> None:
    everyone = set(Enrollment.objects.values_list("pk", flat=True))
    for user in (world.admin, world.mentor, world.mentee, world.member, world.outsider):
        listed = set(enrollments_visible_to(user).values_list("pk", flat=True))
        for pk in everyone:
            try:
                enrollment_get_for_user(user=user, enrollment_id=pk)
                opens = True
            except NotFound:
                opens = False
            assert opens == (pk in listed), (user.email, pk)
    assert not set(enrollments_visible_to(world.outsider).values_list("program", flat=True)) & {
        world.program.pk
    }


def test_identity_attributes_are_never_shown_to_other_people(world: World) -> None:
    world.mentee_enrollment.identity_attributes = ["career_changer"]
    world.mentee_enrollment.save()
    url = f"/programs/{world.program.pk}/people/{world.mentee_enrollment.pk}/"
    for user in (world.mentor, world.admin):
        assert "Changed careers" not in client_for(user).get(url).content.decode()


def test_only_program_and_org_admins_may_manage(world: World) -> None:
    for user in (world.mentor, world.mentee, world.member, world.outsider):
        with pytest.raises(NotFound):
            program_get_for_admin(user=user, program_id=world.program.pk)
        assert client_for(user).get(f"/programs/{world.program.pk}/manage/").status_code == 404
    assert program_get_for_admin(user=world.admin, program_id=world.program.pk) == world.program
    org_admin = UserFactory.create()
    MembershipFactory.create(user=org_admin, organization=world.org, role=Membership.Role.ADMIN)
    assert client_for(org_admin).get(f"/programs/{world.program.pk}/manage/").status_code == 200


def test_draft_programs_are_visible_to_their_admins_only(world: World) -> None:
    draft = ProgramFactory.create(organization=world.org, status=Program.Status.DRAFT)
    draft.admins.add(world.admin)
    assert draft not in programs_visible_to(world.member)
    assert draft in programs_visible_to(world.admin)


def test_partner_program_is_visible_to_partner_members_but_not_others(world: World) -> None:
    association = ProgramFactory.create(
        organization=world.org, audience=Program.Audience.PARTNERS, name="Women in tech"
    )
    association.partner_organizations.add(world.other_org)
    with pytest.raises(NotFound):  # listed, but the organizations never agreed to partner
        program_get_for_user(user=world.outsider, program_id=association.pk)
    world.org.partners.add(world.other_org)
    assert program_get_for_user(user=world.outsider, program_id=association.pk) == association
    stranger = UserFactory.create()
    with pytest.raises(NotFound):
        program_get_for_user(user=stranger, program_id=association.pk)


def test_alumni_program_is_for_alumni_not_current_members(world: World) -> None:
    alumni_program = ProgramFactory.create(organization=world.org, audience=Program.Audience.ALUMNI)
    alum = UserFactory.create()
    MembershipFactory.create(user=alum, organization=world.org, status=Membership.Status.ALUMNI)
    assert alumni_program in programs_visible_to(alum)
    assert alumni_program not in programs_visible_to(world.member)


def test_participants_keep_a_closed_program_until_they_leave_the_organization(
    world: World,
) -> None:
    world.program.status = Program.Status.ARCHIVED
    world.program.save()
    assert world.program in programs_visible_to(world.mentee)
    assert world.program not in programs_visible_to(world.member)
    Membership.objects.filter(user=world.mentee).update(status=Membership.Status.ALUMNI)
    assert world.program not in programs_visible_to(world.mentee)


def test_people_who_leave_the_organization_lose_profiles_and_admin_rights(
    world: World,
) -> None:
    Membership.objects.filter(user__in=[world.mentor, world.admin]).update(
        status=Membership.Status.ALUMNI
    )
    profile = f"/programs/{world.program.pk}/people/{world.mentee_enrollment.pk}/"
    assert client_for(world.mentor).get(profile).status_code == 404
    assert client_for(world.admin).get(profile).status_code == 404
    assert client_for(world.admin).get(f"/programs/{world.program.pk}/manage/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    from django.test import Client

    response = Client().get(f"/programs/{world.program.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_members_see_colleagues_positions_but_not_other_organizations(world: World) -> None:
    colleague = Membership.objects.get(user=world.mentor, organization=world.org)
    assert membership_get_for_user(user=world.mentee, membership_id=colleague.pk) == colleague
    with pytest.raises(NotFound):
        membership_get_for_user(user=world.outsider, membership_id=colleague.pk)
    alum = UserFactory.create()
    MembershipFactory.create(user=alum, organization=world.org, status=Membership.Status.ALUMNI)
    with pytest.raises(NotFound):
        membership_get_for_user(user=alum, membership_id=colleague.pk)


def test_a_reflection_is_its_authors_alone_whatever_the_persona(world: World) -> None:
    relationship = Relationship.objects.create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
        origin=Relationship.Origin.REQUEST,
        status=Relationship.Status.CLOSED,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
    )
    reflection = Reflection.objects.create(
        relationship=relationship, author=world.mentee, different="Slower", share_with_next=True
    )
    assert reflection_get_for_author(user=world.mentee, reflection_id=reflection.pk) == reflection
    for person in (world.mentor, world.other_mentor, world.admin, world.member, world.outsider):
        with pytest.raises(NotFound, match="No such reflection"):
            reflection_get_for_author(user=person, reflection_id=reflection.pk)
    with pytest.raises(NotFound, match="No such reflection"):
        reflection_get_for_author(user=world.mentee, reflection_id=reflection.pk + 1)
    # Shared with the next mentor does not mean with the mentor it is about.
    assert reflection_shared_with_mentor(user=world.mentor, relationship=relationship) is None


def test_a_webhook_endpoint_and_its_deliveries_are_for_the_organizations_admins(
    world: World,
) -> None:
    endpoint = Endpoint.objects.create(
        organization=world.org, url="https://93.184.216.34/h", events=[], secret="s"
    )
    delivery = Delivery.objects.create(endpoint=endpoint, kind="webhook.test", body="{}")
    found = webhook_endpoint_get_for_admin(
        user=world.admin, organization_id=world.org.pk, endpoint_id=endpoint.pk
    )
    assert found == endpoint
    assert (
        webhook_delivery_get_for_admin(user=world.admin, endpoint=found, delivery_id=delivery.pk)
        == delivery
    )
    for person in (world.mentor, world.mentee, world.member, world.outsider):
        with pytest.raises(NotFound):
            webhook_endpoint_get_for_admin(
                user=person, organization_id=world.org.pk, endpoint_id=endpoint.pk
            )
        with pytest.raises(NotFound):
            webhook_delivery_get_for_admin(user=person, endpoint=endpoint, delivery_id=delivery.pk)
    # Another organization's admin, under her own organization's id: the same answer.
    with pytest.raises(NotFound):
        webhook_endpoint_get_for_admin(
            user=world.outsider, organization_id=world.other_org.pk, endpoint_id=endpoint.pk
        )

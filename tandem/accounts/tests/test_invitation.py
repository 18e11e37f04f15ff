from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import Invitation, Membership, User
from tandem.accounts.services import invitation_create
from tandem.accounts.tasks import send_invitation_email
from tandem.programs.models import Program
from tandem.testing.factories import ProgramFactory
from tandem.testing.fixtures import World, client_for


def _invite(world: World, email: str = "new.person@elsewhere.test") -> Invitation:
    world.program.audience = Program.Audience.INVITATION
    world.program.save()
    return invitation_create(
        organization=world.org, program=world.program, email=email, invited_by=world.admin
    )


def test_admin_invites_by_email_and_the_link_is_mailed(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.admin).post(
            f"/programs/{world.program.pk}/invite/",
            {"emails": "Ann@Example.test, bo@example.test\nann@example.test"},
        )
    assert response.status_code == 302
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "ann@example.test",
        "bo@example.test",
    ]
    assert len(mail.outbox) == 2
    invitation = Invitation.objects.get(email="ann@example.test")
    assert f"/accounts/invite/{invitation.token}/" in mail.outbox[0].body
    assert invitation.sent_at is not None


def test_invite_form_names_the_bad_addresses_and_keeps_the_text(world: World) -> None:
    response = client_for(world.admin).post(
        f"/programs/{world.program.pk}/invite/", {"emails": "ok@example.test, not-an-address"}
    )
    assert response.status_code == 200
    assert "not-an-address" in response.context["form"].errors["emails"][0]
    assert "ok@example.test, not-an-address" in response.content.decode()
    assert not Invitation.objects.exists()


def test_sending_an_invitation_twice_mails_once(world: World) -> None:
    invitation = _invite(world)
    send_invitation_email.call(invitation.pk)
    send_invitation_email.call(invitation.pk)
    assert len(mail.outbox) == 1


def test_invitation_link_creates_account_and_opens_the_program(world: World) -> None:
    invitation = _invite(world)
    client = Client()
    response = client.post(
        f"/accounts/invite/{invitation.token}/",
        {"full_name": "Nel Ortiz", "password": "quiet harbour 7"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/programs/{world.program.pk}/join/"
    user = User.objects.get(email="new.person@elsewhere.test")
    assert client.get(response["Location"]).status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # The link reached the mailbox: the address counts as proven, and the newcomer is in.
    address = EmailAddress.objects.get(user=user)
    assert address.verified and address.primary and address.email == user.email
    assert client.get("/").context["user"] == user


def test_a_program_invitation_opens_that_program_only(world: World) -> None:
    invitation = _invite(world)
    client = Client()
    client.post(
        f"/accounts/invite/{invitation.token}/",
        {"full_name": "Nel Ortiz", "password": "quiet harbour 7"},
    )
    user = User.objects.get(email="new.person@elsewhere.test")
    assert not Membership.objects.filter(user=user).exists()
    other = ProgramFactory.create(organization=world.org, name="Members only")
    assert client.get(f"/programs/{other.pk}/").status_code == 404
    assert "Members only" not in client.get("/").content.decode()


def test_an_existing_account_must_sign_in_to_use_the_invitation(world: World) -> None:
    invitation = _invite(world, world.member.email)
    response = Client().post(
        f"/accounts/invite/{invitation.token}/", {"full_name": "Max", "password": "quiet harbour 7"}
    )
    assert "Sign in with it, then open this link again" in response.content.decode()
    response = client_for(world.member).post(f"/accounts/invite/{invitation.token}/")
    assert response.status_code == 302


def test_used_or_expired_invitation_links_are_not_found(world: World) -> None:
    invitation = _invite(world)
    Client().post(
        f"/accounts/invite/{invitation.token}/", {"full_name": "Nel", "password": "quiet harbour 7"}
    )
    assert Client().get(f"/accounts/invite/{invitation.token}/").status_code == 404
    expired = _invite(world, "late@elsewhere.test")
    expired.expires_at = timezone.now() - timedelta(days=1)
    expired.save()
    assert Client().get(f"/accounts/invite/{expired.token}/").status_code == 404


def test_invitation_for_another_address_is_refused_for_a_signed_in_person(world: World) -> None:
    invitation = _invite(world)
    response = client_for(world.member).post(f"/accounts/invite/{invitation.token}/")
    assert "sign in with that address" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invite_only_program_is_hidden_until_the_invitation_is_used(world: World) -> None:
    _invite(world)
    assert client_for(world.member).get(f"/programs/{world.program.pk}/join/").status_code == 404


def test_a_newcomer_can_sign_in_with_the_password_chosen_on_the_invitation(world: World) -> None:
    invitation = _invite(world)
    Client().post(
        f"/accounts/invite/{invitation.token}/",
        {"full_name": "Nel Ortiz", "password": "quiet harbour 7"},
    )
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "new.person@elsewhere.test", "password": "quiet harbour 7"}
    )
    assert response["Location"] == "/"
    assert client.get("/").context["user"].email == "new.person@elsewhere.test"


def test_an_invitation_takes_back_an_address_someone_signed_up_without_proving(
    world: World,
) -> None:
    world.org.email_domains = ["elsewhere.test"]
    world.org.save()
    Client().post(
        "/accounts/signup/",
        {
            "full_name": "Squatter",
            "email": "new.person@elsewhere.test",
            "password1": "attacker 123",
        },
    )
    invitation = _invite(world)
    client = Client()
    response = client.post(
        f"/accounts/invite/{invitation.token}/",
        {"full_name": "Nel Ortiz", "password": "quiet harbour 7"},
    )
    assert response["Location"] == f"/programs/{world.program.pk}/join/"
    user = User.objects.get(email="new.person@elsewhere.test")
    assert user.full_name == "Nel Ortiz"
    assert user.check_password("quiet harbour 7")
    assert not user.check_password("attacker 123")
    assert EmailAddress.objects.get(user=user).verified
    assert client.get("/").context["user"] == user

"""Erasing a person: private content goes, shared content stays under a former member's name."""

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from tandem.accounts.models import Invitation, Membership, User
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.people.services.erasure import (
    ERASED_NAME,
    erased_email,
    membership_erase,
    person_erase,
    user_is_erased,
)
from tandem.people.tests.erasure_setup import private_count, story_of_mia
from tandem.programs.models import Enrollment
from tandem.relationships.models import (
    Agreement,
    CalendarFeed,
    CheckIn,
    Commitment,
    Concern,
    Meeting,
    MentorshipRequest,
    Proposal,
    Relationship,
)
from tandem.testing.factories import MembershipFactory
from tandem.testing.fixtures import World, client_for


def test_private_content_goes_and_shared_content_stays(world: World) -> None:
    story = story_of_mia(world)
    mia = world.mentee
    assert private_count(mia) > 0

    person_erase(person=mia, by=mia)

    mia.refresh_from_db()
    assert private_count(mia) == 0
    assert not CalendarFeed.objects.filter(user=mia).exists()
    # The scores stay in the averages; the words are gone.
    checkin = CheckIn.objects.get(author=mia)
    assert (checkin.going, checkin.meeting_goals, checkin.comment) == (4, 3, "")
    assert Concern.objects.get(reporter=mia).body.startswith("Removed")
    assert Proposal.objects.filter(mentee_decline_reason__contains=story.canary).count() == 0
    enrollment = Enrollment.objects.get(user=mia)
    assert enrollment.goals == "" and enrollment.status == Enrollment.Status.WITHDRAWN
    assert not enrollment.topics.exists()
    # What Mo relies on is kept, under the former member's name.
    assert Meeting.objects.get(relationship=story.relationship).notes == "Shared note by Mo"
    assert Agreement.objects.get(relationship=story.relationship).is_signed
    assert Commitment.objects.get(relationship=story.relationship).owner == mia
    assert Relationship.objects.filter(pk=story.earlier.pk).exists()
    # The account is anonymised, not deleted, so every link stays valid.
    assert mia.full_name == ERASED_NAME and mia.email == erased_email(mia.pk)
    assert (mia.display_name, mia.pronouns, mia.is_active) == (ERASED_NAME, "", False)
    assert not mia.has_usable_password()
    assert user_is_erased(mia)
    membership = Membership.objects.get(user=mia)
    assert membership.status == Membership.Status.ALUMNI and membership.title == ""


def test_open_things_end_with_notice_to_the_other_side(world: World) -> None:
    story = story_of_mia(world)
    mia, mo, omar = world.mentee, world.mentor, world.other_mentor

    person_erase(person=mia, by=mia)

    story.relationship.refresh_from_db()
    assert story.relationship.status == Relationship.Status.CLOSED
    assert Meeting.objects.filter(status=Meeting.Status.PLANNED).count() == 0
    story.request.refresh_from_db()
    assert story.request.status == MentorshipRequest.Status.WITHDRAWN
    story.proposal.refresh_from_db()
    assert story.proposal.status == Proposal.Status.DECLINED
    closed = Notification.objects.get(user=mo, kind="relationship_closed")
    # Notices already sent name the former member, not Mia.
    assert closed.title.startswith("A former member closed")
    assert "left Tandem" in closed.body
    told = Notification.objects.filter(user=omar).values_list("kind", flat=True)
    assert {"request_withdrawn", "proposal_declined"} <= set(told)
    for notification in Notification.objects.filter(user__in=[mo, omar]):
        assert "Mia" not in notification.title + notification.body, notification.title


def test_a_request_the_person_received_is_answered_kindly(world: World) -> None:
    mo = world.mentor
    story_of_mia(world)
    person_erase(person=mo, by=mo)
    mia_notes = Notification.objects.filter(user=world.mentee, kind="relationship_closed")
    assert mia_notes.count() == 1
    assert world.mentee.is_active


def test_erasing_twice_changes_nothing_the_second_time(world: World) -> None:
    story_of_mia(world)
    mia = world.mentee
    first = person_erase(person=mia, by=mia)
    notified = Notification.objects.count()
    second = person_erase(person=mia, by=mia)
    assert first.erased and not first.already_erased
    assert second.already_erased
    assert Notification.objects.count() == notified


def test_a_last_mail_goes_to_the_address_before_it_is_wiped(
    world: World, django_capture_on_commit_callbacks
) -> None:
    mia = world.mentee
    address = mia.email
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=mia, by=mia)
    farewell = [m for m in mail.outbox if m.to == [address]]
    assert len(farewell) == 1
    assert "deleted" in farewell[0].subject
    assert "As you asked" in farewell[0].body


def test_every_session_of_the_person_ends(world: World, django_capture_on_commit_callbacks) -> None:
    mia = world.mentee
    hers, his = client_for(mia), client_for(world.mentor)
    assert any(s.get_decoded().get(SESSION_KEY) == str(mia.pk) for s in Session.objects.all())
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        person_erase(person=mia, by=mia)
    # Before the rows go, the session already opens nothing.
    assert hers.get(reverse("relationships:list")).status_code == 302
    for callback in after_commit:
        callback()
    keys = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(mia.pk) not in keys and str(world.mentor.pk) in keys
    assert his.get(reverse("relationships:list")).status_code == 200


def test_invitations_and_program_admin_roles_lose_the_person(world: World) -> None:
    admin = world.admin
    Invitation.objects.create(organization=world.org, email=admin.email, accepted_by=admin)
    person_erase(person=admin, by=None, reason="ticket 12")
    assert not world.program.admins.filter(pk=admin.pk).exists()
    assert Invitation.objects.get().email == erased_email(admin.pk)
    assert Membership.objects.get(user=admin).role == Membership.Role.MEMBER


def test_an_org_admin_erases_a_leaver_only_with_a_reason(world: World) -> None:
    membership = Membership.objects.get(user=world.mentee)
    with pytest.raises(DomainError):
        membership_erase(admin=world.admin, membership=membership, reason=" ")
    assert not user_is_erased(User.objects.get(pk=world.mentee.pk))
    done = membership_erase(admin=world.admin, membership=membership, reason="Asked by e-mail")
    assert done.erased
    assert user_is_erased(User.objects.get(pk=world.mentee.pk))


def test_org_admin_cannot_erase_themselves_or_site_staff(world: World) -> None:
    own = Membership.objects.get(user=world.admin)
    with pytest.raises(DomainError):
        membership_erase(admin=world.admin, membership=own, reason="me")
    User.objects.filter(pk=world.member.pk).update(is_staff=True)
    staff = Membership.objects.get(user=world.member)
    with pytest.raises(DomainError):
        membership_erase(admin=world.admin, membership=staff, reason="staff")
    assert User.objects.filter(is_active=False).count() == 0


def test_someone_in_another_organization_only_loses_this_membership(world: World) -> None:
    story = story_of_mia(world)
    mia = world.mentee
    MembershipFactory.create(user=mia, organization=world.other_org)
    membership = Membership.objects.get(user=mia, organization=world.org)

    done = membership_erase(admin=world.admin, membership=membership, reason="Left the agency")

    assert not done.erased
    mia.refresh_from_db()
    assert not user_is_erased(mia) and mia.is_active
    membership.refresh_from_db()
    assert membership.status == Membership.Status.ALUMNI
    assert Membership.objects.get(user=mia, organization=world.other_org).status == "active"
    story.relationship.refresh_from_db()
    assert story.relationship.status == Relationship.Status.CLOSED
    # Her private writing is hers, and stays with her.
    assert mia.journal_entries.filter(body__contains=story.canary).exists()


def test_support_desk_command_erases_by_address(world: World) -> None:
    story_of_mia(world)
    address = world.mentee.email
    call_command("erase_person", address.upper(), reason="ticket 7")
    assert user_is_erased(User.objects.get(pk=world.mentee.pk))
    with pytest.raises(CommandError, match="No account uses the address"):
        call_command("erase_person", address)


@pytest.mark.skipif(not apps.is_installed("tandem.security"), reason="no security log")
def test_the_security_log_records_who_erased_whom_and_why(world: World) -> None:
    event = apps.get_model("security", "SecurityEvent")
    mia = world.mentee
    event.objects.create(kind="sign_in", user=mia, ip_address="203.0.113.9", user_agent="Firefox")
    membership = Membership.objects.get(user=mia)
    membership_erase(admin=world.admin, membership=membership, reason="Ticket 42")
    erased = event.objects.get(kind="account_erased")
    assert erased.user_id == mia.pk and erased.organization_id == world.org.pk
    assert erased.detail == {"by": world.admin.pk, "reason": "Ticket 42"}
    # Earlier events stay as counts, no longer linked to her.
    sign_in = event.objects.get(kind="sign_in")
    assert (sign_in.user_id, sign_in.user_agent) == (None, "")
    # The audit trail says who did it and why, as for any change of membership.
    last = membership.history.first()
    assert last.history_user_id == world.admin.pk
    assert last.history_change_reason == "Erased: Ticket 42"


@pytest.mark.skipif(not apps.is_installed("allauth.mfa"), reason="no sign-in system")
def test_sign_in_addresses_and_second_factors_go(world: World) -> None:
    email_address = apps.get_model("account", "EmailAddress")
    authenticator = apps.get_model("mfa", "Authenticator")
    mia = world.mentee
    if not email_address.objects.filter(user=mia).exists():
        email_address.objects.create(user=mia, email=mia.email, verified=True, primary=True)
    authenticator.objects.create(user=mia, type="totp", data={"secret": "x"})
    person_erase(person=mia, by=mia)
    assert not email_address.objects.filter(user=mia).exists()
    assert not authenticator.objects.filter(user=mia).exists()


def test_the_last_superuser_is_not_erased(world: World) -> None:
    root = User.objects.create_superuser("root@northwind.test", "x", full_name="Root")
    with pytest.raises(DomainError, match="only superuser"):
        person_erase(person=root, by=root)
    User.objects.create_superuser("second@northwind.test", "x", full_name="Second")
    assert person_erase(person=root, by=root).erased


def test_people_who_reported_to_the_erased_person_report_one_level_up(world: World) -> None:
    from tandem.accounts.models import Membership
    from tandem.people.services.erasure import person_erase

    admin = Membership.objects.get(user=world.admin, organization=world.org)
    mentor = Membership.objects.get(user=world.mentor, organization=world.org)
    mentee = Membership.objects.get(user=world.mentee, organization=world.org)
    Membership.objects.filter(pk=mentor.pk).update(manager=admin)
    Membership.objects.filter(pk=mentee.pk).update(manager=mentor)

    person_erase(person=world.mentor, by=None)

    mentee.refresh_from_db()
    assert mentee.manager_id == admin.pk
    assert not Membership.objects.filter(manager=mentor).exists()
    assert mentee.history.first().history_change_reason == "Their manager's account was erased"


def test_board_posts_keep_their_place_without_their_words(world: World) -> None:
    from tandem.board import services as board
    from tandem.board.models import Answer, HelpfulMark, Question
    from tandem.people.services.erasure import POST_REMOVED

    canary = "canary-board-91c2"
    question = board.question_ask(
        author=world.mentee,
        organization=world.org,
        program=world.program,
        title=f"How do I prepare a talk? {canary}",
        body=f"I freeze when I present to the board every single time. {canary}",
        topics=[world.topic("Public speaking")],
        is_anonymous=False,
    )
    reply = board.answer_post(question=question, author=world.mentor, body="Rehearse aloud.")
    own = board.answer_post(question=question, author=world.mentee, body=f"Thank you! {canary}")
    board.answer_mark_helpful(answer=reply, by=world.mentee)
    export = client_for(world.mentee).get(reverse("relationships:export")).json()
    assert [q["title"] for q in export["board_questions"]] == [question.title]
    assert [a["body"] for a in export["board_answers"]] == [own.body]

    person_erase(person=world.mentee, by=world.mentee)

    question.refresh_from_db()
    assert canary not in question.title and question.body == POST_REMOVED
    assert Answer.objects.get(pk=own.pk).body == POST_REMOVED
    # Mo's answer stays where it was; Mia's mark goes with her.
    assert Answer.objects.get(pk=reply.pk).body == "Rehearse aloud."
    assert not HelpfulMark.objects.filter(answer=reply).exists()
    assert not Question.history.filter(title__contains=canary).exists()
    page = client_for(world.mentor).get(reverse("board:question", args=[question.pk]))
    assert page.status_code == 200 and canary not in page.content.decode()

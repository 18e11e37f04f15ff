"""A leaver becomes alumni; what they may no longer keep ends gracefully, with notice."""

import datetime

from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.notifications.models import Notification
from tandem.people.services.leaving import memberships_leave
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship
from tandem.testing.factories import EnrollmentFactory, ProgramFactory
from tandem.testing.fixtures import World


def enrolled(program: Program, user: User, *, mentor: bool) -> Enrollment:
    return EnrollmentFactory.create(
        program=program, user=user, is_mentor=mentor, is_mentee=not mentor
    )


def pair(world: World, program: Program, mentor: User, mentee: User) -> Relationship:
    return Relationship.objects.create(
        program=program,
        mentor=enrolled(program, mentor, mentor=True),
        mentee=enrolled(program, mentee, mentor=False),
        focus=world.topic("Leadership"),
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
    )


def leave(world: World, user: User, *, by: User | None) -> None:
    memberships_leave(
        memberships=[Membership.objects.get(user=user, organization=world.org)],
        by=by,
        reason="Left in March",
    )


def later() -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=7)


def test_a_leaver_becomes_alumni_and_their_relationship_ends_with_notice(world: World) -> None:
    program = ProgramFactory.create(organization=world.org)
    relationship = pair(world, program, world.mentor, world.member)
    leave(world, world.member, by=world.admin)
    assert Membership.objects.get(user=world.member).status == Membership.Status.ALUMNI
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.CLOSED
    assert relationship.close_reason == Relationship.CloseReason.ENDED_BY_ADMIN
    assert relationship.closed_by == world.admin
    notice = Notification.objects.get(user=world.mentor, kind="relationship_closed")
    assert notice.body.startswith("Max Byrne is no longer a member of Northwind Transit Agency")
    assert "March" not in notice.body  # the reason is for the audit trail only
    record = Membership.history.filter(user=world.member).latest("history_date")
    assert (record.history_change_reason, record.history_user) == ("Left in March", world.admin)


def test_a_program_open_to_alumni_keeps_the_relationship(world: World) -> None:
    alumni = ProgramFactory.create(organization=world.org, audience=Program.Audience.ALUMNI)
    relationship = pair(world, alumni, world.mentor, world.member)
    leave(world, world.member, by=world.admin)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    assert not Notification.objects.filter(kind="relationship_closed").exists()


def test_without_an_admin_the_leavers_side_closes_it(world: World) -> None:
    relationship = pair(
        world, ProgramFactory.create(organization=world.org), world.mentor, world.member
    )
    leave(world, world.member, by=None)
    relationship.refresh_from_db()
    assert (relationship.status, relationship.closed_by) == (
        Relationship.Status.CLOSED,
        world.member,
    )
    assert Notification.objects.filter(user=world.mentor, kind="relationship_closed").exists()


def test_waiting_requests_are_withdrawn_or_declined_kindly(world: World) -> None:
    program = ProgramFactory.create(organization=world.org)
    leaver_asks = MentorshipRequest.objects.create(
        program=program,
        mentee=enrolled(program, world.member, mentor=False),
        mentor=enrolled(program, world.mentor, mentor=True),
        focus=world.topic("Leadership"),
        message="Please help me.",
        expires_at=later(),
    )
    leaver_asked = MentorshipRequest.objects.create(
        program=program,
        mentee=enrolled(program, world.mentee, mentor=False),
        mentor=enrolled(program, world.other_mentor, mentor=True),
        focus=world.topic("Leadership"),
        message="Please help me.",
        expires_at=later(),
    )
    leave(world, world.member, by=world.admin)
    leave(world, world.other_mentor, by=world.admin)
    leaver_asks.refresh_from_db()
    leaver_asked.refresh_from_db()
    assert leaver_asks.status == MentorshipRequest.Status.WITHDRAWN
    assert leaver_asked.status == MentorshipRequest.Status.DECLINED
    assert Notification.objects.filter(user=world.mentor, kind="request_withdrawn").exists()
    declined = Notification.objects.get(user=world.mentee, kind="request_declined")
    assert "Omar Lind is no longer a member" in declined.body


def test_waiting_proposals_do_not_go_ahead(world: World) -> None:
    program = ProgramFactory.create(organization=world.org)
    unanswered = Proposal.objects.create(
        program=program,
        mentor=enrolled(program, world.mentor, mentor=True),
        mentee=enrolled(program, world.member, mentor=False),
        focus=world.topic("Leadership"),
        expires_at=later(),
    )
    said_yes = Proposal.objects.create(
        program=program,
        mentor=enrolled(program, world.other_mentor, mentor=True),
        mentee=Enrollment.objects.get(program=program, user=world.member),
        focus=world.topic("Leadership"),
        expires_at=later(),
        mentee_answer=Proposal.Answer.YES,
    )
    leave(world, world.member, by=world.admin)
    for proposal in (unanswered, said_yes):
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.DECLINED
    assert Notification.objects.filter(user=world.mentor, kind="proposal_declined").exists()
    assert Notification.objects.filter(user=world.other_mentor, kind="proposal_declined").exists()


def test_leaving_twice_changes_nothing_more(world: World) -> None:
    leave(world, world.member, by=world.admin)
    count = Membership.history.count()
    summary = memberships_leave(
        memberships=list(Membership.objects.filter(user=world.member)), by=world.admin
    )
    assert summary.alumni == 0 and Membership.history.count() == count

import datetime

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest, Relationship
from tandem.relationships.tests.conftest import MESSAGE, accepted
from tandem.testing.fixtures import World


def _send(world: World, mentor: Enrollment | None = None, message: str = MESSAGE):
    return services.request_send(
        mentee=world.mentee_enrollment,
        mentor=mentor or world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        message=message,
    )


def test_a_request_reaches_the_mentor(ready: World) -> None:
    request = _send(ready)
    assert request.status == MentorshipRequest.Status.PENDING
    assert request.expires_at > timezone.now() + datetime.timedelta(days=13)
    note = Notification.objects.get(user=ready.mentor)
    assert "asks you to mentor them" in note.title


def test_a_request_needs_a_real_message(ready: World) -> None:
    with pytest.raises(DomainError, match="few sentences"):
        _send(ready, message="pls mentor me")


def test_open_requests_are_limited_by_the_program(ready: World) -> None:
    ready.program.max_open_requests = 1
    ready.program.save()
    _send(ready)
    other = Enrollment.objects.get(user=ready.other_mentor, program=ready.program)
    with pytest.raises(DomainError, match="most this program allows"):
        _send(ready, mentor=other)


def test_rounds_programs_do_not_take_requests(ready: World) -> None:
    ready.program.matching_mode = Program.MatchingMode.ROUNDS
    ready.program.save()
    with pytest.raises(DomainError, match="matching rounds"):
        _send(ready)


def test_a_mentor_who_is_not_accepting_cannot_be_asked(ready: World) -> None:
    Enrollment.objects.filter(pk=ready.mentor_enrollment.pk).update(accepting_now=False)
    ready.mentor_enrollment.refresh_from_db()
    with pytest.raises(DomainError, match="not taking anyone new"):
        _send(ready)


def test_accepting_starts_a_relationship_and_withdraws_other_requests_politely(
    ready: World,
) -> None:
    other = Enrollment.objects.get(user=ready.other_mentor, program=ready.program)
    second = _send(ready, mentor=other)
    relationship = accepted(ready)
    assert relationship.status == Relationship.Status.AGREEING
    assert relationship.agreements.get().version == 1
    second.refresh_from_db()
    assert second.status == MentorshipRequest.Status.WITHDRAWN
    polite = Notification.objects.get(user=ready.other_mentor, kind="request_withdrawn")
    assert "found a mentor" in polite.body
    assert Notification.objects.filter(user=ready.mentee, kind="request_accepted").exists()


def test_declining_sends_the_mentors_kind_words_not_a_rejection(ready: World) -> None:
    request = _send(ready)
    services.request_decline(
        request=request, by=ready.mentor, reply=services.DECLINE_TEMPLATES["capacity"]
    )
    note = Notification.objects.get(user=ready.mentee, kind="request_declined")
    assert "reject" not in (note.title + note.body).lower()
    assert "fully taken" in note.body


def test_only_the_mentor_asked_can_answer(ready: World) -> None:
    request = _send(ready)
    with pytest.raises(DomainError):
        services.request_accept(request=request, by=ready.other_mentor)
    with pytest.raises(DomainError):
        services.request_accept(request=request, by=ready.mentee)


def test_capacity_is_enforced_at_acceptance(ready: World) -> None:
    Enrollment.objects.filter(pk=ready.mentor_enrollment.pk).update(capacity=1)
    ready.mentor_enrollment.refresh_from_db()
    request = _send(ready)
    # Another mentee's relationship fills the only place before Mo answers.
    Relationship.objects.create(
        program=ready.program,
        mentor=ready.mentor_enrollment,
        mentee=Enrollment.objects.create(program=ready.program, user=ready.member, is_mentee=True),
        focus=ready.topic("Leadership"),
        origin=Relationship.Origin.ADMIN,
    )
    with pytest.raises(DomainError, match="no free place"):
        services.request_accept(request=request, by=ready.mentor)
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.PENDING


def test_reminder_then_expiry_then_the_mentor_is_rested(ready: World) -> None:
    request = _send(ready)
    soon = request.expires_at - datetime.timedelta(days=1)
    assert services.requests_remind(now=soon) == 1
    assert services.requests_remind(now=soon) == 0  # once only
    later = request.expires_at + datetime.timedelta(minutes=1)
    assert services.requests_expire(now=later) == 1
    assert services.requests_expire(now=later) == 0
    request.refresh_from_db()
    assert request.status == MentorshipRequest.Status.EXPIRED
    kind = Notification.objects.get(user=ready.mentee, kind="request_expired")
    assert "says nothing about you" in kind.body
    # Two more expired requests from other mentees: the mentor stops accepting.
    for user in (ready.member, ready.admin):
        mentee = Enrollment.objects.create(
            program=ready.program, user=user, is_mentee=True, profile_completed_at=timezone.now()
        )
        MentorshipRequest.objects.create(
            program=ready.program,
            mentee=mentee,
            mentor=ready.mentor_enrollment,
            focus=ready.topic("Public speaking"),
            message=MESSAGE,
            expires_at=later - datetime.timedelta(minutes=5),
        )
    services.requests_expire(now=later)
    ready.mentor_enrollment.refresh_from_db()
    assert ready.mentor_enrollment.accepting_now is False
    assert Notification.objects.filter(user=ready.mentor, kind="mentor_rested").count() == 1

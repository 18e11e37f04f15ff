"""Every program of the demo has months of history behind its insights."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching.models import Assignment
from tandem.demo import agency
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import (
    Commitment,
    Meeting,
    MentorshipRequest,
    Relationship,
)


@pytest.fixture
def demo(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]
    call_command("demo_data", "--people", "150", stdout=StringIO())


def _months_ago(months: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=30 * months)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_every_program_has_pairs_that_met_and_ended_months_ago() -> None:
    # Circles have no pairs; test_demo_circles.py tells of their history.
    for program in Program.objects.exclude(format=Program.Format.CIRCLES):
        pairs = Relationship.objects.filter(program=program)
        assert pairs.filter(started_at__lt=_months_ago(6)).exists(), program.name
        assert pairs.filter(
            status=Relationship.Status.CLOSED,
            close_reason=Relationship.CloseReason.COMPLETED,
            closed_at__lt=timezone.now(),
        ).exists(), program.name
        meetings = Meeting.objects.filter(relationship__program=program)
        assert meetings.filter(status=Meeting.Status.HELD, starts_at__lt=_months_ago(4)).exists()
        # Coaching keeps its work between sessions as assignments, the others as commitments.
        kept = (
            Assignment.objects.filter(engagement__relationship__program=program)
            if program.format == Program.Format.COACHING
            else Commitment.objects.filter(relationship__program=program)
        )
        assert kept.filter(done_at__lt=_months_ago(2)).exists(), program.name
    # Some meetings were missed: never marked held, or called off.
    assert (
        Meeting.objects.exclude(status=Meeting.Status.HELD)
        .filter(starts_at__lt=_months_ago(1))
        .exists()
    )


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_choice_program_had_a_year_of_requests_answered_every_way() -> None:
    program = Program.objects.get(
        matching_mode=Program.MatchingMode.CHOICE, format=Program.Format.ONE_TO_ONE
    )
    old = MentorshipRequest.objects.filter(program=program, created_at__lt=_months_ago(3))
    assert old.filter(status=MentorshipRequest.Status.ACCEPTED).count() >= 2
    assert old.filter(
        status__in=(MentorshipRequest.Status.DECLINED, MentorshipRequest.Status.EXPIRED)
    ).exists()
    # Nothing from the past is left waiting for an answer.
    assert not old.filter(status=MentorshipRequest.Status.PENDING).exists()
    assert all(r.answered_at and r.answered_at >= r.created_at for r in old)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_peer_program_paired_peers_in_past_rounds_each_with_their_own_focus() -> None:
    program = Program.objects.get(format=Program.Format.PEER)
    rounds = MatchingRound.objects.filter(
        program=program, status=MatchingRound.Status.PUBLISHED, published_at__lt=_months_ago(2)
    )
    assert rounds.exists()
    pairs = Relationship.objects.filter(program=program)
    assert pairs.exists()
    # Each peer brings their own focus to the pair.
    assert not pairs.filter(peer_focus__isnull=True).exists()
    assert RoundPair.objects.filter(round__in=rounds, peer_focus__isnull=False).exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("demo")
def test_the_demo_mentor_mentored_people_before_the_demo_mentee() -> None:
    rosa = User.objects.get(email=f"mentor@{agency.AGENCY_DOMAIN}")
    past = Relationship.objects.filter(
        mentor__user=rosa, status=Relationship.Status.CLOSED, closed_at__lt=timezone.now()
    )
    assert past.exists()
    joined = Enrollment.objects.filter(user=rosa).order_by("created_at").first()
    assert joined is not None
    assert all(joined.created_at < pair.created_at for pair in past)

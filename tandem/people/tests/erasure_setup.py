"""A person with a full story to erase: open, pending and private things, and a partner."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tandem.accounts.models import User
from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships import services
from tandem.relationships.calendar import calendar_feed_for
from tandem.relationships.models import (
    Concern,
    JournalEntry,
    MentorshipRequest,
    Proposal,
    Reflection,
    Relationship,
)
from tandem.relationships.tests.conftest import active, complete
from tandem.testing.fixtures import World


@dataclass
class Story:
    relationship: Relationship
    earlier: Relationship
    request: MentorshipRequest
    proposal: Proposal
    canary: str


def profiles_complete(world: World) -> World:
    """Complete the profiles: Mia wants public speaking, Mo and Omar offer it."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    other = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    other.accepting_now = True
    other.save()
    complete(other, world, EnrollmentTopic.Kind.EXPERTISE)
    return world


def story_of_mia(world: World, canary: str = "canary-mia-4b1d") -> Story:
    """Give Mia (the mentee) an active relationship with Mo and private words everywhere."""
    profiles_complete(world)
    relationship = active(world)
    mia, mo = world.mentee, world.mentor
    meeting = relationship.meetings.get()
    services.meeting_update(meeting=meeting, by=mo, agenda="Slides", notes="Shared note by Mo")
    services.commitment_create(
        relationship=relationship,
        owner=mia,
        text="Rehearse the budget talk",
        due_on=timezone.localdate() + datetime.timedelta(days=7),
    )
    services.journal_entry_write(
        author=mia, relationship=relationship, title=f"Title {canary}", body=f"Body {canary}"
    )
    services.checkin_record(
        relationship=relationship, author=mia, going=4, meeting_goals=3, comment=f"Note {canary}"
    )
    services.concern_raise(relationship=relationship, reporter=mia, body=f"Concern {canary}")
    calendar_feed_for(user=mia)
    mentee = world.mentee_enrollment
    mentee.goals = f"Goals {canary}"
    mentee.save(update_fields=["goals"])
    omar = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    # An earlier match with Omar that was not a fit, and Mia's reflection on it.
    earlier = Relationship.objects.create(
        program=world.program,
        mentor=omar,
        mentee=mentee,
        focus=world.topic("Negotiation"),
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.CLOSED,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
        closed_at=timezone.now(),
    )
    Reflection.objects.create(
        relationship=earlier, author=mia, different=f"Different {canary}", my_part=canary
    )
    Proposal.objects.create(
        program=world.program,
        mentor=omar,
        mentee=mentee,
        focus=world.topic("Negotiation"),
        status=Proposal.Status.DECLINED,
        mentee_answer=Proposal.Answer.NO,
        mentee_decline_reason=f"Declined {canary}",
        expires_at=timezone.now(),
    )
    later = timezone.now() + datetime.timedelta(days=10)
    proposal = Proposal.objects.create(
        program=world.program,
        mentor=omar,
        mentee=mentee,
        focus=world.topic("Career planning"),
        expires_at=later,
    )
    request = MentorshipRequest.objects.create(
        program=world.program,
        mentee=mentee,
        mentor=omar,
        focus=world.topic("Career planning"),
        message="Hello Omar, could we talk about my next step?",
        expires_at=later,
    )
    return Story(relationship, earlier, request, proposal, canary)


def private_count(user: User) -> int:
    return (
        JournalEntry.objects.filter(author=user).count()
        + Reflection.objects.filter(author=user).count()
        + user.notifications.count()
        + Concern.objects.filter(reporter=user).exclude(body__startswith="Removed").count()
    )

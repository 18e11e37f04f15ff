"""The demo's coaching program: engagements in every stage, each consistent with the rules."""

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from tandem.coaching.models import (
    PROGRESS_MOST,
    CoachProfile,
    Engagement,
    ObjectiveRating,
    SessionNote,
)
from tandem.coaching.selectors.progress import engagement_progress
from tandem.demo import agency
from tandem.demo.coaching import PROGRAM_NAME
from tandem.policy.access.coaching import engagements_of, engagements_sponsored_by
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Concern, Meeting, Relationship

pytestmark = pytest.mark.django_db
MENTEE = f"mentee@{agency.AGENCY_DOMAIN}"
ADMIN = f"admin@{agency.AGENCY_DOMAIN}"


@pytest.fixture(autouse=True)
def demo(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", "--people", "150", stdout=StringIO())


def _program() -> Program:
    return Program.objects.get(name=PROGRAM_NAME)


def _engagements():
    return Engagement.objects.filter(relationship__program=_program()).select_related(
        "relationship__mentor__user", "relationship__mentee__user", "sponsor"
    )


def test_the_program_has_coaches_with_profiles_and_a_dozen_clients() -> None:
    program = _program()
    assert (program.format, program.status, program.matching_mode) == (
        Program.Format.COACHING,
        Program.Status.ACTIVE,
        Program.MatchingMode.CHOICE,
    )
    coaches = Enrollment.objects.filter(program=program, is_coach=True)
    assert 4 <= coaches.count() <= 6
    profiles = CoachProfile.objects.filter(enrollment__in=coaches)
    assert profiles.count() == coaches.count()
    internal = profiles.filter(kind=CoachProfile.Kind.INTERNAL)
    external = profiles.filter(kind=CoachProfile.Kind.EXTERNAL)
    assert internal.exists() and not internal.filter(hours_per_client=None).exists()
    assert external.exists() and not external.filter(hourly_rate=None).exists()
    assert not external.filter(currency="").exists()
    assert all(p.credentials and p.approach and p.availability for p in profiles)
    assert all(c.topics.filter(kind="expertise").exists() for c in coaches)
    assert Enrollment.objects.filter(program=program, is_mentee=True).count() == 12


def test_engagements_in_every_stage_agree_with_their_relationship() -> None:
    today = timezone.localdate()
    stages = {"contract": 0, "active": 0, "completed": 0, "ended": 0}
    for engagement in _engagements():
        relationship = engagement.relationship
        agreement = relationship.agreements.order_by("-version").first()
        held = relationship.meetings.filter(status=Meeting.Status.HELD)
        progress = engagement_progress(engagement)
        assert engagement.objectives.exists()
        assert progress.hours_used <= engagement.hours_contracted
        assert progress.sessions_held <= engagement.sessions_contracted
        assert not held.filter(starts_at__gt=timezone.now()).exists()
        if relationship.status == Relationship.Status.AGREEING:
            stages["contract"] += 1
            assert agreement.mentor_signed_at is None and agreement.mentee_signed_at is None
            assert not held.exists() and engagement.starts_on > today
        elif relationship.status == Relationship.Status.ACTIVE:
            stages["active"] += 1
            assert agreement.is_signed and relationship.started_at is not None
            assert engagement.starts_on <= today < engagement.ends_on
            assert held.exists()
            assert relationship.meetings.filter(
                status=Meeting.Status.PLANNED, starts_at__gt=timezone.now()
            ).exists()
        elif relationship.close_reason == Relationship.CloseReason.COMPLETED:
            stages["completed"] += 1
            assert engagement.ends_on < today and engagement.closing_reviewed_at is not None
            assert engagement.closing_summary
            assert all(o.outcome for o in engagement.objectives.all())
            assert all(p.closing is not None for p in progress.objectives)
        else:
            assert relationship.close_reason == Relationship.CloseReason.ENDED_BY_ADMIN
            stages["ended"] += 1
            concern = relationship.concerns.get()
            assert concern.kind == Concern.Kind.BEYOND_SCOPE
            assert concern.status == Concern.Status.RESOLVED
            assert concern.created_at <= relationship.closed_at
            # The client now works with another coach.
            rematch = Engagement.objects.get(
                relationship__mentee=relationship.mentee,
                relationship__status=Relationship.Status.ACTIVE,
            )
            assert rematch.relationship.mentor != relationship.mentor
    assert stages["contract"] == 1 and stages["ended"] == 1 and stages["completed"] == 2
    assert stages["active"] >= 6


def test_sessions_have_ratings_assignments_and_private_notes() -> None:
    active = _engagements().filter(relationship__status=Relationship.Status.ACTIVE)
    ratings = ObjectiveRating.objects.filter(objective__engagement__in=active)
    assert ratings.exists() and not ratings.filter(meeting=None).exists()
    assert not ratings.filter(progress__gt=PROGRESS_MOST).exists()
    # Ratings rise unevenly: the latest is higher than the first for most objectives, and
    # some objective went down at least once on the way.
    rose = fell = 0
    for engagement in active:
        for row in engagement_progress(engagement).objectives:
            if row.latest is not None and row.first is not None and row.latest > row.first:
                rose += 1
        for objective in engagement.objectives.all():
            steps = list(objective.ratings.values_list("progress", flat=True))
            fell += any(b < a for a, b in itertools.pairwise(steps))
    assert rose >= 5 and fell >= 1
    assignments = [a for e in active for a in e.assignments.all()]
    assert any(a.done_at for a in assignments) and any(a.done_at is None for a in assignments)
    assert any(a.client_note for a in assignments if a.done_at)
    notes = SessionNote.objects.filter(meeting__relationship__engagement__in=active)
    coaches = set(active.values_list("relationship__mentor__user", flat=True))
    assert set(notes.values_list("author", flat=True)) >= coaches
    # Every note is on a session of an engagement its author is in.
    for note in notes.select_related("meeting__relationship"):
        assert note.author_id in note.meeting.relationship.participant_ids()
    minutes = Meeting.objects.filter(relationship__engagement__in=active, status="held")
    assert set(minutes.values_list("duration_minutes", flat=True)) - {60}
    assert not minutes.filter(notes="").exists()


def test_sponsors_are_managers_where_the_organization_pays() -> None:
    by_manager = 0
    for engagement in _engagements().select_related("relationship__mentee__membership__manager"):
        if engagement.paid_by != Engagement.Payer.ORGANIZATION:
            assert engagement.sponsor is None and not engagement.budget_code
            continue
        assert engagement.sponsor is not None and engagement.budget_code
        if engagement.sponsor.email != ADMIN:
            # Outside HR's own sponsorship, the sponsor is the client's manager.
            assert engagement.sponsor == engagement.relationship.mentee.membership.manager.user
            by_manager += 1
    assert by_manager >= 2


def test_the_personas_see_their_engagements() -> None:
    mentee_engagement = _engagements().get(
        relationship__mentee__user__email=MENTEE, relationship__status="active"
    )
    mentee = mentee_engagement.relationship.mentee.user
    assert list(engagements_of(mentee)) == [mentee_engagement]
    assert SessionNote.objects.filter(author=mentee).exists()
    admin = mentee_engagement.sponsor
    assert admin.email == ADMIN
    assert mentee_engagement in engagements_sponsored_by(admin)

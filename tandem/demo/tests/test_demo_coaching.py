"""The demo's coaching program: engagements in every stage, each consistent with the rules."""

import datetime
import itertools
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max
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
from tandem.demo.coaching import CONTRACTED_TITLE, PROGRAM_NAME
from tandem.policy.access.coaching import engagements_of, engagements_sponsored_by
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import (
    CheckIn,
    Concern,
    Meeting,
    MentorshipRequest,
    Relationship,
)

pytestmark = pytest.mark.django_db
MENTEE = f"mentee@{agency.AGENCY_DOMAIN}"
ADMIN = f"admin@{agency.AGENCY_DOMAIN}"
MINUTE = datetime.timedelta(minutes=1)


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


def test_external_coaches_are_contracted_coaches_who_bill_in_dollars() -> None:
    profiles = CoachProfile.objects.filter(enrollment__program=_program()).select_related(
        "enrollment__membership", "enrollment__user"
    )
    for profile in profiles:
        membership = profile.enrollment.membership
        assert membership is not None
        if profile.kind == CoachProfile.Kind.EXTERNAL:
            # Not city staff: the city contracts them, outside its departments.
            assert membership.title == CONTRACTED_TITLE
            assert membership.department is None and membership.manager is None
            assert not membership.reports.exists()
            assert not profile.enrollment.user.email.endswith(f"@{agency.AGENCY_DOMAIN}")
            assert profile.currency == "USD"
        else:
            assert membership.title != CONTRACTED_TITLE and membership.department is not None
            assert profile.hourly_rate is None and not profile.currency


def test_every_engagement_keeps_its_dates_in_order() -> None:
    now = timezone.now()
    today = timezone.localdate()
    for engagement in _engagements().select_related("relationship__program"):
        relationship = engagement.relationship
        held = list(relationship.meetings.filter(status=Meeting.Status.HELD).order_by("starts_at"))
        assert engagement.ends_on > engagement.starts_on
        if held:
            assert relationship.started_at is not None
            assert relationship.started_at <= held[0].starts_at
            assert held[-1].ends_at <= now
            assert timezone.localdate(held[-1].starts_at) <= engagement.ends_on
        if relationship.closed_at is not None:
            assert all(m.ends_at <= relationship.closed_at for m in held)
        # The hours and sessions used are those of the held sessions.
        progress = engagement_progress(engagement)
        minutes = sum(m.duration_minutes for m in held)
        assert progress.sessions_held == len(held)
        # Hours show in tenths.
        assert abs(progress.hours_used - Decimal(minutes) / 60) <= Decimal("0.05")
        # The next session fits in the hours left.
        planned = relationship.meetings.filter(status=Meeting.Status.PLANNED)
        booked = minutes + sum(m.duration_minutes for m in planned)
        assert booked <= engagement.hours_contracted * 60
        # A closing review belongs to an engagement that ended, after its end.
        if engagement.closing_reviewed_at is not None:
            assert relationship.status == Relationship.Status.CLOSED
            assert timezone.localdate(engagement.closing_reviewed_at) > engagement.ends_on
        if relationship.status == Relationship.Status.ACTIVE:
            assert engagement.starts_on <= today < engagement.ends_on
            # Each person has checked in lately: no check-in overdue by a whole interval.
            interval = datetime.timedelta(weeks=relationship.program.checkin_interval_weeks)
            for user_id in relationship.participant_ids():
                last = CheckIn.objects.filter(
                    relationship=relationship, author_id=user_id
                ).aggregate(last=Max("created_at"))["last"]
                due_at = relationship.checkin_due_at(last)
                assert due_at is not None and due_at > now - interval
        checkins = CheckIn.objects.filter(relationship=relationship)
        assert not checkins.filter(created_at__gt=now).exists()
        if relationship.started_at is not None:
            assert not checkins.filter(created_at__lt=relationship.started_at).exists()


def test_requests_answered_in_their_time_and_only_the_pending_one_still_open() -> None:
    now = timezone.now()
    program = _program()
    lifetime = datetime.timedelta(days=program.request_expiry_days)
    requests = MentorshipRequest.objects.filter(program=program)
    assert requests.filter(status=MentorshipRequest.Status.PENDING).count() == 1
    for request in requests:
        # The deadline moved back with the request: its lifetime after it was sent.
        assert abs(request.expires_at - request.created_at - lifetime) < MINUTE
        if request.status == MentorshipRequest.Status.PENDING:
            assert request.created_at < now < request.expires_at
            assert request.answered_at is None
            continue
        # Answered before the deadline; a request sent longer ago than that is no longer open.
        assert request.answered_at is not None
        assert request.created_at <= request.answered_at <= min(request.expires_at, now)
        if request.created_at < now - lifetime:
            assert request.expires_at < now

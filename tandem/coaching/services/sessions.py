"""Sessions of an engagement: logging them, rating progress, assignments, notes, the close.

A session is a meeting of the engagement's relationship: planning, the shared notes and
marking one held go through the relationship's own services. What coaching adds is here:
the coach logs a session that took place (the coach's hours log is their credential record;
the client sees every session and can raise a concern), the client rates progress on each
objective at a session and at the end, the coach sets assignments that only the client
marks done, and each person keeps a private note on a session.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.coaching.models import (
    PROGRESS_MOST,
    Assignment,
    Engagement,
    Objective,
    ObjectiveRating,
    SessionNote,
)
from tandem.core.errors import DomainError
from tandem.core.submissions import create_once
from tandem.notifications.services import notify
from tandem.notifications.when import local_date, local_datetime
from tandem.relationships.models import Meeting, Relationship
from tandem.relationships.services.last_met import relationships_last_met_refresh
from tandem.relationships.services.rhythm import meeting_mark_held, meeting_update

SESSION_SHORTEST = 10
SESSION_LONGEST = 240
# A session logged up to this far ahead is taken as one that is ending now.
LOG_SLACK = datetime.timedelta(hours=12)
ASSIGNMENT_HORIZON = datetime.timedelta(days=365)
NOTE_LONGEST = 10_000
OUTCOME_LONGEST = 2_000
SUMMARY_LONGEST = 5_000
# The closing review opens this close to the end date, or earlier once the work is done.
ONLY_THE_COACH_LOGS = (
    "Your coach logs each session you held; you see every one on the engagement page. "
    "If one is wrong, raise a concern."
)
CLOSING_OPENS = datetime.timedelta(days=14)


def _coach(engagement: Engagement) -> User:
    return engagement.relationship.mentor.user


def _client(engagement: Engagement) -> User:
    return engagement.relationship.mentee.user


def _url(engagement: Engagement, meeting: Meeting | None = None) -> str:
    if meeting is None:
        return reverse("coaching:engagement", args=[engagement.pk])
    return reverse("coaching:session", args=[engagement.pk, meeting.pk])


def _check_in(engagement: Engagement, user: User) -> None:
    if user.pk not in engagement.relationship.participant_ids():
        raise DomainError("Only the coach and the client of this engagement can do that.")


def _check_session(engagement: Engagement, meeting: Meeting) -> None:
    if meeting.relationship_id != engagement.relationship_id:
        raise DomainError("This session belongs to another engagement.")


def _check_running(engagement: Engagement) -> None:
    status = engagement.relationship.status
    if status == Relationship.Status.CLOSED:
        raise DomainError("This engagement has ended; what you wrote stays readable.")
    if status != Relationship.Status.ACTIVE:
        raise DomainError("Sign the contract together first; then sessions can be logged.")


def engagement_has_ended(engagement: Engagement, *, today: datetime.date | None = None) -> bool:
    """Return whether the work is over: the relationship closed or the end date passed."""
    today = today or timezone.localdate()
    return engagement.relationship.status == Relationship.Status.CLOSED or (
        engagement.ends_on < today
    )


def closing_review_opens_on(engagement: Engagement) -> datetime.date:
    """Return the day the closing review opens at the latest: two weeks before the end."""
    return engagement.ends_on - CLOSING_OPENS


def closing_review_is_open(
    engagement: Engagement, *, sessions_held: int | None = None, today: datetime.date | None = None
) -> bool:
    """Return whether the closing review may be written or asked for.

    It opens once the work has ended, once every contracted session is held, or within
    two weeks of the end date; not while the engagement has months to run.
    """
    today = today or timezone.localdate()
    if engagement_has_ended(engagement, today=today) or today >= closing_review_opens_on(
        engagement
    ):
        return True
    if sessions_held is None:
        sessions_held = Meeting.objects.filter(
            relationship_id=engagement.relationship_id, status=Meeting.Status.HELD
        ).count()
    return sessions_held >= engagement.sessions_contracted


def closing_review_not_yet(engagement: Engagement) -> str:
    """Say when the closing review opens, for a page or a refusal."""
    return (
        f"The closing review opens on {closing_review_opens_on(engagement):%-d %B %Y}, two "
        f"weeks before the engagement ends, or earlier once all "
        f"{engagement.sessions_contracted} contracted sessions are held."
    )


def _check_closing_open(engagement: Engagement) -> None:
    if not closing_review_is_open(engagement):
        raise DomainError(closing_review_not_yet(engagement))


def _check_duration(duration_minutes: int) -> None:
    if not SESSION_SHORTEST <= duration_minutes <= SESSION_LONGEST:
        raise DomainError(
            f"A session lasts from {SESSION_SHORTEST} to {SESSION_LONGEST} minutes.",
            field="duration_minutes",
        )


@transaction.atomic
def session_log(
    *,
    engagement: Engagement,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    notes: str = "",
    submission_key: str | None = None,
) -> Meeting:
    """Record a session that took place; past the contract it is still logged.

    Only the coach logs a session: their hours log is the record credential bodies read,
    and the sponsor pays for what it counts. The client sees every session on the
    engagement page and can raise a concern about one.
    """
    _check_in(engagement, by)
    if by.pk != _coach(engagement).pk:
        raise DomainError(ONLY_THE_COACH_LOGS)
    _check_running(engagement)
    _check_duration(duration_minutes)
    if timezone.is_naive(starts_at):
        raise DomainError("Give the time in your own time zone.", field="starts_at")
    if starts_at > timezone.now() + LOG_SLACK:
        raise DomainError(
            "Log a session once it took place; plan future ones on the relationship page.",
            field="starts_at",
        )
    first_day = datetime.datetime.combine(
        engagement.starts_on, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    if starts_at < first_day:
        raise DomainError(
            f"Pick a time from the engagement's start, {engagement.starts_on:%-d %B %Y}, on.",
            field="starts_at",
        )
    # One log at a time per engagement, so two sent together cannot both pass the check.
    Relationship.objects.select_for_update().filter(pk=engagement.relationship_id).first()
    if submission_key:
        earlier = Meeting.objects.filter(
            relationship_id=engagement.relationship_id, submission_key=submission_key
        ).first()
        if earlier is not None:
            return earlier  # the same form sent twice
    _check_no_overlap(engagement, by, starts_at, duration_minutes)
    meeting, created = create_once(
        Meeting,
        submission_key=submission_key,
        owner={"relationship": engagement.relationship},
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        notes=notes.strip(),
        status=Meeting.Status.HELD,
    )
    if created:
        relationships_last_met_refresh(relationship_ids=[engagement.relationship_id])
        # The client's hours are counted from this: they learn of it on their own clock.
        client = _client(engagement)
        when = local_datetime(
            client, starts_at, organization_id=engagement.relationship.program.organization_id
        )
        notify(
            user=client,
            kind="coaching_session_logged",
            title=f"{by.display_name} logged your session of {when}",
            body=f"{duration_minutes} minutes count towards your contract's hours. "
            "If this is not right, say so to your coach or raise a concern.",
            url=_url(engagement, meeting),
        )
    return meeting


def _check_no_overlap(
    engagement: Engagement, by: User, starts_at: datetime.datetime, duration_minutes: int
) -> None:
    """Refuse a session that overlaps another held or planned one of the engagement."""
    ends_at = starts_at + datetime.timedelta(minutes=duration_minutes)
    nearby = Meeting.objects.filter(
        relationship_id=engagement.relationship_id,
        status__in=(Meeting.Status.HELD, Meeting.Status.PLANNED),
        starts_at__gt=starts_at - datetime.timedelta(minutes=SESSION_LONGEST),
        starts_at__lt=ends_at,
    ).order_by("starts_at", "pk")
    for other in nearby:
        other_ends = other.starts_at + datetime.timedelta(minutes=other.duration_minutes)
        if other.starts_at < ends_at and starts_at < other_ends:
            when = local_datetime(
                by, other.starts_at, organization_id=engagement.relationship.program.organization_id
            )
            state = "held" if other.status == Meeting.Status.HELD else "planned"
            raise DomainError(
                f"This overlaps the session {state} on {when}. Open that session instead"
                " of logging it again.",
                field="starts_at",
            )


def session_mark_held(
    *, engagement: Engagement, meeting: Meeting, by: User, duration_minutes: int
) -> Meeting:
    """Record that a planned session took place, with how long it really lasted."""
    _check_in(engagement, by)
    _check_session(engagement, meeting)
    _check_duration(duration_minutes)
    with transaction.atomic():
        if meeting.status == Meeting.Status.PLANNED:
            meeting_update(meeting=meeting, by=by, duration_minutes=duration_minutes)
        return meeting_mark_held(meeting=meeting, by=by)


def _check_held(meeting: Meeting) -> None:
    if meeting.status != Meeting.Status.HELD:
        raise DomainError("Progress is rated at a session that took place.")


@transaction.atomic
def objective_ratings_save(
    *, engagement: Engagement, meeting: Meeting, by: User, ratings: dict[int, int]
) -> list[ObjectiveRating]:
    """Record the client's rating of each objective at one session; a new rating replaces it."""
    _check_in(engagement, by)
    _check_session(engagement, meeting)
    if by.pk != _client(engagement).pk:
        raise DomainError("Only the client rates progress on the objectives.")
    _check_held(meeting)
    objectives = {o.pk: o for o in engagement.objectives.all()}
    return [
        ObjectiveRating.objects.update_or_create(
            objective=objectives[objective_id], meeting=meeting, defaults={"progress": progress}
        )[0]
        for objective_id, progress in _checked_ratings(objectives, ratings).items()
    ]


def _checked_ratings(objectives: dict[int, Objective], ratings: dict[int, int]) -> dict[int, int]:
    for objective_id, progress in ratings.items():
        if objective_id not in objectives:
            raise DomainError("That objective is not part of this engagement.")
        if not 0 <= progress <= PROGRESS_MOST:
            raise DomainError(
                f"Rate progress from 0 to {PROGRESS_MOST}.", field=f"objective_{objective_id}"
            )
    if not ratings:
        raise DomainError("Rate at least one objective.")
    return ratings


@transaction.atomic
def session_note_write(
    *, engagement: Engagement, meeting: Meeting, author: User, body: str
) -> SessionNote | None:
    """Keep one's own private note on a session; an empty note is removed."""
    _check_in(engagement, author)
    _check_session(engagement, meeting)
    body = body.strip()
    if len(body) > NOTE_LONGEST:
        raise DomainError(f"Keep the note under {NOTE_LONGEST} characters.", field="body")
    if not body:
        SessionNote.objects.filter(meeting=meeting, author=author).delete()
        return None
    note, _ = SessionNote.objects.update_or_create(
        meeting=meeting, author=author, defaults={"body": body}
    )
    return note


@transaction.atomic
def assignment_set(
    *,
    engagement: Engagement,
    meeting: Meeting,
    by: User,
    text: str,
    due_on: datetime.date,
    submission_key: str | None = None,
) -> Assignment:
    """Set the client work to do before a coming session; the client is told."""
    _check_in(engagement, by)
    _check_session(engagement, meeting)
    if by.pk != _coach(engagement).pk:
        raise DomainError("Only the coach sets assignments.")
    _check_running(engagement)
    if not text.strip():
        raise DomainError("Say what the client will do.", field="text")
    if len(text.strip()) > 300:
        raise DomainError("Keep it under 300 characters.", field="text")
    today = timezone.localdate()
    if due_on < today:
        raise DomainError("Pick a date from today on.", field="due_on")
    if due_on > today + ASSIGNMENT_HORIZON:
        raise DomainError("Pick a date within a year.", field="due_on")
    assignment, created = create_once(
        Assignment,
        submission_key=submission_key,
        owner={"engagement": engagement},
        meeting=meeting,
        text=text.strip(),
        due_on=due_on,
    )
    if not created:
        return assignment  # the same form sent twice: the client was told the first time
    client = _client(engagement)
    organization_id = engagement.relationship.program.organization_id
    notify(
        user=client,
        kind="coaching_assignment_set",
        title=f"{by.display_name} set you an assignment, due "
        f"{local_date(client, due_on, organization_id=organization_id)}",
        body=assignment.text,
        url=_url(engagement, meeting),
    )
    return assignment


@transaction.atomic
def assignment_mark_done(*, assignment: Assignment, by: User, note: str = "") -> Assignment:
    """Mark an assignment done with a word to the coach; only the client may."""
    assignment = Assignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    engagement = (
        Engagement.objects.select_related(
            "relationship__mentor__user", "relationship__mentee__user", "relationship__program"
        )
    ).get(pk=assignment.engagement_id)
    _check_in(engagement, by)
    if by.pk != _client(engagement).pk:
        raise DomainError("Only the client marks an assignment done.")
    if assignment.done_at is not None:
        raise DomainError("This assignment is already done.")
    if engagement.relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This engagement has ended; its assignments are kept as they were.")
    if len(note.strip()) > NOTE_LONGEST:
        raise DomainError(f"Keep the note under {NOTE_LONGEST} characters.", field="note")
    assignment.done_at = timezone.now()
    assignment.client_note = note.strip()
    assignment.save(update_fields=["done_at", "client_note", "updated_at"])
    coach = _coach(engagement)
    when = local_datetime(
        coach, assignment.done_at, organization_id=engagement.relationship.program.organization_id
    )
    notify(
        user=coach,
        kind="coaching_assignment_done",
        title=f"{by.display_name} did an assignment on {when}: {assignment.text}",
        body=assignment.client_note,
        url=_url(engagement),
    )
    return assignment


@transaction.atomic
def closing_review_save(
    *,
    engagement: Engagement,
    by: User,
    ratings: dict[int, int],
    outcomes: dict[int, str],
    summary: str,
) -> Engagement:
    """Record the client's closing rating and outcome of each objective, and a summary."""
    _check_in(engagement, by)
    if by.pk != _client(engagement).pk:
        raise DomainError("The client writes the closing review; the coach reads it.")
    _check_closing_open(engagement)
    objectives = {o.pk: o for o in engagement.objectives.all()}
    _checked_ratings(objectives, ratings)
    for objective_id in objectives:
        if objective_id not in ratings:
            raise DomainError("Rate every objective.", field=f"objective_{objective_id}")
    for objective_id, outcome in outcomes.items():
        if objective_id not in objectives:
            raise DomainError("That objective is not part of this engagement.")
        if len(outcome.strip()) > OUTCOME_LONGEST:
            raise DomainError(
                f"Keep each outcome under {OUTCOME_LONGEST} characters.",
                field=f"outcome_{objective_id}",
            )
    if not summary.strip():
        raise DomainError("Say in a few words what the coaching changed.", field="summary")
    if len(summary.strip()) > SUMMARY_LONGEST:
        raise DomainError(f"Keep it under {SUMMARY_LONGEST} characters.", field="summary")
    for objective_id, objective in objectives.items():
        ObjectiveRating.objects.update_or_create(
            objective=objective, meeting=None, defaults={"progress": ratings[objective_id]}
        )
        objective.outcome = outcomes.get(objective_id, "").strip()
        objective.save(update_fields=["outcome", "updated_at"])
    first_time = engagement.closing_reviewed_at is None
    engagement.closing_summary = summary.strip()
    engagement.closing_reviewed_at = timezone.now()
    engagement.save(update_fields=["closing_summary", "closing_reviewed_at", "updated_at"])
    if first_time:
        notify(
            user=_coach(engagement),
            kind="coaching_closing_reviewed",
            title=f"{by.display_name} wrote the closing review of your engagement",
            url=reverse("coaching:closing_review", args=[engagement.pk]),
            dedupe_key=f"coaching-closed-{engagement.pk}",
        )
    return engagement


@transaction.atomic
def closing_review_ask(*, engagement: Engagement, by: User) -> None:
    """Ask the client for the closing review, once, when it is open."""
    _check_in(engagement, by)
    if engagement.closing_reviewed_at is not None:
        raise DomainError("The closing review is already written.")
    _check_closing_open(engagement)
    if by.pk != _coach(engagement).pk:
        return  # the client starts it by writing it
    notify(
        user=_client(engagement),
        kind="coaching_closing_asked",
        title=f"{by.display_name} asks for your closing review",
        body="Rate each objective one last time and say what changed.",
        url=reverse("coaching:closing_review", args=[engagement.pk]),
        dedupe_key=f"coaching-closing-asked-{engagement.pk}",
    )

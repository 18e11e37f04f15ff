"""Rhythm and accountability: planned meetings, shared notes, commitments, check-ins."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import User
from tandem.core.errors import DomainError
from tandem.core.submissions import create_once
from tandem.notifications.services import notify
from tandem.notifications.when import local_date, local_datetime, local_now
from tandem.programs.models import CADENCE_DAYS
from tandem.relationships.models import Agreement, CheckIn, Commitment, Meeting, Relationship
from tandem.relationships.services.last_met import relationships_last_met_refresh

DEFAULT_HOUR = 16  # a planned meeting starts mid-afternoon in the mentee's zone
# How far ahead a meeting may be planned: a program year and then some. Beyond it a date
# is a slip of the keyboard, and near year 9999 it no longer fits every time zone.
MEETING_HORIZON = datetime.timedelta(days=2 * 365)


def _in_force(relationship: Relationship) -> Agreement | None:
    for agreement in relationship.agreements.order_by("-version"):
        if agreement.is_signed:
            return agreement
    return None


def _check_participant(relationship: Relationship, user: User) -> None:
    if user.pk not in relationship.participant_ids():
        raise DomainError("Only the two people in this relationship can do that.")


def _check_working(relationship: Relationship) -> None:
    if relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is closed; what you shared is kept, read-only.")
    if relationship.status == Relationship.Status.PAUSED:
        raise DomainError("This relationship is paused. Resume it first.")


def _check_meeting_time(
    starts_at: datetime.datetime, *, earliest: datetime.datetime, too_early: str
) -> None:
    if starts_at < earliest:
        raise DomainError(too_early, field="starts_at")
    if starts_at > timezone.now() + MEETING_HORIZON:
        raise DomainError("Plan meetings at most two years ahead.", field="starts_at")


def meetings_plan_next(
    *, relationship: Relationship, agreement: Agreement | None = None
) -> Meeting | None:
    """Make sure the next meeting is planned, at the agreed rhythm, if none is."""
    if relationship.meetings.filter(status=Meeting.Status.PLANNED).exists():
        return None
    agreement = agreement or _in_force(relationship)
    if agreement is None or relationship.status != Relationship.Status.ACTIVE:
        return None
    last = relationship.meetings.filter(status=Meeting.Status.HELD).order_by("-starts_at").first()
    base = last.starts_at if last else timezone.now()
    zone_name = (
        relationship.mentee.membership.time_zone if relationship.mentee.membership else "UTC"
    )
    zone = zoneinfo.ZoneInfo(zone_name)
    # At the agreed rhythm after the last meeting, but never in the past: a pair that
    # fell behind gets a fresh date a couple of days out, not a missed one.
    due = max(
        base + datetime.timedelta(days=CADENCE_DAYS[agreement.cadence]),
        timezone.now() + datetime.timedelta(days=2),
    )
    day = due.astimezone(zone).date()
    while day.weekday() >= 5:  # plan on a working day
        day += datetime.timedelta(days=1)
    starts_at = datetime.datetime.combine(day, datetime.time(DEFAULT_HOUR), tzinfo=zone)
    mode = agreement.channels[0] if agreement.channels else "video"
    overdue = relationship.commitments.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
    agenda = "\n".join(f"Follow up: {c.text} (was due {c.due_on:%d %b})" for c in overdue)
    return Meeting.objects.create(
        relationship=relationship,
        starts_at=starts_at,
        duration_minutes=agreement.meeting_minutes,
        mode=mode,
        agenda=agenda,
    )


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    by: User,
    starts_at: datetime.datetime | None = None,
    duration_minutes: int | None = None,
    mode: str | None = None,
    agenda: str | None = None,
    notes: str | None = None,
) -> Meeting:
    """Change a meeting's time, agenda or shared notes; either person may."""
    relationship = meeting.relationship
    _check_participant(relationship, by)
    if relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is closed; its notes are kept as they were.")
    if meeting.status == Meeting.Status.CANCELLED:
        raise DomainError("This meeting was cancelled.")
    changes = {
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "mode": mode,
        "agenda": agenda,
        "notes": notes,
    }
    changed = [k for k, v in changes.items() if v is not None and getattr(meeting, k) != v]
    if meeting.status == Meeting.Status.HELD and {"starts_at", "duration_minutes"} & set(changed):
        raise DomainError("This meeting took place; only its notes can change.")
    if starts_at is not None and "starts_at" in changed:
        # Moving a meeting into the past records when it really took place.
        _check_meeting_time(
            starts_at,
            earliest=relationship.started_at or relationship.created_at,
            too_early="Pick a time after your relationship began.",
        )
    for name in changed:
        setattr(meeting, name, changes[name])
    if "starts_at" in changed:
        meeting.reminder_sent_at = None
        changed.append("reminder_sent_at")
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
    if meeting.status == Meeting.Status.HELD and "starts_at" in changed:
        relationships_last_met_refresh(relationship_ids=[relationship.pk])
    return meeting


@transaction.atomic
def meeting_schedule(
    *,
    relationship: Relationship,
    by: User,
    starts_at: datetime.datetime,
    duration_minutes: int,
    mode: str,
    agenda: str = "",
    submission_key: str | None = None,
) -> Meeting:
    """Add a meeting to the calendar of an active relationship."""
    _check_participant(relationship, by)
    _check_working(relationship)
    if relationship.status != Relationship.Status.ACTIVE:
        raise DomainError("Sign the agreement together first; then plan your meetings.")
    _check_meeting_time(
        starts_at, earliest=timezone.now(), too_early="Pick a time that is still ahead."
    )
    meeting, created = create_once(
        Meeting,
        submission_key=submission_key,
        owner={"relationship": relationship},
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        agenda=agenda,
    )
    if not created:
        return meeting  # the same form sent twice: the partner was told the first time
    partner = relationship.partner_of(by.pk).user
    when = local_datetime(partner, starts_at, organization_id=relationship.program.organization_id)
    notify(
        user=partner,
        kind="meeting_planned",
        title=f"{by.display_name} planned a meeting on {when}",
        url=reverse("relationships:meeting", args=[meeting.pk]),
    )
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: User) -> Meeting:
    """Record that a meeting took place, and plan the next one at the agreed rhythm."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("relationship__mentee__membership", "relationship__mentor")
        .get(pk=meeting.pk)
    )
    _check_participant(meeting.relationship, by)
    _check_working(meeting.relationship)
    if meeting.status != Meeting.Status.PLANNED:
        raise DomainError("Only a planned meeting can be marked as held.")
    if meeting.starts_at > timezone.now() + datetime.timedelta(hours=12):
        raise DomainError("This meeting is still ahead; mark it as held once it took place.")
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status", "updated_at"])
    relationships_last_met_refresh(relationship_ids=[meeting.relationship_id])
    meetings_plan_next(relationship=meeting.relationship)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    """Cancel a planned meeting; the partner is told."""
    _check_participant(meeting.relationship, by)
    if meeting.status != Meeting.Status.PLANNED:
        raise DomainError("Only a planned meeting can be cancelled.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status", "updated_at"])
    relationships_last_met_refresh(relationship_ids=[meeting.relationship_id])
    partner = meeting.relationship.partner_of(by.pk).user
    organization_id = meeting.relationship.program.organization_id
    notify(
        user=partner,
        kind="meeting_cancelled",
        title=f"{by.display_name} cancelled the meeting of "
        f"{local_datetime(partner, meeting.starts_at, organization_id=organization_id)}",
        url=reverse("relationships:detail", args=[meeting.relationship_id]),
    )
    return meeting


@dataclass(frozen=True)
class Rhythm:
    expected: int
    held: int
    next_meeting: Meeting | None
    # A paused pair owes no meetings: nobody is behind while a pause lasts.
    paused: bool = False

    @property
    def behind_by(self) -> int:
        if self.paused:
            return 0
        return max(self.expected - self.held, 0)

    @property
    def label(self) -> str:
        if self.paused:
            return "Paused"
        if self.behind_by == 0:
            return "On track"
        return f"Behind by {self.behind_by} meeting{'s' if self.behind_by > 1 else ''}"


def rhythm(relationship: Relationship, *, today: datetime.date | None = None) -> Rhythm:
    """Compare the meetings the agreed rhythm implies so far with the meetings held."""
    today = today or timezone.localdate()
    agreement = _in_force(relationship)
    held = relationship.meetings.filter(status=Meeting.Status.HELD).count()
    upcoming = (
        relationship.meetings.filter(status=Meeting.Status.PLANNED).order_by("starts_at").first()
    )
    paused = relationship.status == Relationship.Status.PAUSED
    if agreement is None or relationship.started_at is None:
        return Rhythm(expected=0, held=held, next_meeting=upcoming, paused=paused)
    # Only the days the pair was working count: not this pause, nor earlier ones.
    active_days = (today - timezone.localdate(relationship.started_at)).days
    active_days -= relationship.paused_days
    if relationship.paused_at is not None:
        active_days -= (today - timezone.localdate(relationship.paused_at)).days
    expected = max(active_days, 0) // CADENCE_DAYS[agreement.cadence]
    return Rhythm(expected=expected, held=held, next_meeting=upcoming, paused=paused)


@transaction.atomic
def commitment_create(
    *,
    relationship: Relationship,
    owner: User,
    text: str,
    due_on: datetime.date,
    submission_key: str | None = None,
) -> Commitment:
    """Record "I will do X by then"; the partner sees it."""
    _check_participant(relationship, owner)
    _check_working(relationship)
    if not text.strip():
        raise DomainError("Say what you will do.", field="text")
    if due_on < timezone.localdate():
        raise DomainError("Pick a date from today on.", field="due_on")
    if due_on > timezone.localdate() + MEETING_HORIZON:
        raise DomainError("Pick a date at most two years ahead.", field="due_on")
    commitment, created = create_once(
        Commitment,
        submission_key=submission_key,
        owner={"owner": owner},
        relationship=relationship,
        text=text.strip(),
        due_on=due_on,
    )
    if not created:
        return commitment  # the same form sent twice: the partner was told the first time
    notify(
        user=relationship.partner_of(owner.pk).user,
        kind="commitment_made",
        title=f"{owner.display_name} committed to: {commitment.text}",
        url=reverse("relationships:detail", args=[relationship.pk]),
    )
    return commitment


@transaction.atomic
def commitment_mark_done(*, commitment: Commitment, by: User) -> Commitment:
    """Mark one's own commitment as done."""
    if commitment.owner_id != by.pk:
        raise DomainError("Only the person who made a commitment marks it done.")
    if commitment.done_at is not None:
        raise DomainError("This is already done.")
    if commitment.relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is closed; its commitments are kept as they were.")
    commitment.done_at = timezone.now()
    commitment.save(update_fields=["done_at", "updated_at"])
    notify(
        user=commitment.relationship.partner_of(by.pk).user,
        kind="commitment_done",
        title=f"{by.display_name} did it: {commitment.text}",
        url=reverse("relationships:detail", args=[commitment.relationship_id]),
    )
    return commitment


def checkin_due(
    relationship: Relationship, user: User, *, now: datetime.datetime | None = None
) -> bool:
    """Whether this person owes a check-in: the program's interval has passed since the last."""
    return bool(checkins_due([relationship], user, now=now))


def checkins_due(
    relationships: list[Relationship], user: User, *, now: datetime.datetime | None = None
) -> list[Relationship]:
    """Return those of the relationships in which this person owes a check-in, in one query."""
    now = now or timezone.now()
    active = [r for r in relationships if r.checkin_due_at(None) is not None]
    if not active:
        return []
    last = dict(
        CheckIn.objects.filter(relationship__in=active, author=user)
        .values("relationship_id")
        .annotate(last=Max("created_at"))
        .values_list("relationship_id", "last")
    )
    due = []
    for relationship in active:
        due_at = relationship.checkin_due_at(last.get(relationship.pk))
        if due_at is not None and now >= due_at:
            due.append(relationship)
    return due


@transaction.atomic
def checkin_record(
    *, relationship: Relationship, author: User, going: int, meeting_goals: int, comment: str = ""
) -> CheckIn:
    """Record a private pulse; only its author will ever read it."""
    _check_participant(relationship, author)
    if relationship.status == Relationship.Status.CLOSED:
        raise DomainError("This relationship is closed.")
    for name, value in (("going", going), ("meeting_goals", meeting_goals)):
        if not 1 <= value <= 5:
            raise DomainError("Answer on the scale from 1 to 5.", field=name)
    return CheckIn.objects.create(
        relationship=relationship,
        author=author,
        going=going,
        meeting_goals=meeting_goals,
        comment=comment.strip(),
    )


@transaction.atomic
def agenda_add_revisit(*, relationship: Relationship, by: User) -> Meeting:
    """Put "revisit our expectations" on the next meeting's agenda, without saying why."""
    _check_participant(relationship, by)
    _check_working(relationship)
    meeting = relationship.meetings.filter(status=Meeting.Status.PLANNED).order_by(
        "starts_at"
    ).first() or meetings_plan_next(relationship=relationship)
    if meeting is None:
        raise DomainError("There is no meeting planned yet; plan one first.")
    line = "Revisit our expectations: what is working, what should change?"
    if line not in meeting.agenda:
        meeting.agenda = f"{meeting.agenda}\n{line}".strip()
        meeting.save(update_fields=["agenda", "updated_at"])
    return meeting


MEETING_REMINDER_BEFORE = datetime.timedelta(hours=24)


def meetings_remind(*, now: datetime.datetime | None = None) -> int:
    """Remind both people of a meeting in the next day, once; return how many meetings."""
    now = now or timezone.now()
    due = Meeting.objects.select_related(
        "relationship__program", "relationship__mentor__user", "relationship__mentee__user"
    ).filter(
        status=Meeting.Status.PLANNED,
        reminder_sent_at__isnull=True,
        relationship__status=Relationship.Status.ACTIVE,
        starts_at__gt=now,
        starts_at__lte=now + MEETING_REMINDER_BEFORE,
    )
    count = 0
    for meeting in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=meeting.pk, reminder_sent_at__isnull=True).update(
                reminder_sent_at=now
            ):
                continue
            relationship = meeting.relationship
            for enrollment in (relationship.mentor, relationship.mentee):
                partner = relationship.partner_of(enrollment.user_id).user
                when = local_datetime(
                    enrollment.user,
                    meeting.starts_at,
                    organization_id=relationship.program.organization_id,
                )
                notify(
                    user=enrollment.user,
                    kind="meeting_reminder",
                    title=f"Meeting with {partner.display_name} on {when}: add to the agenda",
                    url=reverse("relationships:meeting", args=[meeting.pk]),
                    dedupe_key=f"meeting-{meeting.pk}-{meeting.starts_at:%Y%m%d%H%M}",
                )
            count += 1
    return count


def commitments_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell owners, once, about commitments due by tomorrow on their own calendar."""
    now = now or timezone.now()
    # Owners' calendars run up to a day ahead of UTC; each owner's own date decides below.
    due = Commitment.objects.select_related("owner", "relationship__program").filter(
        done_at__isnull=True,
        reminder_sent_at__isnull=True,
        relationship__status=Relationship.Status.ACTIVE,
        due_on__lte=now.date() + datetime.timedelta(days=2),
    )
    count = 0
    for commitment in due:
        organization_id = commitment.relationship.program.organization_id
        today = local_now(commitment.owner, organization_id=organization_id, now=now).date()
        if commitment.due_on > today + datetime.timedelta(days=1):
            continue
        if Commitment.objects.filter(pk=commitment.pk, reminder_sent_at__isnull=True).update(
            reminder_sent_at=now
        ):
            notify(
                user=commitment.owner,
                kind="commitment_due",
                title=f"{_due_label(commitment, today)}: {commitment.text}",
                url=reverse("relationships:detail", args=[commitment.relationship_id]),
                dedupe_key=f"commitment-due-{commitment.pk}",
            )
            count += 1
    return count


def _due_label(commitment: Commitment, today: datetime.date) -> str:
    if commitment.due_on > today:
        return "Due tomorrow"
    if commitment.due_on == today:
        return "Due today"
    return f"Overdue (was due {local_date(commitment.owner, commitment.due_on)})"


def checkins_remind(*, now: datetime.datetime | None = None) -> int:
    """Ask each person in an active relationship for a check-in when one is due."""
    now = now or timezone.now()
    active = Relationship.objects.select_related("program", "mentor__user", "mentee__user").filter(
        status=Relationship.Status.ACTIVE
    )
    count = 0
    for relationship in active:
        for enrollment in (relationship.mentor, relationship.mentee):
            if not checkin_due(relationship, enrollment.user, now=now):
                continue
            period = (now - relationship.started_at).days // (  # type: ignore[operator]
                7 * relationship.program.checkin_interval_weeks
            )
            sent = notify(
                user=enrollment.user,
                kind="checkin_due",
                title="Two questions, thirty seconds: how is it going?",
                body="Your answers are private: only you will see them.",
                url=reverse("relationships:checkin", args=[relationship.pk]),
                dedupe_key=f"checkin-{relationship.pk}-{period}",
            )
            count += sent is not None
    return count

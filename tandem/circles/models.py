"""A circle: a small group that meets on a rhythm, each session with one or two hot seats."""

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.core.models import TimeStampedModel
from tandem.programs.models import Enrollment, MeetingMode, Program
from tandem.relationships.models import MEETING_EARLIEST, MEETING_LATEST


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class Rhythm(models.Model):
    """When a circle meets: every N weeks on a weekday, at a local time, for so long.

    The circle holds the rhythm it keeps; each agreement version holds the rhythm it
    proposes, which becomes the circle's once every member has signed it.
    """

    cadence_weeks = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="Meet every this many weeks.",
    )
    # None until the members settle on a day and a time.
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, null=True, blank=True)
    local_time = models.TimeField(null=True, blank=True)
    # An IANA zone name; validated against tandem.accounts.time_zones where people type it.
    time_zone = models.CharField(max_length=64, default="UTC")
    session_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(30), MaxValueValidator(240)]
    )
    hot_seats_per_session = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2)],
        help_text="How many members take the hot seat in each session.",
    )

    RHYTHM_FIELDS = (
        "cadence_weeks",
        "weekday",
        "local_time",
        "time_zone",
        "session_minutes",
        "hot_seats_per_session",
    )

    class Meta:
        abstract = True

    @property
    def has_meeting_time(self) -> bool:
        return self.weekday is not None and self.local_time is not None


def _rhythm_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(cadence_weeks__gte=1, cadence_weeks__lte=4),
            name=f"{prefix}_cadence_weeks_range",
        ),
        models.CheckConstraint(
            condition=models.Q(weekday__isnull=True) | models.Q(weekday__gte=0, weekday__lte=6),
            name=f"{prefix}_weekday_range",
        ),
        models.CheckConstraint(
            condition=models.Q(session_minutes__gte=30, session_minutes__lte=240),
            name=f"{prefix}_session_minutes_range",
        ),
        models.CheckConstraint(
            condition=models.Q(hot_seats_per_session__gte=1, hot_seats_per_session__lte=2),
            name=f"{prefix}_hot_seats_one_or_two",
        ),
    ]


class Circle(TimeStampedModel, Rhythm):
    """A group of members of one program who meet on a rhythm and take turns on the hot seat."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Forming"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    class Origin(models.TextChoices):
        ROUND = "round", "Matching round"
        SELF_FORMED = "self_formed", "Formed by its members"

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", "We did what we came together for"
        NOT_WORKING = "not_working", "It was not working"
        TOO_FEW = "too_few", "Too few members were left"
        INACTIVE = "inactive", "It went quiet"
        ENDED_BY_ADMIN = "ended_by_admin", "Ended by the program"
        OTHER = "other", "Something else"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(max_length=80)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PROPOSED)
    origin = models.CharField(max_length=12, choices=Origin.choices)
    # Who created it: the member who formed it, or the admin who published the round.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A self-formed circle starts only once an admin of its program has approved it; a
    # round's circles are approved when the admin publishes the round.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The engine's fit (0..1) for a round's circle; None for a self-formed one.
    fit = models.FloatField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            *_rhythm_constraints("circle"),
            models.CheckConstraint(
                condition=~models.Q(state="closed") | models.Q(closed_at__isnull=False),
                name="circle_closed_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["program", "state", "created_at"], name="circle_program_state"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state != self.State.CLOSED


class CircleMembership(TimeStampedModel):
    """One person's place in one circle, from proposal or join request to leaving."""

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed, waiting for an answer"
        REQUESTED = "requested", "Asked to join, waiting for the program"
        ACCEPTED = "accepted", "Accepted, waiting for the circle to start"
        DECLINED = "declined", "Declined"
        ACTIVE = "active", "Member"
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed"

    # Memberships in these states hold a place, in the circle and in the person's count of
    # circles (tandem.policy.eligibility): at most one such per person per circle.
    LIVE = (State.PROPOSED, State.REQUESTED, State.ACCEPTED, State.ACTIVE)
    # The people in the circle, or about to start it with the others.
    IN_CIRCLE = (State.ACCEPTED, State.ACTIVE)

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="memberships")
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="circle_memberships"
    )
    state = models.CharField(max_length=10, choices=State.choices)
    # Why this circle suits them, from the grouping engine: [{"component": …, "text": …}, …].
    reasons = models.JSONField(default=list, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # Words to the circle on leaving, shown to its members.
    leave_note = models.TextField(blank=True)
    # Who removed them, when an admin did.
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["circle", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["circle", "enrollment"],
                condition=models.Q(state__in=["proposed", "requested", "accepted", "active"]),
                name="circle_membership_one_live_per_person",
            ),
        ]
        indexes = [
            models.Index(fields=["enrollment", "state"], name="circle_membership_person"),
            models.Index(fields=["circle", "state"], name="circle_membership_circle"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.user} in {self.circle}"

    @property
    def is_live(self) -> bool:
        return self.state in self.LIVE

    @property
    def reasons_why(self) -> list[dict[str, Any]]:
        """The reasons this circle suits the person, without what is merely worth knowing."""
        return [r for r in self.reasons if not r.get("note")]

    @property
    def reasons_worth_knowing(self) -> list[dict[str, Any]]:
        """What is worth knowing about the circle but no reason for it (no common hour yet)."""
        return [r for r in self.reasons if r.get("note")]


class CircleAgreement(TimeStampedModel, Rhythm):
    """One version of what a circle agreed; a version every member signed never changes."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    purpose = models.TextField(help_text="What the circle is for, in the members' words.")
    confidentiality = models.TextField(
        help_text="What is said in the circle stays in the circle, and what that means here."
    )
    attendance = models.TextField(
        help_text="Coming to sessions, saying in advance when one cannot, and what happens then."
    )
    hot_seat = models.TextField(help_text="How the hot seat works: turns, swaps, time.")
    topics_welcome = models.TextField(blank=True)
    topics_off_limits = models.TextField(blank=True)
    channels = models.JSONField(default=list, blank=True)
    accountability = models.TextField(
        blank=True, help_text="How commitments are made and followed up at the next session."
    )
    derailers = models.TextField(blank=True)
    review_on = models.DateField()
    exit_clause = models.TextField(help_text="How a member leaves gracefully.")
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    # The fields members write; used for editing, copying and showing changes.
    TERMS = (
        "purpose",
        "confidentiality",
        "attendance",
        "hot_seat",
        *Rhythm.RHYTHM_FIELDS,
        "topics_welcome",
        "topics_off_limits",
        "channels",
        "accountability",
        "derailers",
        "review_on",
        "exit_clause",
    )

    class Meta:
        ordering = ["circle", "-version"]
        constraints = [
            *_rhythm_constraints("circle_agreement"),
            models.UniqueConstraint(
                fields=["circle", "version"], name="circle_agreement_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} of {self.circle}"

    @property
    def channel_labels(self) -> list[str]:
        return [MeetingMode(c).label for c in self.channels if c in MeetingMode.values]


class CircleSignature(models.Model):
    """One member's signature on one agreement version."""

    agreement = models.ForeignKey(
        CircleAgreement, on_delete=models.CASCADE, related_name="signatures"
    )
    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="signatures"
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "membership"], name="circle_signature_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.membership} signed {self.agreement}"


class CircleSession(TimeStampedModel):
    """One meeting of the circle, numbered from 1 in the order they are planned."""

    class State(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="sessions")
    number = models.PositiveIntegerField()
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(30), MaxValueValidator(240)]
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    notes = models.TextField(blank=True, help_text="Shared notes: every member can edit them.")
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["circle", "number"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "number"], name="circle_session_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="circle_session_from_1"),
            models.CheckConstraint(
                condition=models.Q(starts_at__gte=MEETING_EARLIEST, starts_at__lt=MEETING_LATEST),
                name="circle_session_in_calendar_range",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=30, duration_minutes__lte=240),
                name="circle_session_duration_range",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "starts_at"], name="circle_session_due"),
            models.Index(fields=["circle", "starts_at"], name="circle_session_circle_time"),
        ]

    def __str__(self) -> str:
        return f"Session {self.number} of {self.circle}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class SessionAbsence(models.Model):
    """A member's word that they will miss a session; the rotation skips them."""

    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="absences")
    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="absences"
    )
    note = models.CharField(max_length=300, blank=True)
    # True when said before the session started.
    in_advance = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="session_absence_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} away from {self.session}"


class HotSeat(models.Model):
    """A member on the hot seat in one session, chosen by the rotation or by a swap."""

    class Source(models.TextChoices):
        ROTATION = "rotation", "By the rotation"
        SWAP = "swap", "Swapped in"

    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="hot_seats")
    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="hot_seats"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ROTATION)
    # For a swap, the member whose seat this was.
    swapped_with = models.ForeignKey(
        CircleMembership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["session", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "membership"], name="hot_seat_once"),
        ]

    def __str__(self) -> str:
        return f"{self.membership} on the hot seat in {self.session}"


class HotSeatSwap(TimeStampedModel):
    """A hot seat offered to another member (or to any), who takes it by accepting."""

    class State(models.TextChoices):
        OFFERED = "offered", "Offered"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"
        # The seat moved (the rotation re-ran, or the session was cancelled) first.
        LAPSED = "lapsed", "Lapsed"

    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="swaps")
    giver = models.ForeignKey(CircleMembership, on_delete=models.CASCADE, related_name="+")
    # None for an offer to any member who may take the seat.
    taker = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.OFFERED)
    # Who accepted an open offer.
    accepted_by = models.ForeignKey(
        CircleMembership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "giver"],
                condition=models.Q(state="offered"),
                name="hot_seat_swap_one_offer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} offers the hot seat in {self.session}"


class CircleQuestion(TimeStampedModel):
    """Something a member wants to bring to a session; the hot seats' questions come first."""

    session = models.ForeignKey(CircleSession, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(CircleMembership, on_delete=models.CASCADE, related_name="questions")
    text = models.TextField()

    class Meta:
        # The queue's order (hot seats first) depends on the session's seats: the
        # selector that reads the queue orders it. Within a group, oldest first.
        ordering = ["session", "created_at", "pk"]
        indexes = [models.Index(fields=["session", "created_at"], name="circle_question_queue")]

    def __str__(self) -> str:
        return self.text[:60]


class CircleCommitment(TimeStampedModel):
    """ "By next session I will…": visible to the circle, followed up at the session due."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_DONE = "not_done", "Not done"
        # Followed up as still to do: a new commitment with the same words is due next.
        CARRIED = "carried", "Carried over"

    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="commitments"
    )
    made_at = models.ForeignKey(
        CircleSession, on_delete=models.CASCADE, related_name="commitments_made"
    )
    # The session where it is followed up; None until the next session is planned.
    due_session = models.ForeignKey(
        CircleSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="commitments_due",
    )
    text = models.CharField(max_length=300)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    follow_up_note = models.TextField(blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["made_at", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(due_session=models.F("made_at")),
                name="circle_commitment_due_later",
            ),
        ]
        indexes = [models.Index(fields=["due_session", "state"], name="circle_commitment_due")]

    def __str__(self) -> str:
        return self.text


class CircleCheckIn(models.Model):
    """A member's short private pulse about the circle; only its author ever reads it.

    Admins see aggregates over at least five check-ins, never one.
    """

    membership = models.ForeignKey(
        CircleMembership, on_delete=models.CASCADE, related_name="checkins"
    )
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How is the circle going for you? 1 (not well) to 5 (very well).",
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="circle_checkin_scale"
            ),
        ]
        indexes = [models.Index(fields=["membership", "created_at"], name="circle_checkin_own")]

    def __str__(self) -> str:
        return f"Check-in by {self.membership_id} on {self.created_at:%Y-%m-%d}"

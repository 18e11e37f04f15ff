"""A relationship from first request to graceful ending, and everything the pair keeps."""

import datetime
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.core.models import TimeStampedModel
from tandem.core.submissions import submission_key_column
from tandem.programs.models import Cadence, Enrollment, MeetingMode, Program, Topic


class MentorshipRequest(TimeStampedModel):
    """A mentee's personal request to one mentor, for one focus."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for an answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Not this time"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "No answer in time"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="sent_requests")
    mentor = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="received_requests"
    )
    focus = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    reply = models.TextField(blank=True, help_text="The mentor's words to the mentee.")
    expires_at = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The board question whose answers led to this request, if any; the mentor sees it.
    origin_question = models.ForeignKey(
        "board.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=models.Q(status="pending"),
                name="request_one_pending_per_pair",
            ),
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="request_not_to_self"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["program", "status", "expires_at"], name="request_program_status"),
        ]

    def __str__(self) -> str:
        return f"Request from {self.mentee.user} to {self.mentor.user}"


class Relationship(TimeStampedModel):
    """Two people working on one focus: mentor and mentee, or two peers."""

    class Status(models.TextChoices):
        AGREEING = "agreeing", "Writing the agreement"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        CLOSED = "closed", "Closed"

    class Origin(models.TextChoices):
        REQUEST = "request", "Request"
        PROPOSAL = "proposal", "Matching round"
        ADMIN = "admin", "Set up by an admin"
        INTERVIEW = "interview", "Informational interview"

    class CloseReason(models.TextChoices):
        COMPLETED = "completed", "We reached what we set out to do"
        NOT_A_FIT = "not_a_fit", "It was not a fit"
        INACTIVE = "inactive", "It went quiet"
        ENDED_BY_ADMIN = "ended_by_admin", "Ended by the program"
        OTHER = "other", "Something else"

    # Relationships in these states hold one of the mentor's places.
    HOLDS_CAPACITY = (Status.AGREEING, Status.ACTIVE, Status.PAUSED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="relationships")
    # In a peer relationship both take part as peers; "mentor" is simply the first peer.
    mentor = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="relationships_as_mentor"
    )
    mentee = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="relationships_as_mentee"
    )
    focus = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    # Peers each bring a focus: ``focus`` is what the first peer ("mentee") wants help
    # with, ``peer_focus`` what the other peer ("mentor") wants.
    peer_focus = models.ForeignKey(
        Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.AGREEING)
    started_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_until = models.DateField(null=True, blank=True)
    # Days spent in earlier pauses, which the agreed rhythm does not count.
    paused_days = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The start of the latest held meeting, kept by relationships_last_met_refresh.
    last_met_at = models.DateTimeField(null=True, blank=True, editable=False)
    close_reason = models.CharField(max_length=16, choices=CloseReason.choices, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The state only: why a relationship closed stays with the people who closed it.
    history = HistoricalRecords(excluded_fields=["close_reason", "last_met_at"])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mentor=models.F("mentee")), name="relationship_two_people"
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee", "focus"],
                condition=models.Q(status__in=["agreeing", "active", "paused"]),
                name="relationship_one_open_per_pair_and_focus",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "paused_at"]),
            # A program's pairs by state and age: the stalled list and the admin's home.
            models.Index(fields=["program", "status", "created_at"], name="rel_program_status"),
            models.Index(fields=["program", "status", "last_met_at"], name="rel_program_last_met"),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.user} & {self.mentee.user}: {self.focus}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def is_peer(self) -> bool:
        return self.program.format == Program.Format.PEER

    @property
    def focus_label(self) -> str:
        """Name what the pair works on: one focus, or each peer's own."""
        if self.peer_focus_id and self.peer_focus_id != self.focus_id:
            return f"{self.focus} and {self.peer_focus}"
        return str(self.focus)

    def participant_ids(self) -> tuple[int, int]:
        return (self.mentor.user_id, self.mentee.user_id)

    def partner_of(self, user_id: int) -> Enrollment:
        return self.mentee if self.mentor.user_id == user_id else self.mentor

    def role_of(self, user_id: int) -> str:
        if self.is_peer:
            return "peer"
        return "mentor" if self.mentor.user_id == user_id else "mentee"

    def checkin_due_at(self, last_checkin_at: datetime.datetime | None) -> datetime.datetime | None:
        """Return when a person owes a check-in: the program's interval after their last one.

        The interval counts from the start when they have not checked in yet; only an
        active relationship asks for check-ins.
        """
        if self.status != self.Status.ACTIVE or self.started_at is None:
            return None
        interval = datetime.timedelta(weeks=self.program.checkin_interval_weeks)
        return (last_checkin_at or self.started_at) + interval


class Agreement(TimeStampedModel):
    """One version of what the pair agreed; a signed version never changes."""

    class Setting(models.TextChoices):
        OFFICE_HOURS = "office_hours", "During office hours"
        SOCIAL = "social", "Socially, outside work"
        EITHER = "either", "Either"

    class Introductions(models.TextChoices):
        NOW = "now", "Happy to make introductions now"
        LATER = "later", "Maybe later, once we know each other"
        NO = "no", "Not part of this relationship"

    class PersonalSharing(models.TextChoices):
        WORK_ONLY = "work_only", "Work only"
        SOME = "some", "Some personal life where it helps"
        OPEN = "open", "Open to talking about life as a whole"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="agreements"
    )
    version = models.PositiveSmallIntegerField()
    goals = models.TextField()
    topics_welcome = models.TextField(blank=True)
    topics_off_limits = models.TextField(blank=True)
    setting = models.CharField(max_length=14, choices=Setting.choices, default=Setting.EITHER)
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    meeting_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    channels = models.JSONField(default=list)
    texting_ok = models.BooleanField(default=False)
    response_time = models.CharField(max_length=120, blank=True)
    introductions = models.CharField(
        max_length=6, choices=Introductions.choices, default=Introductions.LATER
    )
    personal_sharing = models.CharField(
        max_length=10, choices=PersonalSharing.choices, default=PersonalSharing.SOME
    )
    confidentiality = models.TextField(blank=True)
    accountability = models.TextField(blank=True)
    derailers = models.TextField(blank=True)
    review_on = models.DateField()
    exit_clause = models.TextField()
    mentor_signed_at = models.DateTimeField(null=True, blank=True)
    mentee_signed_at = models.DateTimeField(null=True, blank=True)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    # The fields both people write; used for editing, copying and showing changes.
    TERMS = (
        "goals",
        "topics_welcome",
        "topics_off_limits",
        "setting",
        "cadence",
        "meeting_minutes",
        "channels",
        "texting_ok",
        "response_time",
        "introductions",
        "personal_sharing",
        "confidentiality",
        "accountability",
        "derailers",
        "review_on",
        "exit_clause",
    )

    class Meta:
        ordering = ["relationship", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "version"], name="agreement_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} of {self.relationship}"

    @property
    def is_signed(self) -> bool:
        return self.mentor_signed_at is not None and self.mentee_signed_at is not None

    @property
    def channel_labels(self) -> list[str]:
        return [MeetingMode(c).label for c in self.channels if c in MeetingMode.values]


# Every stored meeting lies between these, so that it shows in any time zone, in a calendar
# file and in an export. Services keep new meetings much closer (rhythm.MEETING_HORIZON).
MEETING_EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
MEETING_LATEST = datetime.datetime(2200, 1, 1, tzinfo=datetime.UTC)


class Meeting(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="meetings"
    )
    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(
        default=45, validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    mode = models.CharField(max_length=10, choices=MeetingMode.choices, default=MeetingMode.VIDEO)
    agenda = models.TextField(blank=True)
    notes = models.TextField(blank=True, help_text="Shared notes: both of you can edit them.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    submission_key = submission_key_column()

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            # A pair's last meeting held, read for every active pair by the stalled list.
            models.Index(fields=["relationship", "status", "starts_at"], name="meeting_pair_held"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "submission_key"], name="meeting_submitted_once"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__gte=MEETING_EARLIEST, starts_at__lt=MEETING_LATEST),
                name="meeting_starts_in_calendar_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Meeting on {self.starts_at:%Y-%m-%d}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)


class Commitment(TimeStampedModel):
    """ "I will do X by then", visible to both, followed up at the next meeting."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="commitments"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.CharField(max_length=300)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    submission_key = submission_key_column()

    class Meta:
        ordering = ["done_at", "due_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "submission_key"], name="commitment_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return self.text

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_at is None and self.due_on < today


class CheckIn(models.Model):
    """A short private pulse from one person; only its author ever reads it."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="checkins"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    going = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="How is it going? 1 (not well) to 5 (very well).",
    )
    meeting_goals = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Is it helping with the goals? 1 (not at all) to 5 (very much).",
    )
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    LOW = 2

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    going__gte=1, going__lte=5, meeting_goals__gte=1, meeting_goals__lte=5
                ),
                name="checkin_scale",
            )
        ]

    def __str__(self) -> str:
        return f"Check-in by {self.author_id} on {self.created_at:%Y-%m-%d}"

    @property
    def is_low(self) -> bool:
        return min(self.going, self.meeting_goals) <= self.LOW


class JournalEntry(TimeStampedModel):
    """A private reflection: its author is the only person who can ever read it."""

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="journal_entries"
    )
    relationship = models.ForeignKey(
        Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enrollment = models.ForeignKey(
        Enrollment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The program goal this reflection is about.",
    )
    title = models.CharField(max_length=140, blank=True)
    body = models.TextField()
    submission_key = submission_key_column()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "journal entries"
        constraints = [
            models.UniqueConstraint(
                fields=["author", "submission_key"], name="journal_entry_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return self.title or f"Entry of {self.created_at:%Y-%m-%d}"


def _concern_history_user(request: Any = None, instance: Any = None, **kwargs: Any) -> Any:
    # The history names the admins who handle a concern, never the person who raised it.
    user = getattr(request, "user", None)
    if user is None or instance is None or user.pk == instance.reporter_id:
        return None
    return user


class Concern(TimeStampedModel):
    """A confidential concern raised with the program admins about a relationship."""

    class Status(models.TextChoices):
        OPEN = "open", "Received"
        IN_REVIEW = "in_review", "Being looked at"
        RESOLVED = "resolved", "Resolved"

    class Kind(models.TextChoices):
        GENERAL = "general", "A concern about the relationship"
        BEYOND_SCOPE = "beyond_scope", "The work went beyond the agreed scope"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="concerns"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="concerns_raised"
    )
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(blank=True, help_text="What the admins tell the reporter.")
    reporter_named_to_partner = models.BooleanField(
        default=False, help_text="Only an admin decides to tell the partner who raised it."
    )
    submission_key = submission_key_column()
    # Status and handling only: what was raised, by whom, and the answer stay confidential.
    history = HistoricalRecords(
        excluded_fields=["body", "response", "reporter", "submission_key"],
        get_user=_concern_history_user,
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "submission_key"], name="concern_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return f"Concern about {self.relationship}"


class Reflection(TimeStampedModel):
    """What a mentee takes from a relationship that was not a fit, to shape the next match."""

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="reflection"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    keep = models.TextField(blank=True, help_text="What worked and should stay.")
    different = models.TextField(help_text="What should be different next time.")
    my_part = models.TextField(blank=True, help_text="What I could do differently myself.")
    share_with_next = models.BooleanField(
        default=False, help_text="Let my next mentor read this reflection."
    )

    def __str__(self) -> str:
        return f"Reflection on {self.relationship}"


class MatchExclusion(models.Model):
    """A pair the matching engine must never propose again."""

    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=40)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="match_exclusion_unique")
        ]

    def __str__(self) -> str:
        return f"Never match {self.mentee_id} with {self.mentor_id}"


class Proposal(TimeStampedModel):
    """A match proposed by a matching round; nothing starts until both people accept."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for both answers"
        ACCEPTED = "accepted", "Accepted by both"
        DECLINED = "declined", "Not going ahead"
        EXPIRED = "expired", "No answer in time"

    class Answer(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="proposals")
    # In a peer proposal both are peers; "mentor" is simply the first of the two.
    mentor = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="proposals_as_mentor"
    )
    mentee = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="proposals_as_mentee"
    )
    focus = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    # In a peer proposal, what the second peer ("mentor") wants help with.
    peer_focus = models.ForeignKey(
        Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, help_text="Plain-words reasons for the match.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    expires_at = models.DateTimeField()
    mentor_answer = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    mentee_answer = models.CharField(max_length=3, choices=Answer.choices, blank=True)
    # Each side's reason for declining is private to that side.
    mentor_decline_reason = models.TextField(blank=True)
    mentee_decline_reason = models.TextField(blank=True)
    relationship = models.OneToOneField(
        Relationship, on_delete=models.SET_NULL, null=True, blank=True, related_name="proposal"
    )
    # Answers and status only: each side's reason for declining is private to that side.
    history = HistoricalRecords(
        excluded_fields=["mentor_decline_reason", "mentee_decline_reason", "reasons", "score"]
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("mentor")), name="proposal_two_people"
            ),
            models.UniqueConstraint(
                fields=["mentor", "mentee"],
                condition=models.Q(status="pending"),
                name="proposal_one_pending_per_pair",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(
                fields=["program", "status", "created_at"], name="proposal_program_status"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal: {self.mentor.user} & {self.mentee.user}"

    @property
    def focus_label(self) -> str:
        if self.peer_focus_id and self.peer_focus_id != self.focus_id:
            return f"{self.focus} and {self.peer_focus}"
        return str(self.focus)

    def side_of(self, user_id: int) -> str:
        return "mentor" if self.mentor.user_id == user_id else "mentee"


def _feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret address at which a person's calendar app reads their meetings."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

"""Informational interviews: one conversation of 30 or 45 minutes on a named topic.

Someone who offers them says how many a month. A request beyond that number is declined
for them, at once, with a kind note naming the day the next month's conversations open:
nobody waits in a queue they cannot see, and the generous person is not asked again.
After the conversation both say, privately, whether they would like to continue; only two
yeses propose a mentoring relationship.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tandem.core.models import TimeStampedModel
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import Relationship

MAX_PER_MONTH = 20


class InterviewOffer(TimeStampedModel):
    """One person's "I offer informational interviews" in one program, with a monthly limit."""

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="interview_offer"
    )
    is_offering = models.BooleanField(default=False)
    per_month = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_MONTH)]
    )
    about = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(per_month__gte=1, per_month__lte=MAX_PER_MONTH),
                name="interview_offer_per_month_range",
            )
        ]

    def __str__(self) -> str:
        return f"Interviews offered by {self.enrollment}"


class Interview(TimeStampedModel):
    """One person's request to another for one conversation, and what became of it."""

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for an answer"
        PROPOSED = "proposed", "Times proposed"
        SCHEDULED = "scheduled", "Time agreed"
        DECLINED = "declined", "Not this time"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class Outcome(models.TextChoices):
        OPEN = "", "Not decided"
        RELATIONSHIP = "relationship", "Mentoring proposed"
        ENDED = "ended", "Ended after the conversation"

    class Minutes(models.IntegerChoices):
        SHORT = 30, "30 minutes"
        LONG = 45, "45 minutes"

    OPEN_STATUSES = (Status.ASKED, Status.PROPOSED, Status.SCHEDULED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="interviews")
    asker = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="interviews_asked")
    host = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="interviews_hosted")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    message = models.TextField()
    minutes = models.PositiveSmallIntegerField(choices=Minutes.choices, default=Minutes.SHORT)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    # The host's words when declining, or the kind note when the monthly limit declined.
    reply = models.TextField(blank=True)
    declined_for_limit = models.BooleanField(default=False)
    answered_at = models.DateTimeField(null=True, blank=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    followup_sent_at = models.DateTimeField(null=True, blank=True)
    # Each person's private answer to "would you like to continue?"; None: not answered.
    asker_continues = models.BooleanField(null=True, blank=True)
    host_continues = models.BooleanField(null=True, blank=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True, default="")
    relationship = models.ForeignKey(
        Relationship,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="origin_interviews",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(asker=models.F("host")), name="interview_two_people"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__in=[30, 45]), name="interview_minutes_30_or_45"
            ),
        ]
        indexes = [
            models.Index(fields=["host", "created_at"], name="interview_host_month"),
            models.Index(fields=["status", "starts_at"], name="interview_status_start"),
        ]

    def __str__(self) -> str:
        return f"Interview: {self.asker.user} with {self.host.user} on {self.topic}"

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    @property
    def has_happened(self) -> bool:
        """Return whether the agreed conversation's time is over."""
        ends = self.ends_at
        return self.status == self.Status.SCHEDULED and ends is not None and ends <= timezone.now()

    @property
    def stage_display(self) -> str:
        """Return where it stands in words: a conversation whose time is over was held."""
        if self.has_happened:
            return self.get_outcome_display() if self.outcome else "Held"
        return self.get_status_display()

    def side_of(self, user_id: int) -> str:
        return "host" if self.host.user_id == user_id else "asker"

    def other_of(self, user_id: int) -> Enrollment:
        return self.asker if self.host.user_id == user_id else self.host


class InterviewTime(models.Model):
    """A time the host proposes; the asker picks one."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "starts_at"], name="interview_time_once_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}"


class InterviewNote(TimeStampedModel):
    """One person's private notes on an interview, shared only if both continue and they say so."""

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField()
    share_if_continuing = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interview", "author"], name="interview_note_one_each")
        ]

    def __str__(self) -> str:
        return f"Note on interview {self.interview_id}"

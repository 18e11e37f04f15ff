"""Coaching engagements: a coach guiding one client through agreed work, for agreed hours.

An engagement rides on a relationship of a coaching program (the coach is its "mentor",
the client its "mentee"), so requests, rounds, the agreement, meetings, concerns, ending and
rematching work as they do for mentoring. What coaching adds lives here: the coach's
profile, the contract's numbers (sessions or hours, dates, who pays), objectives agreed at
the start and rated by the client as the work goes on, assignments between sessions, the
coach's private session notes and the closing review.

A sponsor (a manager or someone in HR) sees progress in aggregate only: hours used,
sessions held, how the objectives are rated. Never a note, an assignment's text or a
session's content.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tandem.core.models import TimeStampedModel
from tandem.core.submissions import submission_key_column
from tandem.programs.models import Enrollment
from tandem.relationships.models import Meeting, Relationship

# Bounds of a contract: one session is the least work worth contracting, and an
# engagement longer than this is a retainer, not an engagement.
SESSIONS_MOST = 50
HOURS_MOST = Decimal("200")
ENGAGEMENT_LONGEST = datetime.timedelta(days=2 * 365)
OBJECTIVES_MOST = 6
# Progress on an objective, as the client rates it: 0 (not started) to 10 (achieved).
PROGRESS_MOST = 10


class CoachProfile(TimeStampedModel):
    """What a coach offers in one program, beyond the topics of their enrollment."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal coach"
        EXTERNAL = "external", "External coach, contracted"

    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="coach_profile"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.INTERNAL)
    credentials = models.TextField(
        blank=True, help_text="Certifications and training, e.g. “ICF PCC (2019)”."
    )
    approach = models.TextField(blank=True, help_text="How you work with a client.")
    # External coaches name a rate; internal coaches give the program's allocation.
    hourly_rate = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, blank=True, help_text="ISO code, e.g. EUR.")
    hours_per_client = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(HOURS_MOST)],
        help_text="Hours each client may use, when the program allocates them.",
    )
    availability = models.CharField(
        max_length=200, blank=True, help_text="When you usually coach, e.g. “Tue and Thu mornings”."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate__isnull=True) | models.Q(hourly_rate__gte=0),
                name="coach_rate_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"Coach profile of {self.enrollment}"


class Engagement(TimeStampedModel):
    """The contract of one coaching relationship: objectives, scope, hours, dates, payer.

    The firm agreement of the relationship holds the scope (welcome and out-of-scope topics),
    the client's accountability wish and the signatures; both sign once the numbers here and
    at least one objective are written down.
    """

    class Payer(models.TextChoices):
        ORGANIZATION = "organization", "The organization (a sponsor's budget)"
        PROGRAM = "program", "The program's coaching allocation"
        CLIENT = "client", "The client"

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, related_name="engagement"
    )
    sessions_contracted = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(SESSIONS_MOST)]
    )
    hours_contracted = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=Decimal("6"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(HOURS_MOST)],
    )
    starts_on = models.DateField()
    ends_on = models.DateField()
    paid_by = models.CharField(max_length=12, choices=Payer.choices, default=Payer.PROGRAM)
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sponsored_engagements",
        help_text="A manager or someone in HR who sees progress in aggregate, never notes.",
    )
    budget_code = models.CharField(max_length=40, blank=True)
    # The closing review: the client's summary, written once the work ends.
    closing_summary = models.TextField(blank=True)
    closing_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="engagement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    sessions_contracted__gte=1, sessions_contracted__lte=SESSIONS_MOST
                ),
                name="engagement_sessions_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    hours_contracted__gte=Decimal("0.5"), hours_contracted__lte=HOURS_MOST
                ),
                name="engagement_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Engagement of {self.relationship}"


class Objective(TimeStampedModel):
    """A specific, measurable objective agreed at the start of an engagement."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=200, help_text="What the client wants to achieve.")
    measure = models.CharField(max_length=200, help_text="How both of you will know it happened.")
    # Written in the closing review: what actually happened.
    outcome = models.TextField(blank=True)

    class Meta:
        ordering = ["engagement", "position", "id"]

    def __str__(self) -> str:
        return self.text


class ObjectiveRating(models.Model):
    """The client's rating of progress on one objective, at one session or at the end."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="ratings")
    # The session it was rated at; None for the closing rating.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(0), MaxValueValidator(PROGRESS_MOST)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["objective", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=PROGRESS_MOST), name="objective_progress_scale"
            ),
            models.UniqueConstraint(
                fields=["objective", "meeting"], name="objective_rated_once_per_session"
            ),
            models.UniqueConstraint(
                fields=["objective"],
                condition=models.Q(meeting__isnull=True),
                name="objective_rated_once_at_end",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.progress}/{PROGRESS_MOST} on {self.objective}"


class Assignment(TimeStampedModel):
    """Work the coach sets the client between sessions; both see it, the client reports."""

    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="assignments")
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The session at which it was set.",
    )
    text = models.CharField(max_length=300)
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    client_note = models.TextField(blank=True, help_text="What the client tells the coach.")
    submission_key = submission_key_column()

    class Meta:
        ordering = ["done_at", "due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "submission_key"], name="assignment_submitted_once"
            )
        ]

    def __str__(self) -> str:
        return self.text


class SessionNote(TimeStampedModel):
    """A private note on one session: its author is the only person who can read it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_notes"
    )
    body = models.TextField()

    class Meta:
        ordering = ["meeting", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="session_note_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"Session note of {self.author_id}"

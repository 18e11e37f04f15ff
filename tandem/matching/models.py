"""Matching rounds: parameters, progress, and the pairs an admin reviews before publishing."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from tandem.core.models import TimeStampedModel
from tandem.programs.models import Enrollment, Program, Topic
from tandem.relationships.models import Proposal


class MatchingRound(TimeStampedModel):
    class Solver(models.TextChoices):
        OPTIMAL = "optimal", "Best total fit"
        STABLE = "stable", "Stable: no two people would both rather be together"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        RUNNING = "running", "Running"
        READY = "ready", "Ready for review"
        PUBLISHING = "publishing", "Publishing"
        PUBLISHED = "published", "Published"
        CANCELLED = "cancelled", "Cancelled"
        FAILED = "failed", "Failed"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="rounds")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    name = models.CharField(max_length=120)
    solver = models.CharField(max_length=10, choices=Solver.choices, default=Solver.OPTIMAL)
    participation_first = models.BooleanField(
        default=True, help_text="Match as many people as possible first, then the best fit."
    )
    weights = models.JSONField(default=dict)
    rules = models.JSONField(default=dict)
    seed = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_note = models.CharField(max_length=200, blank=True)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Settings and status changes only: the report and progress are outputs of a run.
    history = HistoricalRecords(excluded_fields=["progress", "progress_note", "report", "error"])

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.READY, self.Status.FAILED)


class RoundPair(models.Model):
    """One proposed pair in a round, with its score, its parts and its reasons."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="pairs")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    focus = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="+")
    # Peers each bring a focus; this one is what the second peer ("mentor") wants.
    peer_focus = models.ForeignKey(
        Topic, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    score = models.FloatField()
    components = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    locked = models.BooleanField(
        default=False, help_text="Kept as it is when the round runs again."
    )
    # The proposal this pair became when the round was published: set chunk by chunk, so a
    # publishing that stopped mid-way sends only the pairs still without one.
    proposal = models.ForeignKey(
        Proposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["round", "mentee", "mentor"], name="round_pair_once")
        ]
        # The review page's default order, best fit first, and its pages deep into a round.
        indexes = [models.Index(fields=["round", "-score", "id"], name="round_pair_by_score")]

    def __str__(self) -> str:
        return f"{self.mentee.user} with {self.mentor.user}"

    @property
    def sent(self) -> bool:
        return self.proposal_id is not None

    @property
    def focus_label(self) -> str:
        if self.peer_focus_id and self.peer_focus_id != self.focus_id:
            return f"{self.focus} and {self.peer_focus}"
        return str(self.focus)


class RoundCircle(models.Model):
    """One proposed circle in a circles round, with its fit and the hours that suit everyone."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(max_length=80)
    fit = models.FloatField()
    # Hours of the week in UTC (0 is Monday 00:00) free for every member.
    common_hours = models.JSONField(default=list)
    locked = models.BooleanField(
        default=False, help_text="Kept exactly as it is when the round runs again."
    )

    class Meta:
        ordering = ["-fit", "id"]

    def __str__(self) -> str:
        return self.name


class RoundCircleMember(models.Model):
    """Someone in a proposed circle, and why this circle suits them."""

    round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="+")
    circle = models.ForeignKey(RoundCircle, on_delete=models.CASCADE, related_name="members")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    # [{"component": …, "text": …}, …], most telling first.
    reasons = models.JSONField(default=list)
    pinned = models.BooleanField(
        default=False, help_text="Placed by an admin: stays in this circle when the round runs."
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "enrollment"], name="round_circle_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.enrollment} in {self.circle}"

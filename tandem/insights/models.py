"""What the insights pages record: nudges to stalled pairs, words mentees shared, and the
figures the insights pages show as last computed."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from tandem.accounts.models import Organization
from tandem.programs.models import Program


class Nudge(models.Model):
    """A kind reminder the program sent about one waiting item, and who sent it."""

    class Kind(models.TextChoices):
        NO_MEETING = "no_meeting", "No meeting held"
        AGREEMENT = "agreement", "Agreement not signed"
        PROPOSAL = "proposal", "Proposal unanswered"
        REQUEST = "request", "Request unanswered"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="nudges")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # The relationship (no meeting, agreement), proposal or request it was about.
    object_id = models.PositiveBigIntegerField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipients = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["kind", "object_id", "created_at"])]

    def __str__(self) -> str:
        return f"Nudge about {self.get_kind_display().lower()} #{self.object_id}"


class SharedWords(models.Model):
    """What a mentee chose to tell their mentor helped, shown on the mentor's impact page.

    Only words written for the mentor land here: the note left when closing, and the part
    of a reflection the mentee chose to share. The mentee may withdraw them at any time.
    """

    class Source(models.TextChoices):
        CLOSING_NOTE = "closing_note", "Note when closing"
        REFLECTION = "reflection", "What worked, from the reflection"

    relationship = models.ForeignKey(
        "relationships.Relationship", on_delete=models.CASCADE, related_name="+"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=12, choices=Source.choices)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "source"], name="shared_words_once_per_source"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="shared_words_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Words shared about relationship #{self.relationship_id}"


class Snapshot(models.Model):
    """A program's insights as last computed: fairness, the mentors' totals, health charts.

    Only what the live pages would show is stored: suppressed figures are stored as
    missing, never as numbers. Each mentor's figures are rows of ``MentorFigures``.
    """

    program = models.OneToOneField(
        Program, on_delete=models.CASCADE, related_name="insights_snapshot"
    )
    # None until the first computation has finished.
    computed_at = models.DateTimeField(null=True, blank=True)
    # When someone (or the nightly refresh) asked for a new computation not yet done.
    requested_at = models.DateTimeField(null=True, blank=True)
    # {"<window>:<source>": {"total": row, "rows": [row, ...], "cohorts": [row, ...]}}
    fairness = models.JSONField(default=dict, blank=True)
    # The mentors' totals, distributions and median: figures about no one in particular.
    impact = models.JSONField(default=dict, blank=True)
    mentors = models.PositiveIntegerField(default=0)
    # {"<months>": {"charts": [chart, ...]}}: the health page's charts for each period.
    health = models.JSONField(default=dict, blank=True)
    # What every format gave since the start (impact/formats.py), hidden figures as None.
    figures = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Insights of {self.program} as of {self.computed_at}"

    @property
    def pending(self) -> bool:
        return self.requested_at is not None


class OrganizationSnapshot(models.Model):
    """The health charts of all an organization's programs together, as last computed.

    Medians, percentiles, distinct people and hidden cells do not add up across programs,
    so the organization's charts are computed over its programs at once, not combined from
    each program's snapshot. As there, a hidden figure is stored as missing.
    """

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="insights_snapshot"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    # {"<months>": {"table": chart, "charts": [chart, ...]}}: the table is one row a program.
    health = models.JSONField(default=dict, blank=True)
    # What every format in all the programs gave, as a program's ``figures``.
    figures = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Health of {self.organization} as of {self.computed_at}"

    @property
    def pending(self) -> bool:
        return self.requested_at is not None


def tenths_of_hour(minutes: int) -> int:
    """Return the minutes as tenths of an hour, half up: the hours every impact page shows."""
    return (minutes + 3) // 6


class MentorFigures(models.Model):
    """One mentor's figures in a snapshot, indexed for each order the impact page offers."""

    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="mentor_rows")
    enrollment = models.ForeignKey(
        "programs.Enrollment", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=300)
    # The name lowercased, for ordering by name as the live page did.
    name_key = models.CharField(max_length=300)
    people_helped = models.PositiveIntegerField(default=0)
    meetings_held = models.PositiveIntegerField(default=0)
    minutes_given = models.PositiveIntegerField(default=0)
    commitments_completed = models.PositiveIntegerField(default=0)
    requests_answered = models.PositiveIntegerField(default=0)
    requests_became_mentoring = models.PositiveIntegerField(default=0)

    class Meta:
        # The id ends each order, so that pages never overlap among equal figures.
        indexes = [
            models.Index(fields=["snapshot", "name_key", "id"], name="insights_mf_name"),
            models.Index(
                fields=["snapshot", "-minutes_given", "name_key", "id"], name="insights_mf_hours"
            ),
            models.Index(
                fields=["snapshot", "-people_helped", "name_key", "id"], name="insights_mf_people"
            ),
            models.Index(
                fields=["snapshot", "-commitments_completed", "name_key", "id"],
                name="insights_mf_commitments",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.minutes_given} minutes"

    @property
    def hours_given(self) -> float:
        return tenths_of_hour(self.minutes_given) / 10

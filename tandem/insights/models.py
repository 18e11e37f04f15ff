"""What the insights pages record: nudges to stalled pairs, and words mentees shared."""

from django.conf import settings
from django.db import models
from django.utils import timezone

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

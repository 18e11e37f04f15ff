"""Warm introductions: a person asks a colleague to introduce them to someone who might help.

The colleague (the introducer) suggests one or more people from the same program, each
with a short note, or declines without a reason. Each person suggested is asked first: they
read who asks, the need and the introducer's note. The asker learns nothing of them until
they agree; then the two are connected, and either may start an informational interview
or a mentoring request from the connection. A decline is never attributed: when nobody
agrees, the asker reads only that no match was found this time.

The conversation or request a connection led to is recorded here, on the suggestion
(``interview`` and ``mentorship_request``), so the interviews and relationships apps know
nothing of introductions.
"""

from django.db import models

from tandem.core.models import TimeStampedModel
from tandem.interviews.models import Interview
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import MentorshipRequest

MAX_NEED = 200
MAX_NOTE = 500
MAX_SUGGESTIONS = 3


class Introduction(TimeStampedModel):
    """One person's request to a colleague for an introduction, and what became of it."""

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for an answer"
        # Only the introducer and the people suggested see this state; the asker still
        # reads "Waiting for an answer" (``status_for_asker``).
        CHECKING = "checking", "Suggestions sent"
        CONNECTED = "connected", "Connected"
        NO_MATCH = "no_match", "No match this time"

    OPEN_STATUSES = (Status.ASKED, Status.CHECKING)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="introductions")
    asker = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="introductions_asked"
    )
    introducer = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="introductions_to_make"
    )
    need = models.CharField(max_length=MAX_NEED)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(asker=models.F("introducer")),
                name="introduction_two_people",
            )
        ]

    def __str__(self) -> str:
        return f"Introduction for {self.asker.user} asked of {self.introducer.user}"

    @property
    def status_for_asker(self) -> str:
        """Name the state as the asker may read it: nothing of suggestions not yet agreed."""
        if self.status in self.OPEN_STATUSES:
            return str(self.Status.ASKED.label)
        return self.get_status_display()


class Suggestion(TimeStampedModel):
    """One person the introducer suggests, with a note; a connection once they agree."""

    class Status(models.TextChoices):
        ASKED = "asked", "Waiting for their answer"
        AGREED = "agreed", "Connected"
        DECLINED = "declined", "Not this time"
        # No answer within INTRODUCTION_SUGGESTION_EXPIRY_DAYS: read as "not this time".
        EXPIRED = "expired", "No answer in time"

    # A suggestion no longer waiting and never connected: nobody is told which of the two.
    NOT_CONNECTED = (Status.DECLINED, Status.EXPIRED)

    introduction = models.ForeignKey(
        Introduction, on_delete=models.CASCADE, related_name="suggestions"
    )
    person = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="introductions_suggested"
    )
    note = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ASKED)
    answered_at = models.DateTimeField(null=True, blank=True)
    # When the person suggested was reminded, halfway to the expiry; once only.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # What the connection led to: the introduction is recorded as their origin here.
    interview = models.ForeignKey(
        Interview, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentorship_request = models.ForeignKey(
        MentorshipRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["introduction", "person"], name="suggestion_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.user} suggested for introduction {self.introduction_id}"

    @property
    def is_connected(self) -> bool:
        return self.status == self.Status.AGREED

"""The question board: questions asked in the open within a program (or an organization)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from tandem.accounts.models import Organization
from tandem.core.models import TimeStampedModel
from tandem.programs.models import Program, Topic


class OrganizationBoard(TimeStampedModel):
    """Whether an organization's admins open a board to all its members, beside programs'."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="board"
    )
    is_open = models.BooleanField(default=False)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"Board of {self.organization}"


class Question(TimeStampedModel):
    """A question asked on a program's board, or on its organization's board."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        LOCKED = "locked", "Locked"
        HIDDEN = "hidden", "Hidden"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="board_questions"
    )
    # None: the organization-wide board.
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="board_questions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_questions"
    )
    title = models.CharField(max_length=160)
    body = models.TextField(max_length=5000)
    topics = models.ManyToManyField(Topic, blank=True, related_name="+")
    # Hidden from other participants, never from moderators.
    is_anonymous = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    last_activity_at = models.DateTimeField(default=timezone.now)
    brought_back_at = models.DateTimeField(null=True, blank=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    # State only: what people wrote stays out of the audit trail (architecture.md); a
    # moderator's edit keeps its before and after in ModerationAction.
    history = HistoricalRecords(excluded_fields=["body", "is_anonymous", "author"])

    class Meta:
        ordering = ["-last_activity_at", "-pk"]
        indexes = [
            models.Index(fields=["program", "state", "last_activity_at"]),
            models.Index(fields=["organization", "program", "state", "last_activity_at"]),
            models.Index(fields=["created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["open", "locked", "hidden"]),
                name="question_state_known",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_hidden(self) -> bool:
        return self.state == self.State.HIDDEN

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.LOCKED


class Answer(TimeStampedModel):
    """An answer to a question, by anyone in the board's audience."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_answers"
    )
    body = models.TextField(max_length=5000)
    is_hidden = models.BooleanField(default=False)
    edited_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["body", "author"])

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["question", "is_hidden"])]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class HelpfulMark(models.Model):
    """The asker found this answer helpful."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="helpful_marks")
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "marked_by"], name="helpful_once_per_person")
        ]

    def __str__(self) -> str:
        return f"Helpful: {self.answer_id}"


class Report(models.Model):
    """A participant tells the moderators that a post breaks the board's rules."""

    class Reason(models.TextChoices):
        UNKIND = "unkind", "Unkind or disrespectful"
        PRIVATE = "private", "Shares someone's private information"
        OFF_TOPIC = "off_topic", "Off topic or advertising"
        UNSAFE = "unsafe", "Unsafe or harmful advice"
        OTHER = "other", "Something else"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="reports")
    # Set when the report is about one answer of the question.
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_reports"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    note = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "question"],
                condition=models.Q(answer__isnull=True),
                name="report_once_per_question",
            ),
            models.UniqueConstraint(
                fields=["reporter", "answer"],
                condition=models.Q(answer__isnull=False),
                name="report_once_per_answer",
            ),
        ]
        indexes = [models.Index(fields=["resolved_at", "question"])]

    def __str__(self) -> str:
        return f"Report on {self.question_id}"


class ModerationAction(models.Model):
    """What a moderator did to a post, and why; the author reads the reason."""

    class Action(models.TextChoices):
        HIDE = "hide", "Hidden"
        UNHIDE = "unhide", "Shown again"
        LOCK = "lock", "Locked"
        UNLOCK = "unlock", "Unlocked"
        EDIT = "edit", "Edited"

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="moderation")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.TextField(max_length=1000)
    before_text = models.TextField(blank=True)
    after_text = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.question_id}"

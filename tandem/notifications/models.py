from django.conf import settings
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """One piece of news for one person, shown in the app and sent by e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # The task run sending its e-mail, and since when. A run that dies keeps its claim;
    # the same run, re-queued by the scheduler, takes it up again (see tasks.py).
    email_claimed_by = models.CharField(max_length=64, blank=True)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    # Set when the same event may be reported more than once (a task run twice):
    # one notification per person and key.
    dedupe_key = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["emailed_at", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

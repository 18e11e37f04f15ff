"""Copy the notes mentees left their mentors when closing into their own record."""

from django.db import migrations
from django.db.models import F
from django.urls import reverse

# relationship_close sends this when the person closing writes nothing of their own.
DEFAULT_CLOSING = "Thank you for the time you gave each other."


def forwards(apps, schema_editor):
    Relationship = apps.get_model("relationships", "Relationship")
    Notification = apps.get_model("notifications", "Notification")
    SharedWords = apps.get_model("insights", "SharedWords")
    closed = (
        Relationship.objects.filter(
            status="closed",
            closed_by_id__isnull=False,
            closed_by_id=F("mentee__user_id"),
            closed_by__erased_at__isnull=True,
        )
        .exclude(program__format="peer")
        .values_list("pk", "closed_by_id", "mentor__user_id")
    )
    rows = []
    for pk, author_id, mentor_user_id in closed.iterator():
        note = (
            Notification.objects.filter(
                user_id=mentor_user_id,
                kind="relationship_closed",
                url=reverse("relationships:detail", args=[pk]),
            )
            .exclude(body__in=["", DEFAULT_CLOSING])
            .order_by("-created_at")
            .first()
        )
        if note is not None:
            rows.append(
                SharedWords(
                    relationship_id=pk,
                    author_id=author_id,
                    source="closing_note",
                    body=note.body.strip(),
                    created_at=note.created_at,
                )
            )
    SharedWords.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("insights", "0002_shared_words"),
        ("accounts", "0009_user_erased_address"),
        ("notifications", "0002_notification_email_claim"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]

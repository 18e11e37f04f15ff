"""A covering index for counting a program's people, on PostgreSQL only.

The program manage page counts a program's active people by role, complete profile and
open places, and the admin home counts each program's active people; the topic balance
finds the same people's ids. At 100k people these read about half the enrollments table,
whose rows are wide (goals, profiles). This index holds every column those counts read,
so PostgreSQL answers them from the index alone (bench/admin_pages.py). SQLite has no
index with non-key columns; there both operations do nothing.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

NAME = "programs_enrollment_counts"


def _create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS "{NAME}" ON "programs_enrollment" ("program_id", "status") '
        'INCLUDE ("id", "is_mentee", "is_mentor", "is_coach", "is_peer", "accepting_now", '
        '"capacity", "profile_completed_at")'
    )


def _drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{NAME}"')


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0006_program_circle_settings"),
    ]

    operations = [
        migrations.RunPython(_create, _drop, elidable=False),
    ]

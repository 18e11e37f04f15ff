"""Trigram indexes for the members search, on PostgreSQL only.

The search looks for each word anywhere in the lower-cased name, address and title
(LIKE '%word%'); a B-tree cannot serve that, a pg_trgm GIN index can. The tables belong
to accounts; the indexes serve the people pages, so they are made here. On SQLite both
operations do nothing: its scan of the same columns stays fast enough (bench/members_list.py).
"""

from django.apps.registry import Apps
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

INDEXES = {
    "people_user_name_trgm": ("accounts_user", "full_name"),
    "people_user_email_trgm": ("accounts_user", "email"),
    "people_membership_title_trgm": ("accounts_membership", "title"),
}


def _create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((LOWER("{column}")) gin_trgm_ops)'
        )


def _drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_full_name_index"),
        ("people", "0004_member_exports"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(_create, _drop, elidable=False),
    ]

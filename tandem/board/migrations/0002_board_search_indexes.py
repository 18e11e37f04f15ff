"""Full-text search indexes for the board, on PostgreSQL only.

The board's search (board/selectors.py) matches `to_tsvector('english', title || ' ' ||
body)` of questions and of answers against the words typed; these GIN indexes hold exactly
those expressions, so a search reads an index instead of every post. On SQLite the search
is a plain `icontains` and both operations do nothing.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# The expressions Django writes for SearchVector("title", "body", config="english") and
# SearchVector("body", config="english"): an index serves a query only when they match.
INDEXES = {
    "board_question_search": (
        "board_question",
        "to_tsvector('english'::regconfig, "
        """((COALESCE("title", ''::character varying))::text || ' '::text) """
        """|| COALESCE("body", ''::text))""",
    ),
    "board_answer_search": (
        "board_answer",
        """to_tsvector('english'::regconfig, COALESCE("body", ''))""",
    ),
}


def _create(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, expression) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}))'
        )


def _drop(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial")]

    operations = [migrations.RunPython(_create, _drop, elidable=False)]

"""Insert many rows of one model as plain tuples, for imports of tens of thousands of people.

``QuerySet.bulk_create`` prepares every value of every model instance through the field's
``get_db_prep_save``; at 100,000 people and four tables that is most of an import's time.
Here each column is prepared only when its Python value is not already what the database
driver takes, model defaults are computed once per call, and each statement inserts as many
rows as the database allows (on PostgreSQL, rows whose new keys are not wanted go by COPY).
No signals are sent and no ``save()`` runs, as with ``bulk_create``; history rows, when
wanted, are written the same way (``history_rows_insert``).
"""

import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

# Fields whose values the drivers take as they are when they are plain str, int, bool or None.
_PLAIN_FIELDS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "EmailField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveBigIntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}
_PLAIN_TYPES = (str, int, bool, type(None))
# PostgreSQL takes at most 65,535 parameters in one statement.
_POSTGRES_MAX_PARAMS = 65_535


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection
        return int(raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)) if raw else 999
    if connection.vendor == "postgresql":
        return _POSTGRES_MAX_PARAMS
    return connection.features.max_query_params or 2_000


def _preparer(field: models.Field) -> Callable[[Any], Any]:
    plain = field.get_internal_type() in _PLAIN_FIELDS
    prepared: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        if plain and type(value) in _PLAIN_TYPES:
            return value
        try:
            return prepared[value]
        except KeyError:
            result = prepared[value] = field.get_db_prep_save(value, connection)
            return result
        except TypeError:  # an unhashable value (a JSON list) is prepared each time
            return field.get_db_prep_save(value, connection)

    return prepare


def _defaults(model: type[models.Model], names: Iterable[str]) -> dict[str, Any]:
    """Return the model's default for each field named, one value for all rows."""
    now = timezone.now()
    fields = {f.attname: f for f in model._meta.concrete_fields}
    result = {}
    for name in names:
        field = fields[name]
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        result[name] = now if auto else field.get_default()
    return result


def rows_insert(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    key: str | None = None,
) -> dict[Any, int]:
    """Insert rows given as {attname: value}; return the new primary keys by ``key``'s value.

    Fields a row leaves out take the model's default (one value for the whole call). With
    ``key`` (a column unique among the rows, such as an e-mail address), the new primary keys
    come back by that column's value, however the database orders what it returns.
    """
    if not rows:
        return {}
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    given = set(rows[0])
    # The database numbers new rows unless the rows bring their own primary key.
    fields = [f for f in meta.concrete_fields if f is not pk or pk.attname in given]
    defaults = _defaults(model, [f.attname for f in fields if f is not pk])
    prepare = [(f.attname, _preparer(f)) for f in fields]
    quote = connection.ops.quote_name
    target = f"{quote(meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"
    returning = ""
    if key is not None:
        key_column = next(f.column for f in fields if f.attname == key)
        returning = f" RETURNING {quote(pk.column)}, {quote(key_column)}"
    if connection.vendor == "postgresql" and key is None:
        _copy(target, prepare, defaults, rows)
        return {}
    if connection.vendor == "postgresql":
        # One array per column: the statement stays short whatever the number of rows, so
        # the driver does not parse thousands of placeholders each time.
        arrays = ", ".join(f"%s::{f.db_type(connection)}[]" for f in fields)
        sql = f"INSERT INTO {target} SELECT * FROM unnest({arrays}){returning}"
        per_statement = 10_000
    else:
        per_statement = max(1, min(1000, _max_params() // len(fields)))
    ids: dict[Any, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = [
                [fn(row[name] if name in row else defaults[name]) for name, fn in prepare]
                for row in rows[start : start + per_statement]
            ]
            if connection.vendor == "postgresql":
                params: list[Any] = [list(column) for column in zip(*chunk, strict=True)]
            else:
                values = "(" + ", ".join(["%s"] * len(fields)) + ")"
                sql = f"INSERT INTO {target} VALUES {', '.join([values] * len(chunk))}{returning}"
                params = [value for row in chunk for value in row]
            cursor.execute(sql, params)
            if key is not None:
                ids.update((value, new_id) for new_id, value in cursor.fetchall())
    return ids


def _copy(
    target: str,
    prepare: Sequence[tuple[str, Callable[[Any], Any]]],
    defaults: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Stream the rows to PostgreSQL with COPY, when no new primary keys are wanted back.

    The driver writes each value in C, where an INSERT of arrays has every string of every
    array quoted in Python and parsed again by the server: a third of the time.
    """
    # Django's cursor does not wrap COPY: its errors are turned into Django's here.
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {target} FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [fn(row[name] if name in row else defaults[name]) for name, fn in prepare]
            )


def history_rows_insert(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    history_type: str,
    by_id: int | None,
    reason: str | None,
    when: Any,
) -> None:
    """Write the audit trail's rows for rows of ``model`` just written (django-simple-history).

    Each row must carry the primary key; tracked fields it leaves out take the model's
    default, as in ``rows_insert`` (so pass time stamps: a default "now" differs per call).
    """
    history = model.history.model  # type: ignore[attr-defined]
    tracked = [f.attname for f in history.tracked_fields]
    stamp = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": history_type,
        "history_user_id": by_id,
    }
    rows = list(rows)
    if not rows:
        return
    defaults = _defaults(model, [n for n in tracked if n not in rows[0]])
    rows_insert(
        history,
        [{**{n: row[n] if n in row else defaults[n] for n in tracked}, **stamp} for row in rows],
    )

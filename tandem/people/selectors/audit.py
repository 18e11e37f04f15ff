"""The audit trail of one organization: who changed what, when, from what to what.

The history tables (django-simple-history) hold the tracked fields only, never private
text. A page is read in a bounded number of queries whatever its length: one union of
the history tables for the page, then per kind of object its records, their previous
versions and the names they point to.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet, Value
from django.utils import timezone
from simple_history import utils as history_utils

from tandem.accounts.models import Department, Membership, Organization, User
from tandem.matching.models import MatchingRound
from tandem.programs.models import Enrollment, Program
from tandem.relationships.models import Concern, Proposal, Relationship

# Kinds of object, in the order the filter offers them.
KINDS: dict[str, tuple[type[models.Model], str]] = {
    "membership": (Membership, "Member"),
    "department": (Department, "Department"),
    "organization": (Organization, "Organization"),
    "program": (Program, "Program"),
    "round": (MatchingRound, "Matching round"),
    "proposal": (Proposal, "Proposed match"),
    "relationship": (Relationship, "Relationship"),
    "concern": (Concern, "Concern"),
}
KIND_CHOICES = [(kind, label) for kind, (_model, label) in KINDS.items()]
# Bookkeeping columns that say nothing an auditor needs.
QUIET_FIELDS = frozenset({"updated_at", "created_at"})
ACTIONS = {"+": "Created", "~": "Changed", "-": "Removed"}
SHOWN_LENGTH = 160


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class AuditEntry:
    kind: str
    kind_label: str
    action: str
    when: datetime.datetime
    who: str
    what: str
    changes: list[FieldChange] = field(default_factory=list)
    # No earlier version: created, or changed when the history began (for instance after a
    # bulk load), so the values are shown as they became, without an old side.
    values_only: bool = False
    # Why, when the change came with a reason: "Import of people.csv", an erasure…
    reason: str = ""


@dataclass
class ImportRun:
    """One import of a people file, as the trail saw it: its rows grouped together."""

    reason: str
    who: str
    started: datetime.datetime
    finished: datetime.datetime
    changes: int


IMPORT_REASON_PREFIX = "Import of "


def _history(model: type[models.Model]) -> Any:
    return model.history.model  # type: ignore[attr-defined]


def _scope(kind: str, organization: Organization) -> Q:
    programs = Program.objects.filter(organization=organization).values("pk")
    if kind in ("membership", "department", "program"):
        return Q(organization_id=organization.pk)
    if kind == "organization":
        return Q(id=organization.pk)
    if kind == "concern":
        relationships = Relationship.objects.filter(program__organization=organization)
        return Q(relationship_id__in=relationships.values("pk"))
    return Q(program_id__in=programs)


def audit_records(
    *, organization: Organization, kind: str = "", person: User | None = None, reason: str = ""
) -> QuerySet[Any]:
    """Return (kind, history_id, history_date) rows of the organization's trail, newest first."""
    parts = []
    for name, (model, _label) in KINDS.items():
        if kind and kind != name:
            continue
        scope = _scope(name, organization)
        if reason:
            scope &= Q(history_change_reason=reason)
        if person is not None:
            about = Q(user_id=person.pk) if name == "membership" else Q(pk__in=[])
            scope &= Q(history_user_id=person.pk) | about
        parts.append(
            _history(model)
            .objects.filter(scope)
            .annotate(audit_kind=Value(name, output_field=models.CharField()))
            .values("audit_kind", "history_id", "history_date")
            .order_by()
        )
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


class _Names:
    """Turn the ids a page of history points to into names, one query per kind of target."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.names: dict[type[models.Model], dict[Any, str]] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk is not None:
            self.wanted[model].add(pk)

    def load(self) -> None:
        loaders = {
            User: lambda ids: User.objects.filter(pk__in=ids).values_list("pk", "full_name"),
            Membership: lambda ids: Membership.objects.filter(pk__in=ids).values_list(
                "pk", "user__full_name"
            ),
            Enrollment: lambda ids: Enrollment.objects.filter(pk__in=ids).values_list(
                "pk", "user__full_name"
            ),
            Relationship: lambda ids: (
                (pk, f"{mentor} & {mentee}")
                for pk, mentor, mentee in Relationship.objects.filter(pk__in=ids).values_list(
                    "pk", "mentor__user__full_name", "mentee__user__full_name"
                )
            ),
        }
        for model, ids in self.wanted.items():
            load = loaders.get(model)
            rows = (
                load(ids)
                if load
                else model._default_manager.filter(pk__in=ids).values_list("pk", "name")
            )
            self.names[model] = {pk: name for pk, name in rows}

    def of(self, model: type[models.Model], pk: Any) -> str:
        if pk is None:
            return "—"
        return self.names.get(model, {}).get(pk) or "someone no longer here"


def _tracked_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    names = {f.name for f in _history(model)._meta.fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.name in names and f.name not in QUIET_FIELDS and not f.primary_key
    ]


def _m2m_fields(model: type[models.Model]) -> list[models.ManyToManyField[Any, Any]]:
    history = _history(model)
    return [f for f in model._meta.many_to_many if _through(model, f.name, history) is not None]


def _through(model: type[models.Model], name: str, history: Any) -> Any:
    try:
        return apps.get_model(model._meta.app_label, f"{history.__name__}_{name}")
    except LookupError:
        return None


def _m2m_sets(
    model: type[models.Model], history_ids: Iterable[int]
) -> dict[str, dict[int, frozenset[Any]]]:
    history = _history(model)
    found: dict[str, dict[int, frozenset[Any]]] = {}
    for m2m in _m2m_fields(model):
        through = _through(model, m2m.name, history)
        target = history_utils.get_m2m_reverse_field_name(m2m)
        rows = through.objects.filter(history_id__in=list(history_ids)).values_list(
            "history_id", f"{target}_id"
        )
        sets: dict[int, set[Any]] = defaultdict(set)
        for history_id, pk in rows:
            sets[history_id].add(pk)
        found[m2m.name] = {hid: frozenset(v) for hid, v in sets.items()}
    return found


def _shown(value: Any, model_field: models.Field[Any, Any], names: _Names) -> str:
    if value is None or value == "":
        return "—"
    if model_field.is_relation and model_field.related_model is not None:
        return names.of(model_field.related_model, value)  # type: ignore[arg-type]
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        # In the reader's zone, as the page shows when each change was made.
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    text = json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else str(value)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "membership": frozenset({"user", "organization"}),
    "department": frozenset({"organization"}),
    "program": frozenset({"organization"}),
    "round": frozenset({"program"}),
    "proposal": frozenset({"program", "mentor", "mentee"}),
    "relationship": frozenset({"program", "mentor", "mentee"}),
    "concern": frozenset({"relationship"}),
}


def _what(kind: str, record: Any, names: _Names) -> str:
    if kind == "membership":
        return names.of(User, record.user_id)
    if kind in ("proposal", "relationship"):
        return (
            f"{names.of(Enrollment, record.mentor_id)} & {names.of(Enrollment, record.mentee_id)}"
        )
    if kind == "concern":
        return f"A concern about {names.of(Relationship, record.relationship_id)}"
    return str(record.name)


def _want_names(
    kind: str, model: type[models.Model], records: Iterable[Any], names: _Names
) -> None:
    fields = [f for f in _tracked_fields(model) if f.is_relation]
    for record in records:
        names.want(User, record.history_user_id)
        for f in fields:
            names.want(f.related_model, getattr(record, f.attname))  # type: ignore[arg-type]


def _changes(
    kind: str,
    model: type[models.Model],
    record: Any,
    previous: Any,
    m2m: dict[str, dict[int, frozenset[Any]]],
    names: _Names,
) -> list[FieldChange]:
    changes = []
    quiet = IDENTITY_FIELDS.get(kind, frozenset())
    for f in _tracked_fields(model):
        if f.name in quiet:
            continue
        new = getattr(record, f.attname)
        old = getattr(previous, f.attname) if previous is not None else None
        if previous is None and new in (None, "", [], {}):
            continue
        if previous is not None and old == new:
            continue
        label = str(f.verbose_name).capitalize()
        changes.append(FieldChange(label, _shown(old, f, names), _shown(new, f, names)))
    for m2m_field in _m2m_fields(model):
        sets = m2m.get(m2m_field.name, {})
        new_set = sets.get(record.history_id, frozenset())
        old_set = (
            sets.get(previous.history_id, frozenset()) if previous is not None else frozenset()
        )
        if new_set == old_set:
            continue
        target = m2m_field.related_model

        def listed(pks: frozenset[Any], target: Any = target) -> str:
            return ", ".join(sorted(names.of(target, pk) for pk in pks)) or "—"

        label = str(m2m_field.verbose_name).capitalize()
        changes.append(FieldChange(label, listed(old_set), listed(new_set)))
    return changes


def audit_entries(rows: Iterable[dict[str, Any]]) -> list[AuditEntry]:
    """Describe a page of trail rows: who, when, which object, which fields old → new."""
    rows = list(rows)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_kind[row["audit_kind"]].append(row["history_id"])
    names = _Names()
    loaded: dict[
        str, tuple[dict[int, Any], dict[int, Any], dict[str, dict[int, frozenset[Any]]]]
    ] = {}
    for kind, ids in by_kind.items():
        model = KINDS[kind][0]
        history = _history(model)
        records = {r.history_id: r for r in history.objects.filter(history_id__in=ids)}
        object_ids = {r.id for r in records.values()}
        latest = max(r.history_date for r in records.values())
        versions: dict[Any, list[Any]] = defaultdict(list)
        for version in history.objects.filter(id__in=object_ids, history_date__lte=latest).order_by(
            "history_date", "history_id"
        ):
            versions[version.id].append(version)
        previous: dict[int, Any] = {}
        for chain in versions.values():
            for earlier, later in pairwise(chain):
                previous[later.history_id] = earlier
        everything = list(records.values()) + [p for p in previous.values() if p is not None]
        m2m = _m2m_sets(model, {r.history_id for r in everything})
        _want_names(kind, model, everything, names)
        for m2m_field in _m2m_fields(model):
            for pks in m2m.get(m2m_field.name, {}).values():
                for pk in pks:
                    names.want(m2m_field.related_model, pk)  # type: ignore[arg-type]
        for record in records.values():
            if kind in ("proposal", "relationship"):
                names.want(Enrollment, record.mentor_id)
                names.want(Enrollment, record.mentee_id)
            elif kind == "concern":
                names.want(Relationship, record.relationship_id)
            elif kind == "membership":
                names.want(User, record.user_id)
        loaded[kind] = (records, previous, m2m)
    names.load()
    entries = []
    for row in rows:
        kind = row["audit_kind"]
        records, previous, m2m = loaded[kind]
        record = records[row["history_id"]]
        model, label = KINDS[kind]
        earlier = previous.get(record.history_id)
        who = names.of(User, record.history_user_id) if record.history_user_id else "Tandem"
        first_seen = earlier is None and record.history_type == "~"
        entries.append(
            AuditEntry(
                kind=kind,
                kind_label=label,
                action="First recorded" if first_seen else ACTIONS[record.history_type],
                when=record.history_date,
                who=who,
                what=_what(kind, record, names),
                changes=_changes(kind, model, record, earlier, m2m, names)
                if record.history_type != "-"
                else [],
                values_only=earlier is None,
                reason=record.history_change_reason or "",
            )
        )
    return entries


def import_runs(*, organization: Organization, limit: int = 5) -> list[ImportRun]:
    """The latest imports of people files into the organization, each as one line."""
    runs = list(
        _history(Membership)
        .objects.filter(
            organization_id=organization.pk,
            history_change_reason__startswith=IMPORT_REASON_PREFIX,
        )
        .values("history_change_reason", "history_user_id")
        .annotate(
            started=models.Min("history_date"),
            finished=models.Max("history_date"),
            changes=models.Count("history_id"),
        )
        .order_by("-finished")[:limit]
    )
    names = dict(
        User.objects.filter(pk__in=[r["history_user_id"] for r in runs]).values_list(
            "pk", "full_name"
        )
    )
    return [
        ImportRun(
            reason=r["history_change_reason"],
            who=names.get(r["history_user_id"], "Tandem (scheduled import)"),
            started=r["started"],
            finished=r["finished"],
            changes=r["changes"],
        )
        for r in runs
    ]

"""The rows of the organization's admin lists as they are exported, one row per line shown."""

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from tandem.accounts.models import Membership, Organization, User
from tandem.people.selectors import audit as audit_selectors
from tandem.people.selectors import structure as structure_selectors
from tandem.security.models import SecurityEvent
from tandem.security.selectors import security_events_for_organization

# The audit trail and the security log can run to millions of lines: a file holds the
# newest this many, and says so when it stops there.
LOG_EXPORT_LIMIT = 50_000
# The trail is described this many rows at a time, as a page of it would be.
AUDIT_CHUNK = 500

DEPARTMENT_HEADERS = ["Department", "Current members", "Alumni"]
PARTNER_HEADERS = ["Partner organization", "Kind"]
RUNNER_HEADERS = ["Name", "E-mail", "Title", "Department", "May run programs as"]
AUDIT_HEADERS = ["When", "Who", "Kind", "What", "Action", "Reason", "Changes"]
SECURITY_HEADERS = ["When", "Event", "Who", "E-mail", "Details", "IP address", "Browser"]


def _when(value: Any) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"


def department_rows(organization: Organization) -> list[list[str | int]]:
    """Return each department with its current members and alumni, as the list shows them."""
    return [
        [d.name, d.current, d.alumni]  # type: ignore[attr-defined]
        for d in structure_selectors.departments_with_counts(organization)
    ]


def partner_rows(organization: Organization) -> list[list[str | int]]:
    """Return the organization's current partners."""
    return [[p.name, p.get_kind_display()] for p in organization.partners.order_by("name")]


def program_runner_rows(organization: Organization) -> list[list[str | int]]:
    """Return the members named to run programs, then the admins, who always may."""
    named = structure_selectors.program_runners(organization)
    admins = structure_selectors.organization_admins(organization).select_related("department")
    return [
        *(_runner_row(m, "Named to run programs") for m in named),
        *(_runner_row(m, "Organization admin") for m in admins),
    ]


def _runner_row(membership: Membership, why: str) -> list[str | int]:
    department = membership.department.name if membership.department else ""
    user: User = membership.user
    return [user.full_name, user.email, membership.title, department, why]


def _capped(rows: QuerySet[Any]) -> tuple[list[Any], bool]:
    kept = list(rows[: LOG_EXPORT_LIMIT + 1])
    return kept[:LOG_EXPORT_LIMIT], len(kept) > LOG_EXPORT_LIMIT


def audit_rows(
    *, organization: Organization, kind: str, person: User | None, reason: str
) -> tuple[list[list[str | int]], bool]:
    """Return the trail's rows with these filters, newest first, and whether it was cut short."""
    records, capped = _capped(
        audit_selectors.audit_records(
            organization=organization, kind=kind, person=person, reason=reason
        )
    )
    rows: list[list[str | int]] = []
    for start in range(0, len(records), AUDIT_CHUNK):
        for e in audit_selectors.audit_entries(records[start : start + AUDIT_CHUNK]):
            changes = "; ".join(
                f"{c.label}: {c.new}" if e.values_only else f"{c.label}: {c.old} → {c.new}"
                for c in e.changes
            )
            rows.append([_when(e.when), e.who, e.kind_label, e.what, e.action, e.reason, changes])
    return rows, capped


def security_rows(*, organization: Organization, kind: str) -> tuple[list[list[str | int]], bool]:
    """Return the security log's rows of this kind (or all), newest first, and if cut short."""
    events = security_events_for_organization(organization=organization)
    if kind:
        events = events.filter(kind=kind)
    kept, capped = _capped(events)
    return [_security_row(e) for e in kept], capped


def _security_row(event: SecurityEvent) -> list[str | int]:
    user = event.user
    return [
        _when(event.created_at),
        event.get_kind_display(),
        (user.full_name or user.email) if user else "Unknown address",
        user.email if user else event.email,
        _security_detail(event),
        event.ip_address or "",
        event.user_agent,
    ]


WEBHOOK_KINDS = (
    SecurityEvent.Kind.WEBHOOK_CREATED,
    SecurityEvent.Kind.WEBHOOK_CHANGED,
    SecurityEvent.Kind.WEBHOOK_SECRET_ROTATED,
    SecurityEvent.Kind.WEBHOOK_DELETED,
)


def _security_detail(event: SecurityEvent) -> str:
    # The same details the log's page shows under an event, and nothing more.
    detail = event.detail or {}
    kinds = SecurityEvent.Kind
    if event.kind == kinds.IMPORT_REFUSED:
        unread = ", not read" if detail.get("stage") == "upload" else ""
        return f"{detail.get('file', '')}: {detail.get('errors', 0)} errors{unread}"
    if event.kind in (kinds.SIGN_ON_TURNED_ON, kinds.SIGN_ON_CHANGED, kinds.SIGN_ON_TURNED_OFF):
        parts = [str(detail.get("protocol", "")), str(detail.get("issuer", ""))]
        if domains := detail.get("domains"):
            parts.append("for " + ", ".join(domains))
        return " · ".join([*parts, *detail.get("changes", [])])
    if event.kind == kinds.EXPORT:
        return f"{detail.get('what', '')}, {detail.get('format', '')}, {detail.get('rows', 0)} rows"
    if event.kind in (kinds.SCIM_TOKEN_CREATED, kinds.SCIM_TOKEN_REVOKED):
        return f"“{detail.get('name', '')}”"
    if event.kind in WEBHOOK_KINDS:
        return " · ".join([str(detail.get("endpoint", "")), *detail.get("changes", [])])
    return ""

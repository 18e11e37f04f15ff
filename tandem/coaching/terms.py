"""The terms a coaching contract starts from, and what it must say before anyone signs.

Relationships ask this module when a coaching relationship gets its first agreement and
when someone signs one; it reads models only, so the relationship services that ask it
never depend on the coaching services above them.
"""

import calendar
import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tandem.coaching.models import ENGAGEMENT_LONGEST, CoachProfile, Engagement
from tandem.relationships.models import Agreement, Relationship

DEFAULT_SESSIONS = 6
DEFAULT_HOURS = Decimal("6")


def months_after(day: datetime.date, months: int) -> datetime.date:
    """Return the same day of the month ``months`` later, or that month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def engagement_defaults(relationship: Relationship) -> dict[str, Any]:
    """Return the numbers a new contract starts from: six sessions, the coach's allocation."""
    profile = CoachProfile.objects.filter(enrollment_id=relationship.mentor_id).first()
    starts_on = timezone.localdate()
    ends_on = min(
        months_after(starts_on, relationship.program.default_length_months),
        starts_on + ENGAGEMENT_LONGEST,
    )
    external = profile is not None and profile.kind == CoachProfile.Kind.EXTERNAL
    return {
        "sessions_contracted": DEFAULT_SESSIONS,
        "hours_contracted": (profile.hours_per_client if profile else None) or DEFAULT_HOURS,
        "starts_on": starts_on,
        "ends_on": ends_on,
        # The organization contracts an external coach; internal coaches give the
        # program's own hours.
        "paid_by": Engagement.Payer.ORGANIZATION if external else Engagement.Payer.PROGRAM,
        "sponsor": None,
        "budget_code": "",
    }


def contract_missing(agreement: Agreement) -> list[str]:
    """Return what a coaching contract still lacks before it may be signed, in words."""
    missing: list[str] = []
    engagement = Engagement.objects.filter(relationship_id=agreement.relationship_id).first()
    if engagement is None or not any(
        o.text.strip() and o.measure.strip() for o in engagement.objectives.all()
    ):
        missing.append("at least one objective with its measure")
    if not agreement.topics_off_limits.strip():
        missing.append("the topics that are out of scope")
    if not agreement.accountability.strip():
        missing.append("how the client wants to be held accountable")
    return missing


# A coaching engagement is paid work on work objectives: it meets in working hours, keeps
# personal life to what helps the objectives, and introductions are offered now or not at
# all. The mentoring choices beyond these are not offered, and not accepted.
COACHING_CHOICES: dict[str, dict[str, str]] = {
    "setting": {Agreement.Setting.OFFICE_HOURS: Agreement.Setting.OFFICE_HOURS.label},
    "personal_sharing": {
        Agreement.PersonalSharing.WORK_ONLY: Agreement.PersonalSharing.WORK_ONLY.label,
        Agreement.PersonalSharing.SOME: Agreement.PersonalSharing.SOME.label,
    },
    "introductions": {
        Agreement.Introductions.NO: "Not part of this engagement",
        Agreement.Introductions.NOW: Agreement.Introductions.NOW.label,
    },
}
COACHING_CHOICE_REASONS = {
    "setting": "A coaching engagement meets during working hours.",
    "personal_sharing": "Coaching stays with work: personal life only where it helps the "
    "objectives.",
    "introductions": "In coaching, introductions are part of the engagement now or not at all.",
}


def coaching_term_refused(terms: dict[str, Any]) -> str | None:
    """Return the first term a coaching contract may not take with its value, or None."""
    for term, allowed in COACHING_CHOICES.items():
        if term in terms and terms[term] not in allowed:
            return term
    return None

"""The coach's hours log: every held session, as credential bodies ask for it.

One row a session, in every program the person coaches in: the day on the coach's clock,
the client, the program, the minutes and the hours, whether it was paid and by whom. No
notes, no agenda.

Hours follow the one rule of every coaching figure (``progress.hours_of``): tenths of an
hour, half up, from minutes. Each row is its own minutes so rounded; the totals are the
exact minutes summed, then rounded once, as an engagement's hours used are.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from tandem.accounts import time_zones
from tandem.accounts.models import User
from tandem.coaching.models import Engagement
from tandem.coaching.selectors.progress import hours_of
from tandem.policy.access.coaching import sessions_coached_by


@dataclass(frozen=True)
class HoursRow:
    day: datetime.date
    client: str
    program: str
    minutes: int
    paid: bool
    paid_by: str
    sponsor_organization: str

    @property
    def hours(self) -> Decimal:
        return hours_of(self.minutes)

    @property
    def paid_label(self) -> str:
        return "Paid" if self.paid else "Pro bono"


@dataclass(frozen=True)
class HoursLog:
    rows: list[HoursRow]

    @property
    def minutes(self) -> int:
        return sum(r.minutes for r in self.rows)

    @property
    def paid_minutes(self) -> int:
        return sum(r.minutes for r in self.rows if r.paid)

    @property
    def pro_bono_minutes(self) -> int:
        return self.minutes - self.paid_minutes

    @property
    def hours(self) -> Decimal:
        return hours_of(self.minutes)

    @property
    def paid_hours(self) -> Decimal:
        return hours_of(self.paid_minutes)

    @property
    def pro_bono_hours(self) -> Decimal:
        return hours_of(self.pro_bono_minutes)

    def table(self) -> list[list[str]]:
        """Return the log as rows of text, a header first and the totals last."""
        lines = [
            [
                "Date",
                "Client",
                "Program",
                "Minutes",
                "Hours",
                "Paid or pro bono",
                "Paid by",
                "Sponsor organization",
            ]
        ]
        lines += [
            [
                r.day.isoformat(),
                r.client,
                r.program,
                str(r.minutes),
                str(r.hours),
                r.paid_label,
                r.paid_by,
                r.sponsor_organization,
            ]
            for r in self.rows
        ]
        sessions = f"{len(self.rows)} sessions"
        lines.append(["Total", sessions, "", str(self.minutes), str(self.hours), "", "", ""])
        lines.append(["Paid", "", "", str(self.paid_minutes), str(self.paid_hours), "", "", ""])
        lines.append(
            ["Pro bono", "", "", str(self.pro_bono_minutes), str(self.pro_bono_hours), "", "", ""]
        )
        return lines


def hours_log(*, coach: User) -> HoursLog:
    """Return every session this person coached and held, oldest first."""
    sessions = list(
        sessions_coached_by(coach)
        .select_related(
            "relationship__engagement",
            "relationship__program__organization",
            "relationship__mentee__user",
        )
        .order_by("starts_at", "pk")
    )
    zones = {
        org_id: time_zones.zone_of(user_id=coach.pk, organization_id=org_id)
        for org_id in {s.relationship.program.organization_id for s in sessions}
    }
    rows = []
    for session in sessions:
        relationship = session.relationship
        engagement: Engagement = relationship.engagement
        organization = relationship.program.organization
        # The program's own allocation is coaching given without a fee; the others pay.
        paid = engagement.paid_by != Engagement.Payer.PROGRAM
        rows.append(
            HoursRow(
                day=session.starts_at.astimezone(zones[organization.pk]).date(),
                client=relationship.mentee.user.full_name,
                program=relationship.program.name,
                minutes=session.duration_minutes,
                paid=paid,
                paid_by=engagement.get_paid_by_display(),
                sponsor_organization=""
                if engagement.paid_by == Engagement.Payer.CLIENT
                else organization.name,
            )
        )
    return HoursLog(rows=rows)

"""The monthly health report: last month's headline figures, e-mailed to program admins.

It goes out through `notify()` with one dedupe key per person and month, so a schedule
that runs twice, or a task re-queued after its worker died, sends nobody a second copy;
people who chose a daily digest find it there. It carries counts only.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.insights.health import (
    Chart,
    Scope,
    checkin_scores,
    enrolment,
    match_rate,
    meetings,
    time_to_match,
)
from tandem.notifications.services import notify
from tandem.policy.access import organizations_administered_by, programs_administered_by
from tandem.programs.models import Program

# The report for a month goes out from the 1st of the next; a scheduler that was down on
# the 1st catches up during the first week, and after that the month is left alone.
SEND_WITHIN_DAYS = 7
KIND = "health_report"


@dataclass(frozen=True)
class HeadlineFigures:
    program: Program
    joined: int
    left: int
    match_rate: float | None
    pairs_signed: int
    median_days: float | None
    meetings_held: int
    going: float | None


def report_month(today: datetime.date) -> datetime.date:
    """Return the first day of the month a report sent today is about."""
    return (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _last(chart: Chart, name: str) -> float | None:
    series = next(s for s in chart.series if s.name == name)
    return series.values[-1]


def headline_figures(*, program: Program, month: datetime.date) -> HeadlineFigures:
    """Return the program's figures for one calendar month."""
    next_month = (month + datetime.timedelta(days=32)).replace(day=1)
    scope = Scope(
        program_ids=[program.pk],
        months=[month],
        now=timezone.make_aware(datetime.datetime.combine(next_month, datetime.time())),
        peer_program_ids=[program.pk] if program.format == Program.Format.PEER else [],
    )
    people = enrolment(scope)
    waits = time_to_match(scope)
    return HeadlineFigures(
        program=program,
        joined=round(_last(people, "Joined") or 0),
        left=round(_last(people, "Left") or 0),
        match_rate=_last(match_rate(scope), "Matched (%)"),
        pairs_signed=round(_last(waits, "Pairs signed") or 0),
        median_days=_last(waits, "Median (days)"),
        meetings_held=round(_last(meetings(scope), "Held") or 0),
        # Shown only when at least five people checked in (checkin_scores hides the rest).
        going=_last(checkin_scores(scope), "How it is going"),
    )


def report_text(figures: Iterable[HeadlineFigures]) -> str:
    """Write the figures as a few plain lines per program."""
    parts = []
    for f in figures:
        lines = [
            f"{f.program.name}",
            f"- Enrolment: {f.joined} joined, {f.left} left.",
            "- Matched at month end: "
            + (
                f"{f.match_rate:.0f}% of those seeking."
                if f.match_rate is not None
                else "nobody was seeking."
            ),
            f"- New pairs who signed their agreement: {f.pairs_signed}"
            + (
                f" (median {f.median_days:.0f} days from the ask)."
                if f.median_days is not None
                else "."
            ),
            f"- Meetings held: {f.meetings_held}.",
            "- Check-ins, how it is going: "
            + (
                f"{f.going:.1f} out of 5."
                if f.going is not None
                else "fewer than five people checked in, so no average."
            ),
            "  " + settings.SITE_URL + reverse("insights:program_health", args=[f.program.pk]),
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _admins() -> Iterable[User]:
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(
                memberships__role=Membership.Role.ADMIN,
                memberships__status=Membership.Status.ACTIVE,
            )
            | Q(administered_programs__isnull=False)
        )
        .distinct()
        .order_by("pk")
    )


def health_reports_send(*, today: datetime.date | None = None) -> int:
    """E-mail each program admin last month's figures of their active programs, once."""
    today = today or timezone.localdate()
    if today.day > SEND_WITHIN_DAYS:
        return 0
    month = report_month(today)
    key = f"health-report:{month:%Y-%m}"
    cache: dict[int, HeadlineFigures] = {}
    sent = 0
    for user in _admins():
        programs = list(
            programs_administered_by(user)
            .filter(status=Program.Status.ACTIVE)
            .select_related("organization")
            .order_by("name")
        )
        if not programs:
            continue
        figures = []
        for program in programs:
            if program.pk not in cache:
                cache[program.pk] = headline_figures(program=program, month=month)
            figures.append(cache[program.pk])
        organizations = list(organizations_administered_by(user).values_list("pk", flat=True))
        url = (
            reverse("insights:organization_health", args=[organizations[0]])
            if len(programs) > 1 and organizations
            else reverse("insights:program_health", args=[programs[0].pk])
        )
        notification = notify(
            user=user,
            kind=KIND,
            title=f"Your programs in {month:%B %Y}",
            body=report_text(figures),
            url=url,
            dedupe_key=key,
        )
        sent += notification is not None
    return sent

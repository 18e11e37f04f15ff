"""Reads for informational interviews, through the access policy."""

from dataclasses import dataclass

from django.db.models import QuerySet

from tandem.accounts.models import User
from tandem.interviews.models import Interview
from tandem.policy.access import interviews_of
from tandem.policy.eligibility import interview_hosts_for
from tandem.programs.models import Enrollment


@dataclass(frozen=True)
class MyInterviews:
    asked: list[Interview]
    received: list[Interview]
    programs: list[Enrollment]


def my_interviews(*, user: User) -> MyInterviews:
    """Return the interviews this person asked for and was asked for, and their programs."""
    rows = list(
        interviews_of(user)
        .select_related("program", "asker__user", "host__user", "topic")
        .order_by("-created_at")
    )
    programs = list(
        Enrollment.objects.filter(
            user=user, status=Enrollment.Status.ACTIVE, program__status="active"
        )
        .select_related("program")
        .order_by("program__name")
    )
    return MyInterviews(
        asked=[i for i in rows if i.asker.user_id == user.pk],
        # A request the monthly limit declined for the host is not theirs to see in a list.
        received=[i for i in rows if i.host.user_id == user.pk and not i.declined_for_limit],
        programs=programs,
    )


def hosts_for(*, asker: Enrollment) -> QuerySet[Enrollment]:
    """Return the people this person may ask, with their offers, by name."""
    return (
        interview_hosts_for(asker)
        .select_related("user", "interview_offer", "membership__department")
        .order_by("user__full_name", "pk")
    )

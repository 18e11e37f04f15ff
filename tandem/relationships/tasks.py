"""Time-based work, run by the scheduler (`manage.py run_schedule`); safe to run twice."""

from django_tasks import task

from tandem.relationships.services.lifecycle import (
    relationships_ask_to_return,
    relationships_close_long_paused,
)
from tandem.relationships.services.proposals import proposals_expire
from tandem.relationships.services.requests import requests_expire, requests_remind
from tandem.relationships.services.rhythm import (
    checkins_remind,
    commitments_remind,
    meetings_remind,
)


@task()
def sweep_due_work() -> dict[str, int]:
    """Send due reminders, expire old requests, end pauses; return the counts."""
    return {
        "request reminders": requests_remind(),
        "requests expired": requests_expire(),
        "proposals expired": proposals_expire(),
        "meeting reminders": meetings_remind(),
        "commitment reminders": commitments_remind(),
        "check-ins asked": checkins_remind(),
        "returns asked": relationships_ask_to_return(),
        "pauses closed": relationships_close_long_paused(),
    }

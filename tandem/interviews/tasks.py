"""Background work of informational interviews; safe to run twice."""

from django_tasks import task

from tandem.interviews.services import interviews_follow_up, interviews_remind


@task()
def send_interview_reminders() -> dict[str, int]:
    """Remind people of tomorrow's conversations and ask about those that took place."""
    return {"reminders": interviews_remind(), "follow-ups": interviews_follow_up()}

"""Time-based work of circles, run by the scheduler (`manage.py run_schedule`); safe twice."""

from django_tasks import task

from tandem.circles.services.reminders import circle_sessions_remind


@task()
def remind_circle_sessions() -> int:
    """Remind members of tomorrow's sessions; return how many sessions."""
    return circle_sessions_remind()

"""Background work of warm introductions; safe to run twice."""

from django_tasks import task

from tandem.introductions.services import suggestions_expire, suggestions_remind


@task()
def sweep_introductions() -> dict[str, int]:
    """Remind people suggested who have not answered, and close what waited too long."""
    return {
        "suggestion reminders": suggestions_remind(),
        "suggestions expired": suggestions_expire(),
    }

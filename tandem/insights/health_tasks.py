"""The monthly health report, enqueued by the scheduler (`manage.py run_schedule`)."""

from django_tasks import task

from tandem.insights.reports import health_reports_send


@task()
def send_monthly_health_reports() -> int:
    """Send last month's health report to each program admin who has not had it."""
    return health_reports_send()

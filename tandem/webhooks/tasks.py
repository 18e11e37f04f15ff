"""Send webhook deliveries in the background; thin, and safe to run twice."""

from django_tasks import task

from tandem.webhooks.services import deliveries_prune, deliveries_send_due, delivery_send


@task()
def deliver(delivery_id: int) -> str:
    """Make one attempt at a delivery that is due; a delivery already sent is left alone."""
    return delivery_send(delivery_id=delivery_id)


@task()
def send_due_deliveries() -> int:
    """Queue the retries that are due (run by the scheduler); return how many."""
    return deliveries_send_due()


@task()
def prune_deliveries() -> int:
    """Daily: delete finished deliveries past WEBHOOKS_LOG_RETENTION_DAYS; return how many."""
    return deliveries_prune()

"""Run a matching round in the background; thin, and safe to run twice."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from tandem.matching.models import MatchingRound
from tandem.matching.running import round_run
from tandem.matching.services import round_publish_run


@task()
def run_round(round_id: int) -> str:
    """Run one round that is waiting to run; a second run of the same task does nothing.

    A run whose worker died is re-queued by the scheduler after TASK_RECOVER_AFTER_MINUTES;
    by then the round's claim is as old, so the new run takes it over and finishes it.
    """
    now = timezone.now()
    abandoned = now - datetime.timedelta(minutes=settings.TASK_RECOVER_AFTER_MINUTES)
    claimed = (
        MatchingRound.objects.filter(pk=round_id, status=MatchingRound.Status.RUNNING)
        .filter(Q(started_at__isnull=True) | Q(started_at__lte=abandoned))
        .update(started_at=now, progress=5, progress_note="Reading the program")
    )
    if not claimed:
        return "skipped"
    return round_run(round_id=round_id)


@task()
def publish_round(round_id: int) -> str:
    """Publish a round an admin queued; a round already published is left alone.

    The pairs go out in chunks, each its own transaction that records on each pair its
    proposal: a worker that dies mid-way leaves whole chunks sent, and the run the
    scheduler re-queues (or the admin's next Publish) sends only the rest. Two runs at once
    take the round's lock chunk by chunk, so nothing is sent twice.
    """
    return round_publish_run(round_id=round_id)

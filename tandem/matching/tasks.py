"""Run a matching round in the background; thin, and safe to run twice."""

from django.utils import timezone
from django_tasks import task

from tandem.matching.models import MatchingRound
from tandem.matching.running import round_run


@task()
def run_round(round_id: int) -> str:
    """Run one round that is waiting to run; a second run of the same task does nothing."""
    claimed = MatchingRound.objects.filter(
        pk=round_id, status=MatchingRound.Status.RUNNING, started_at__isnull=True
    ).update(started_at=timezone.now(), progress=5, progress_note="Reading the program")
    if not claimed:
        return "skipped"
    return round_run(round_id=round_id)

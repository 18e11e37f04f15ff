"""The scheduler's daily pruning: old security events and unconfirmed uploads go."""

import datetime
import io

from django.core.management import call_command
from django.utils import timezone

from tandem.people.models import ImportBatch
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World


def test_the_daily_schedule_prunes_old_security_events_and_stale_uploads(
    world: World,
) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=400)
    old = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, user=world.mentee)
    recent = SecurityEvent.objects.create(kind=SecurityEvent.Kind.SIGN_IN, user=world.mentor)
    SecurityEvent.objects.filter(pk=old.pk).update(created_at=long_ago)
    stale = ImportBatch.objects.create(
        organization=world.org, uploaded_by=world.admin, file_name="a.csv", columns=[], rows=[]
    )
    fresh = ImportBatch.objects.create(
        organization=world.org, uploaded_by=world.admin, file_name="b.csv", columns=[], rows=[]
    )
    ImportBatch.objects.filter(pk=stale.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )

    call_command("run_schedule", "--once", stdout=io.StringIO())

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(ImportBatch.objects.values_list("pk", flat=True)) == [fresh.pk]

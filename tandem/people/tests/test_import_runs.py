"""A confirmed import runs in the task worker: once, all or nothing, and the page follows it."""

import datetime

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership, User
from tandem.people.models import ImportBatch
from tandem.people.services import import_batches
from tandem.people.services.import_batches import (
    import_batch_confirm,
    import_batch_run,
    import_batches_prune,
)
from tandem.testing.fixtures import World, client_for

# Imports add only people at the organization's own e-mail domains.
pytestmark = pytest.mark.usefixtures("northwind_domains")

HTMX = {"HX-Request": "true"}
FILE = (
    b"email,full_name,title,manager_email\n"
    b"new.one@northwind.test,Nia One,Engineer,mo.mentor@northwind.test\n"
    b"new.two@northwind.test,Noa Two,Engineer,new.one@northwind.test\n"
)


def batch_of(world: World, content: bytes = FILE) -> ImportBatch:
    return import_batches.import_batch_create(
        organization=world.org, by=world.admin, name="staff.csv", content=content
    )


def url(world: World, batch: ImportBatch) -> str:
    return reverse("people:import_preview", args=[world.org.pk, batch.pk])


def test_confirming_queues_the_import_and_the_page_follows_it(world: World) -> None:
    batch = batch_of(world)
    client = client_for(world.admin)
    # Without the worker (no commit has run the task yet), the page says it is waiting.
    response = client.post(url(world, batch), {"send_invitations": "on"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.state, batch.confirmed_by) == ("queued", world.admin)
    assert batch.send_invitations
    assert not User.objects.filter(email="new.one@northwind.test").exists()
    page = client.get(url(world, batch)).content.decode()
    assert "Waiting to start" in page and 'hx-trigger="every 2s"' in page
    poll = client.get(url(world, batch), headers=HTMX)
    assert "Waiting to start" in poll.content.decode() and "<html" not in poll.content.decode()
    # Confirming again (a double click) queues nothing more.
    client.post(url(world, batch), {})
    assert ImportBatch.objects.get(pk=batch.pk).state == "queued"

    import_batch_run(batch_id=batch.pk)
    assert client.get(url(world, batch), headers=HTMX)["HX-Refresh"] == "true"
    page = client.get(url(world, batch)).content.decode()
    assert "staff.csv is imported" in page and "Invitations to the 2 new people" in page
    two = Membership.objects.get(user__email="new.two@northwind.test")
    assert two.manager is not None and two.manager.user.email == "new.one@northwind.test"


def test_a_second_run_of_the_task_imports_nothing_twice(world: World) -> None:
    batch = batch_of(world)
    import_batch_confirm(batch=batch, by=world.admin)
    assert import_batch_run(batch_id=batch.pk) is not None
    history = Membership.history.count()
    assert import_batch_run(batch_id=batch.pk) is None
    assert Membership.history.count() == history
    assert User.objects.filter(email__startswith="new.").count() == 2


def test_a_worker_that_died_mid_import_is_picked_up_by_the_next_run(world: World) -> None:
    batch = batch_of(world)
    import_batch_confirm(batch=batch, by=world.admin)
    # The first worker set the state and died inside the import's transaction.
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.IMPORTING)
    import_batch_run(batch_id=batch.pk)
    assert ImportBatch.objects.get(pk=batch.pk).state == "imported"
    assert User.objects.filter(email__startswith="new.").count() == 2


def test_an_organization_changed_since_the_preview_sends_the_file_back(world: World) -> None:
    batch = batch_of(world)
    import_batch_confirm(batch=batch, by=world.admin)
    # Between the preview and the worker, the manager the file names leaves the organization.
    Membership.objects.filter(user=world.mentor).delete()
    import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == "preview" and "the file has 1 problem" in batch.problem
    assert not User.objects.filter(email__startswith="new.").exists()
    page = client_for(world.admin).get(url(world, batch)).content.decode()
    assert batch.problem in page and "mo.mentor@northwind.test" in page


def test_an_unexpected_error_stops_the_import_and_it_can_be_tried_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = batch_of(world)
    import_batch_confirm(batch=batch, by=world.admin)

    def broken(**kwargs: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(import_batches, "import_apply", broken)
    with pytest.raises(RuntimeError):
        import_batch_run(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.state == "failed" and "nothing was imported" in batch.problem
    client = client_for(world.admin)
    page = client.get(url(world, batch)).content.decode()
    assert "staff.csv was not imported" in page and "Try again" in page
    assert "the disk is full" not in page

    monkeypatch.undo()
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(url(world, batch), {})
    assert ImportBatch.objects.get(pk=batch.pk).state == "imported"
    assert User.objects.filter(email__startswith="new.").count() == 2


def test_a_running_import_cannot_be_set_aside_or_pruned(world: World) -> None:
    batch = batch_of(world)
    import_batch_confirm(batch=batch, by=world.admin)
    client = client_for(world.admin)
    discard = reverse("people:import_discard", args=[world.org.pk, batch.pk])
    response = client.post(discard, follow=True)
    assert "can no longer be set aside" in response.content.decode()
    later = timezone.now() + datetime.timedelta(days=3)
    assert import_batches_prune(now=later) == 0
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    import_batch_run(batch_id=batch.pk)
    # A finished import keeps only its counts, and goes with the daily prune.
    assert ImportBatch.objects.get(pk=batch.pk).rows == []
    assert import_batches_prune(now=later) == 1


def test_the_progress_page_is_the_admins_alone(world: World) -> None:
    batch = batch_of(world)
    import_batch_confirm(batch=batch, by=world.admin)
    for person in (world.member, world.mentor, world.outsider):
        assert client_for(person).get(url(world, batch)).status_code == 404
        assert client_for(person).post(url(world, batch), {}).status_code == 404

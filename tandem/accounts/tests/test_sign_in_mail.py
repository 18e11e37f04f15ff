"""Sign-in e-mails leave through the task worker, never from the request that asked for them."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django_tasks import task_backends
from django_tasks.backends.dummy import DummyBackend

from tandem.accounts.tasks import send_rendered_email
from tandem.accounts.tests.test_signup import NEW, code_in
from tandem.people.services.erasure import person_erase
from tandem.testing.fixtures import World


@pytest.fixture
def open_world(world: World) -> World:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    return world


@pytest.fixture
def queue(settings: Any) -> Iterator[DummyBackend]:
    """Keep enqueued tasks in a list, as the database backend keeps them for a worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    yield backend
    backend.clear()


def _run(backend: DummyBackend) -> None:
    """Do what a worker does: run each queued task with its arguments."""
    for result in backend.results:
        result.task.call(*result.args, **result.kwargs)


def test_the_sign_up_code_is_sent_by_the_worker(
    open_world: World, queue: DummyBackend, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/signup/", NEW)
    assert response.status_code == 302
    assert mail.outbox == []
    assert [r.task.name for r in queue.results] == [send_rendered_email.name]
    _run(queue)
    [message] = mail.outbox
    assert message.to == [NEW["email"]]
    assert message.subject.startswith("Tandem: ")
    assert code_in(message)


def test_the_unknown_account_answer_is_sent_by_the_worker(
    world: World, queue: DummyBackend, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post("/accounts/password/reset/", {"email": "nobody@northwind.test"})
    assert response.status_code == 302
    assert mail.outbox == []
    _run(queue)
    [message] = mail.outbox
    assert message.to == ["nobody@northwind.test"]
    assert "Unknown Account" in message.subject


def test_a_reset_link_is_enqueued_only_when_the_request_commits(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Client().post("/accounts/password/reset/", {"email": world.mentee.email})
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()  # the immediate backend runs the task as soon as it is enqueued
    [message] = mail.outbox
    assert message.to == [world.mentee.email]
    assert "/accounts/password/reset/key/" in str(message.body)


def test_the_account_deleted_mail_is_sent_by_the_worker(
    world: World, queue: DummyBackend, django_capture_on_commit_callbacks
) -> None:
    address = world.mentee.email
    with django_capture_on_commit_callbacks(execute=True):
        person_erase(person=world.mentee, by=world.mentee)
    assert mail.outbox == []
    _run(queue)
    [message] = [m for m in mail.outbox if m.to == [address]]
    assert message.subject == "Your Tandem account was deleted"

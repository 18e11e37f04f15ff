from django.core import mail
from django.urls import reverse

from tandem.notifications.models import Notification
from tandem.notifications.services import notify
from tandem.notifications.tasks import send_daily_digests, send_notification_email
from tandem.testing.fixtures import World, client_for


def test_an_update_is_shown_in_the_app_and_mailed_once_with_its_link(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(user=world.mentee, kind="test", title="Mo accepted", url="/relationships/")
    assert note is not None
    assert len(mail.outbox) == 1
    assert "http://localhost:8000/relationships/" in mail.outbox[0].body
    send_notification_email.enqueue(note.pk)  # a second run sends nothing
    assert len(mail.outbox) == 1
    page = client_for(world.mentee).get(reverse("notifications:list")).content.decode()
    assert "Mo accepted" in page


def test_the_same_event_reported_twice_makes_one_notification(world: World) -> None:
    for _ in range(2):
        notify(user=world.mentee, kind="test", title="Reminder", url="/", dedupe_key="k-1")
    assert Notification.objects.filter(user=world.mentee).count() == 1


def test_digest_readers_get_one_mail_a_day(
    world: World, django_capture_on_commit_callbacks
) -> None:
    client = client_for(world.mentee)
    client.post(reverse("notifications:list"), {"email_digest": "on"})
    world.mentee.refresh_from_db()
    assert world.mentee.email_digest
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            notify(user=world.mentee, kind="test", title=f"Update {n}", url="/")
    assert mail.outbox == []
    assert send_daily_digests.call() == 1
    assert send_daily_digests.call() == 0
    assert len(mail.outbox) == 1
    assert "Update 0" in mail.outbox[0].body and "Update 2" in mail.outbox[0].body


def test_marking_all_read_clears_the_counter(world: World) -> None:
    notify(user=world.mentee, kind="test", title="Hello", url="/")
    client = client_for(world.mentee)
    assert 'aria-label="1 unread"' in client.get("/").content.decode()
    client.post(reverse("notifications:read"))
    assert "unread" not in client.get("/").content.decode()


def test_people_only_see_their_own_updates(world: World) -> None:
    notify(user=world.mentee, kind="test", title="For Mia only", url="/")
    page = client_for(world.mentor).get(reverse("notifications:list")).content.decode()
    assert "For Mia only" not in page

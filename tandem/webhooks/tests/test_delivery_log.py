"""The delivery log: newest first, a page at a time, with each body and answer; test and replay."""

import datetime

import pytest
from django.utils import timezone

from tandem.testing.fixtures import client_for
from tandem.webhooks.models import Delivery, Endpoint
from tandem.webhooks.services import event_emit
from tandem.webhooks.tests.conftest import Hooked

pytestmark = pytest.mark.django_db


def _base(hooked: Hooked) -> str:
    return f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/"


def _fill(hooked: Hooked, n: int) -> list[Delivery]:
    start = timezone.now() - datetime.timedelta(hours=1)
    return Delivery.objects.bulk_create(
        Delivery(
            endpoint=hooked.endpoint,
            kind="round.finished",
            body=f'{{"n":{i}}}',
            status=Delivery.Status.DELIVERED,
            attempts=1,
            response_code=200,
            created_at=start + datetime.timedelta(seconds=i),
        )
        for i in range(n)
    )


def test_the_test_button_sends_a_signed_test_event_shown_in_the_log(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    hooked.endpoint.events = ["concern.raised"]  # a test goes whatever the endpoint hears
    hooked.endpoint.save()
    client = client_for(hooked.world.admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_base(hooked) + "test/")

    assert response.status_code == 302
    [received] = hooked.receiver.requests
    assert received.verified
    assert received.event["type"] == "webhook.test"
    assert received.event["data"] == {"test": True}
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    log = client.get(_base(hooked)).content.decode()
    assert "webhook.test" in log and str(delivery.event_id) in log
    detail = client.get(_base(hooked) + f"deliveries/{delivery.pk}/").content.decode()
    assert "&quot;type&quot;: &quot;webhook.test&quot;" in detail  # the body as sent
    assert "&quot;received&quot;: true" in detail  # the receiver's answer
    assert "HTTP 200" in detail


def test_replay_sends_the_same_event_again_as_a_new_delivery(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    hooked.receiver.answers.extend([500])
    with django_capture_on_commit_callbacks(execute=True):
        event_emit(organization_id=hooked.world.org.pk, kind=Endpoint.Event.ROUND_FINISHED, data={})
    first = Delivery.objects.get()
    client = client_for(hooked.world.admin)
    replay_url = _base(hooked) + f"deliveries/{first.pk}/replay/"
    # Still retrying: the admin is asked to wait for it to finish.
    client.post(replay_url)
    assert Delivery.objects.count() == 1
    Delivery.objects.filter(pk=first.pk).update(status=Delivery.Status.FAILED)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(replay_url)

    replay = Delivery.objects.exclude(pk=first.pk).get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/deliveries/{replay.pk}/")
    assert replay.event_id == first.event_id
    assert replay.body == first.body
    assert replay.replay_of == first
    assert replay.status == Delivery.Status.DELIVERED and replay.attempts == 1
    one, two = hooked.receiver.requests
    assert one.headers["Tandem-Event"] == two.headers["Tandem-Event"]
    assert one.headers["Tandem-Delivery"] != two.headers["Tandem-Delivery"]
    assert two.verified and one.body == two.body
    first.refresh_from_db()
    assert first.status == Delivery.Status.FAILED  # the original keeps its own history
    page = client.get(_base(hooked) + f"deliveries/{first.pk}/").content.decode()
    assert f"Delivery {replay.pk}" in page


def test_the_log_is_newest_first_a_page_at_a_time(hooked: Hooked) -> None:
    deliveries = _fill(hooked, 30)
    client = client_for(hooked.world.admin)

    first = client.get(_base(hooked))
    second = client.get(_base(hooked) + "?page=2")

    shown = [d.pk for d in first.context["page"]]
    assert shown == [d.pk for d in reversed(deliveries)][:25]
    assert [d.pk for d in second.context["page"]] == [d.pk for d in reversed(deliveries)][25:]
    assert client.get(_base(hooked) + "?page=zzz").status_code == 200
    assert client.get(_base(hooked) + "?page=999").status_code == 200


@pytest.mark.parametrize("count", [3, 60])
def test_the_log_reads_a_fixed_number_of_queries(
    hooked: Hooked, count: int, django_assert_max_num_queries
) -> None:
    _fill(hooked, count)
    client = client_for(hooked.world.admin)
    client.get(_base(hooked))  # Warm the session.

    with django_assert_max_num_queries(7):
        response = client.get(_base(hooked))

    assert len(response.context["page"]) == min(count, 25)


def test_a_delivery_of_another_endpoint_is_not_found_under_this_one(hooked: Hooked) -> None:
    other = Endpoint.objects.create(
        organization=hooked.world.org, url=hooked.receiver.url, events=[], secret="s"
    )
    theirs = Delivery.objects.create(endpoint=other, kind="webhook.test", body="{}")
    client = client_for(hooked.world.admin)

    assert client.get(_base(hooked) + f"deliveries/{theirs.pk}/").status_code == 404
    assert client.post(_base(hooked) + f"deliveries/{theirs.pk}/replay/").status_code == 404


def test_finished_deliveries_past_their_retention_are_pruned(hooked: Hooked, settings) -> None:
    from tandem.webhooks.tasks import prune_deliveries

    settings.WEBHOOKS_LOG_RETENTION_DAYS = 30
    old = timezone.now() - datetime.timedelta(days=31)
    kept = [
        Delivery.objects.create(
            endpoint=hooked.endpoint, kind="round.finished", body="{}", status=s
        )
        for s in ("delivered", "failed", "retrying")
    ]
    Delivery.objects.update(created_at=old)
    recent = Delivery.objects.create(
        endpoint=hooked.endpoint, kind="round.finished", body="{}", status="delivered"
    )

    assert prune_deliveries.call() == 2

    assert set(Delivery.objects.values_list("pk", flat=True)) == {kept[2].pk, recent.pk}


def test_the_whole_log_exports_without_the_bodies(hooked: Hooked) -> None:
    import csv
    import io

    from tandem.security.models import SecurityEvent

    _fill(hooked, 3)
    url = f"{_base(hooked)}deliveries.csv"
    response = client_for(hooked.world.admin).get(url)
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Created (UTC)", "Event", "Event id", "Status"]
    assert len(rows) == 4 and all(row[1] == "round.finished" for row in rows[1:])
    assert '"n"' not in response.content.decode()
    assert SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT).detail["rows"] == 3
    for who in (hooked.world.mentor, hooked.world.member, hooked.world.outsider):
        assert client_for(who).get(url).status_code == 404

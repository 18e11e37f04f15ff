"""The organization admin's webhook pages: add, change, rotate, delete, and who may see them."""

import pytest

from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for
from tandem.webhooks.models import Delivery, Endpoint
from tandem.webhooks.tests.conftest import Hooked
from tandem.webhooks.tests.receiver import Receiver, verify

pytestmark = pytest.mark.django_db

PUBLIC = "https://93.184.216.34/hooks/tandem"


def _list(world: World) -> str:
    return f"/webhooks/{world.org.pk}/"


def _pages(hooked: Hooked) -> list[str]:
    base = f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/"
    delivery = Delivery.objects.create(
        endpoint=hooked.endpoint, kind="webhook.test", body="{}", status="delivered"
    )
    return [
        f"/webhooks/{hooked.world.org.pk}/",
        base,
        f"{base}edit/",
        f"{base}secret/",
        f"{base}delete/",
        f"{base}deliveries/{delivery.pk}/",
    ]


def test_adding_an_endpoint_shows_its_secret_once_and_logs_it(
    world: World, receiver: Receiver
) -> None:
    client = client_for(world.admin)

    response = client.post(
        _list(world),
        {
            "url": receiver.url + "?token=receivers-own",
            "description": "HR system",
            "events": ["relationship.paused", "concern.raised"],
        },
    )

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    endpoint = Endpoint.objects.get(organization=world.org)
    secret = response.context["secret"]
    assert secret == endpoint.secret and secret in response.content.decode()
    assert endpoint.events == ["relationship.paused", "concern.raised"]
    assert endpoint.enabled and endpoint.created_by == world.admin
    again = client.get(_list(world))
    assert secret not in again.content.decode()
    assert "HR system" in again.content.decode()
    assert secret not in client.get(f"/webhooks/{world.org.pk}/{endpoint.pk}/").content.decode()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.WEBHOOK_CREATED)
    assert event.organization == world.org and event.user == world.admin
    assert event.detail["endpoint"] == receiver.url  # without the receiver's own token
    assert "receivers-own" not in str(event.detail)
    # The page sent again (a reload) adds no second endpoint and shows no secret.
    reload = client.post(
        _list(world),
        {
            "url": receiver.url + "?token=receivers-own",
            "description": "HR system",
            "events": ["relationship.paused", "concern.raised"],
        },
    )
    assert "already sends events to this URL" in reload.content.decode()
    assert reload.context["secret"] is None
    assert Endpoint.objects.filter(organization=world.org).count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"url": ""}, "url", "This field is required."),
        ({"url": "x" * 501}, "url", "at most 500 characters"),
        ({"url": "not a url"}, "url", "starts with https://"),
        ({"url": "http://93.184.216.34/h"}, "url", "must start with https://"),
        ({"url": "https://10.0.0.5/h"}, "url", "public internet"),
        ({"url": "https://169.254.169.254/latest"}, "url", "public internet"),
        ({"url": "https://a:b@93.184.216.34/h"}, "url", "name or password"),
        ({"description": "d" * 201}, "description", "at most 200 characters"),
        ({"events": []}, "events", "Choose at least one event to send."),
        ({"events": ["journal.written"]}, "events", "not one of the available choices"),
    ],
)
def test_bad_input_on_each_field_is_a_form_error(
    world: World, data: dict, field: str, message: str
) -> None:
    form = {"url": PUBLIC, "description": "", "events": ["round.finished"]} | data

    response = client_for(world.admin).post(_list(world), form)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Endpoint.objects.exists()
    assert not SecurityEvent.objects.filter(kind__startswith="webhook").exists()


def test_an_organization_has_at_most_twenty_endpoints(world: World) -> None:
    for n in range(Endpoint.MAX_PER_ORGANIZATION):
        Endpoint.objects.create(
            organization=world.org, url=f"{PUBLIC}/{n}", events=["round.finished"], secret="s"
        )
    response = client_for(world.admin).post(
        _list(world), {"url": PUBLIC, "events": ["round.finished"]}
    )
    assert "at most 20 endpoints" in " ".join(response.context["form"].non_field_errors())
    assert Endpoint.objects.count() == 20


@pytest.mark.parametrize("who", ["outsider", "mentor", "member"])
def test_someone_not_an_admin_of_the_organization_gets_404_on_every_page(
    hooked: Hooked, who: str
) -> None:
    client = client_for(getattr(hooked.world, who))
    for url in _pages(hooked):
        assert client.get(url).status_code == 404, url
    base = f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/"
    delivery = Delivery.objects.get()
    for url in [
        f"{base}edit/",
        f"{base}secret/",
        f"{base}delete/",
        f"{base}test/",
        f"{base}deliveries/{delivery.pk}/replay/",
    ]:
        assert (
            client.post(url, {"url": "https://1.1.1.1/", "events": ["round.finished"]}).status_code
            == 404
        )
    hooked.endpoint.refresh_from_db()
    assert hooked.endpoint.url == hooked.receiver.url
    assert Delivery.objects.count() == 1
    assert hooked.receiver.requests == []


def test_the_other_organizations_admin_cannot_reach_an_endpoint_through_their_own_id(
    hooked: Hooked,
) -> None:
    """Olga runs Riverside: Northwind's endpoint under Riverside's address is still a 404."""
    client = client_for(hooked.world.outsider)
    assert client.get(f"/webhooks/{hooked.world.other_org.pk}/").status_code == 200
    url = f"/webhooks/{hooked.world.other_org.pk}/{hooked.endpoint.pk}/"
    assert client.get(url).status_code == 404
    assert client.get(url + "edit/").status_code == 404


def test_the_admin_sees_every_page(hooked: Hooked) -> None:
    client = client_for(hooked.world.admin)
    for url in _pages(hooked):
        assert client.get(url).status_code == 200, url
    home = client.get(f"/organizations/{hooked.world.org.pk}/").content.decode()
    assert f"/webhooks/{hooked.world.org.pk}/" in home


def test_changing_an_endpoint_saves_it_and_logs_what_changed(hooked: Hooked) -> None:
    url = f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/edit/"

    response = client_for(hooked.world.admin).post(
        url,
        {"url": hooked.receiver.url, "description": "", "events": ["round.finished"]},
    )

    assert response.status_code == 302
    hooked.endpoint.refresh_from_db()
    assert hooked.endpoint.events == ["round.finished"]
    assert not hooked.endpoint.enabled  # the box was left unticked
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.WEBHOOK_CHANGED)
    assert event.detail["changes"] == ["events: round.finished", "turned off"]


def test_bad_input_when_changing_is_a_form_error_and_changes_nothing(
    hooked: Hooked, settings
) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    url = f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/edit/"

    response = client_for(hooked.world.admin).post(
        url, {"url": "https://192.168.1.1/", "events": [], "enabled": "on"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "events" in errors
    response = client_for(hooked.world.admin).post(
        url, {"url": "https://192.168.1.1/", "events": ["round.finished"], "enabled": "on"}
    )
    assert "public internet" in " ".join(response.context["form"].errors["url"])
    hooked.endpoint.refresh_from_db()
    assert hooked.endpoint.url == hooked.receiver.url


def test_rotating_the_secret_shows_the_new_one_once_and_signs_with_it(
    hooked: Hooked, django_capture_on_commit_callbacks
) -> None:
    old = hooked.receiver.secret
    url = f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/secret/"
    client = client_for(hooked.world.admin)
    assert client.get(url).status_code == 200
    assert hooked.endpoint.secret not in client.get(url).content.decode()

    made_at = hooked.endpoint.secret_made_token
    response = client.post(url, {"made_at": made_at})

    new = response.context["secret"]
    assert new != old and new in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    hooked.endpoint.refresh_from_db()
    assert hooked.endpoint.secret == new
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.WEBHOOK_SECRET_ROTATED).exists()
    # The same form sent again (a reload) rotates nothing, and says why.
    again = client.post(url, {"made_at": made_at}, follow=True)
    assert "rotated already" in again.content.decode()
    hooked.endpoint.refresh_from_db()
    assert hooked.endpoint.secret == new
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.WEBHOOK_SECRET_ROTATED).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/test/")
    [received] = hooked.receiver.requests
    assert not received.verified  # the receiver still holds the old secret
    header = received.headers["Tandem-Signature"]
    assert verify(secret=new, header=header, body=received.body)


def test_deleting_an_endpoint_removes_it_with_its_log(hooked: Hooked) -> None:
    Delivery.objects.create(endpoint=hooked.endpoint, kind="webhook.test", body="{}")
    url = f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/delete/"
    client = client_for(hooked.world.admin)
    assert "1 delivery" in client.get(url).content.decode()

    response = client.post(url)

    assert response.status_code == 302
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.WEBHOOK_DELETED)
    assert event.detail["endpoint"] == hooked.receiver.url


def test_the_security_log_page_shows_endpoint_changes(hooked: Hooked) -> None:
    page = client_for(hooked.world.admin).get(f"/organizations/{hooked.world.org.pk}/security/")
    text = page.content.decode()
    assert "Added a webhook endpoint" in text
    assert hooked.receiver.url in text


def test_the_security_log_export_names_the_endpoint(hooked: Hooked) -> None:
    client = client_for(hooked.world.admin)
    client.post(
        f"/webhooks/{hooked.world.org.pk}/{hooked.endpoint.pk}/edit/",
        {"url": hooked.receiver.url, "events": ["round.finished"], "enabled": "on"},
    )

    response = client.get(f"/organizations/{hooked.world.org.pk}/security/export.csv")

    text = response.getvalue()
    assert f"{hooked.receiver.url} · events: round.finished".encode() in text
    assert hooked.endpoint.secret.encode() not in text


@pytest.mark.parametrize("allowed", [False, True])
def test_the_page_states_the_address_rule_in_force(world: World, settings, allowed: bool) -> None:
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = allowed
    client = client_for(world.admin)
    page = client.get(f"/webhooks/{world.org.pk}/").content.decode()
    assert ("accepts any address" in page) is allowed
    response = client.post(
        f"/webhooks/{world.org.pk}/",
        {"url": "http://example.com/hook", "events": ["round.finished"]},
    )
    assert Endpoint.objects.filter(url="http://example.com/hook").exists() is allowed
    if not allowed:
        assert "url" in response.context["form"].errors

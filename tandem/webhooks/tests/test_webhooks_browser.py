"""An organization admin adds an endpoint in the browser, tests it, reads its log, replays."""

from typing import Any

import pytest

from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World
from tandem.webhooks.models import Delivery, Endpoint
from tandem.webhooks.tests.receiver import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_test_read_and_replay(
    world: World, receiver: Receiver, page: Any, axe: AxeChecker
) -> None:
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/organizations/{world.org.pk}/")
    page.get_by_role("link", name="Webhooks").click()
    page.get_by_role("heading", name="Webhooks", exact=True).wait_for()
    axe.check(page, "webhooks01-empty")

    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("HR data warehouse")
    page.get_by_label("Relationship paused").check()
    page.get_by_role("button", name="Add the endpoint").click()
    page.get_by_role("heading", name="Copy the signing secret now").wait_for()
    receiver.secret = page.get_by_label("Signing secret").input_value()
    assert receiver.secret == Endpoint.objects.get().secret
    axe.check(page, "webhooks02-secret-shown")

    page.get_by_role("link", name=receiver.url).click()
    page.get_by_role("button", name="Send a test event").click()
    page.get_by_text("A test event is on its way").wait_for()
    axe.check(page, "webhooks03-log")
    [received] = receiver.requests
    assert received.verified and received.event["type"] == "webhook.test"

    page.get_by_role("link", name="webhook.test").click()
    page.get_by_role("heading", name="Request body").wait_for()
    axe.check(page, "webhooks04-delivery")
    page.get_by_role("button", name="Replay").click()
    page.get_by_text("The event is sent again").wait_for()
    assert len(receiver.requests) == 2
    assert receiver.requests[1].headers["Tandem-Event"] == received.headers["Tandem-Event"]
    assert Delivery.objects.filter(status="delivered").count() == 2
    assert axe.problems == [], "\n".join(axe.problems)

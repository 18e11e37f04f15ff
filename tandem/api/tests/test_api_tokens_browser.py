"""A person makes an API token in the browser, calls the API with it, opens the docs, revokes it."""

from typing import Any

import pytest
from django.test import Client

from tandem.api.models import ApiToken
from tandem.relationships.tests.conftest import active
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_use_and_revoke_a_personal_token(ready: World, page: Any, axe: AxeChecker) -> None:
    relationship = active(ready)
    sign_in(page, ready.mentee.email, PASSWORD)
    page.goto("/api/tokens/")
    page.get_by_role("heading", name="API tokens", exact=True).wait_for()
    axe.check(page, "api01-tokens-empty")

    page.get_by_label("Name").fill("My script")
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Make a token").click()
    page.get_by_role("heading", name="Copy the token “My script” now").wait_for()
    secret = page.get_by_label("Token", exact=True).input_value()
    axe.check(page, "api02-token-shown")

    auth = {"Authorization": f"Bearer {secret}"}
    mine = Client().get(f"/api/v1/relationships/{relationship.pk}", headers=auth)
    assert mine.status_code == 200 and mine.json()["my_role"] == "mentee"

    # The browsable reference renders under the strict CSP, from this site's own files.
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto("/api/v1/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 30
    assert errors == []

    page.goto("/api/tokens/")
    assert secret not in page.content()
    page.get_by_role("row", name="My script").get_by_role("link", name="Revoke…").click()
    page.get_by_role("heading", name="Revoke the token “My script”?").wait_for()
    axe.check(page, "api03-revoke-confirm")
    page.get_by_role("button", name="Revoke “My script”").click()
    page.get_by_text("“My script” is revoked").wait_for()
    assert ApiToken.objects.get(name="My script").revoked_at is not None
    assert Client().get("/api/v1/me", headers=auth).status_code == 401
    assert axe.problems == [], "\n".join(axe.problems)

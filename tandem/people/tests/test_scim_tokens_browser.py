"""An organization admin makes a SCIM token in the browser, copies it, uses it, revokes it."""

from typing import Any

import pytest
from django.test import Client

from tandem.people.models import ScimToken
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_make_copy_use_and_revoke_a_token(world: World, page: Any, axe: AxeChecker) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/organizations/{world.org.pk}/scim/")
    page.get_by_role("heading", name="Provisioning from your identity provider").wait_for()
    assert page.get_by_label("SCIM base URL").input_value().endswith("/scim/v2/")
    axe.check(page, "scim01-tokens-empty")

    page.get_by_label("Name").fill("Entra ID")
    page.get_by_role("button", name="Make a token").click()
    page.get_by_role("heading", name="Copy the token for “Entra ID” now").wait_for()
    secret = page.get_by_label("Token", exact=True).input_value()
    axe.check(page, "scim02-token-shown")

    auth = {"Authorization": f"Bearer {secret}"}
    assert Client().get("/scim/v2/Users", headers=auth).status_code == 200

    page.reload()
    assert secret not in page.content()
    page.get_by_role("row", name="Entra ID").get_by_role("link", name="Revoke…").click()
    page.get_by_role("heading", name="Revoke the token “Entra ID”?").wait_for()
    assert ScimToken.objects.get(name="Entra ID").revoked_at is None
    axe.check(page, "scim03-revoke-confirm")
    page.get_by_role("button", name="Revoke “Entra ID”").click()
    page.get_by_text("“Entra ID” is revoked").wait_for()
    axe.check(page, "scim04-revoked")

    assert ScimToken.objects.get(name="Entra ID").revoked_at is not None
    assert Client().get("/scim/v2/Users", headers=auth).status_code == 401
    assert axe.problems == [], "\n".join(axe.problems)

"""An organization admin sets up SAML single sign-on in the browser, mistake first."""

import datetime
from typing import Any
from xml.etree import ElementTree

import pytest

from tandem.accounts.social import sign_on_for_organization
from tandem.testing import saml_idp
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

METADATA = "{urn:oasis:names:tc:SAML:2.0:metadata}"


def test_admin_sets_up_saml_and_reads_tandems_metadata(
    world: World, live_server: Any, page: Any, axe: AxeChecker
) -> None:
    world.org.email_domains = ["northwind.test"]
    world.org.save()
    long_ago = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=400)
    expired = saml_idp.signing_key(valid_from=long_ago, days=30)
    current = saml_idp.signing_key()
    sign_in(page, world.admin.email, PASSWORD)
    page.goto(f"/organizations/{world.org.pk}/sign-on/")
    page.get_by_label("SAML 2.0").check()
    page.get_by_label("Identity provider entity ID").fill(saml_idp.ENTITY_ID)
    page.get_by_label("Single sign-on URL").fill(saml_idp.SSO_URL)
    page.get_by_label("Signing certificate").fill(expired.certificate_pem)
    page.get_by_role("button", name="Turn on single sign-on").click()
    page.get_by_text("This certificate expired on").wait_for()
    axe.check(page, "sign-on-saml01-expired-certificate")
    assert sign_on_for_organization(world.org) is None

    page.get_by_label("Signing certificate").fill(current.certificate_pem)
    page.get_by_role("button", name="Turn on single sign-on").click()
    page.get_by_text("Single sign-on is saved.").wait_for()
    axe.check(page, "sign-on-saml02-saved")
    sign_on = sign_on_for_organization(world.org)
    assert sign_on is not None and sign_on.is_saml

    entity_id = page.locator("#saml-entity-id").inner_text()
    acs_url = page.locator("#saml-acs-url").inner_text()
    assert entity_id == f"{live_server.url}/accounts/saml/northwind/metadata/"
    metadata = page.request.get(entity_id)
    assert metadata.ok and metadata.headers["content-type"].startswith("text/xml")
    root = ElementTree.fromstring(metadata.body())
    assert root.get("entityID") == entity_id
    acs = root.find(f".//{METADATA}AssertionConsumerService")
    assert acs is not None and acs.get("Location") == acs_url
    assert axe.problems == [], "\n".join(axe.problems)

"""Browser-test fixtures: Debian's Chromium driven by Playwright, with axe-core checks."""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

CHROMIUM = os.environ.get("TANDEM_CHROMIUM", "/usr/bin/chromium")


class OneAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time when threads share a connection.

    With SQLite's in-memory test database every request thread of the live server uses the
    test's own connection. A page that loads many images from Tandem at once (the health
    page's charts) then runs queries on that one connection from several threads, and
    they can wait on one another for ever. Connections are still served in threads; the
    requests on them take turns.
    """

    def set_app(self, application: Any) -> None:
        turn = threading.Lock()
        shared = bool(getattr(self, "connections_override", None))

        def one_at_a_time(environ: Any, start_response: Any) -> Any:
            if not shared:
                return application(environ, start_response)
            with turn:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


LiveServerThread.server_class = OneAtATimeServer  # type: ignore[attr-defined]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BLOCKING_IMPACTS = {"serious", "critical"}


@pytest.fixture
def new_page(live_server: Any) -> Iterator[Callable[[], Any]]:
    """Yield a function that opens a page in a fresh browser context (one per person)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}; scripts/install-browser installs it.")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the test
    # makes around it are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # The live server answers each request in a new thread; persistent connections would
    # outlive those threads and keep PostgreSQL from dropping the test database.
    db_settings = connections.settings["default"]
    max_age = db_settings.get("CONN_MAX_AGE", 0)
    db_settings["CONN_MAX_AGE"] = 0
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )

        def open_page() -> Any:
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": 1200, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            return page

        try:
            yield open_page
        finally:
            browser.close()
            db_settings["CONN_MAX_AGE"] = max_age
            connections.close_all()


@pytest.fixture
def page(new_page: Callable[[], Any]) -> Any:
    """Return one Playwright page in headless Chromium, pointed at the live server."""
    return new_page()


def sign_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("link", name="Sign out").or_(
        page.get_by_role("button", name="Sign out")
    ).wait_for()


@pytest.fixture(scope="session")
def warm_engine() -> None:
    """Compile the matching kernels before a browser waits on a round.

    On a fresh checkout numba compiles them on first use, which takes longer than a
    browser waits for a page; a deployment does the same at install or worker start.
    """
    from tandem.matching.engine.warm import warm_up

    warm_up()


def wait_until_live(field: Any) -> None:
    """Wait until htmx has bound its triggers to `field`.

    A page loaded in full shows its fields before the deferred htmx script has run, so
    typing at once would send no request at all; a person is never that fast.
    """
    field.wait_for()
    field.page.wait_for_function(
        "el => Boolean(el['htmx-internal-data'] && el['htmx-internal-data'].initHash)",
        arg=field.element_handle(),
    )


class AxeChecker:
    """Run axe-core on pages and collect serious or critical violations."""

    def __init__(self) -> None:
        self.axe = Axe()
        self.problems: list[str] = []
        self.pages: list[str] = []

    def check(self, page: Any, name: str) -> None:
        results = self.axe.run(page)
        self.pages.append(page.url)
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        for violation in results.response["violations"]:
            if violation["impact"] in BLOCKING_IMPACTS:
                targets = [node["target"] for node in violation["nodes"]][:3]
                self.problems.append(
                    f"{page.url}: {violation['id']} ({violation['impact']}) on {targets}"
                )


@pytest.fixture
def axe() -> AxeChecker:
    return AxeChecker()

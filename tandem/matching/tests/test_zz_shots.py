"""Screenshots of the publishing card mid-way and of a round stopped mid-way (not committed)."""

from typing import Any

import pytest

from tandem.matching import services
from tandem.matching.tasks import publish_round, run_round
from tandem.programs.models import Enrollment
from tandem.testing.browser import sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World
from tandem.testing.rounds import round_create_default

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("warm_engine"),
]


def test_shots(cohort: World, page: Any, settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    created = round_create_default(program=cohort.program, by=cohort.admin)
    services.round_start(matching_round=created)
    run_round.call(created.pk)
    page.set_viewport_size({"width": 1100, "height": 900})
    sign_in(page, cohort.admin.email, PASSWORD)
    page.goto(f"/matching/rounds/{created.pk}/")
    page.get_by_role("button", name="Publish: send the proposals").click()
    page.get_by_text("Waiting for a worker").wait_for()
    page.screenshot(path="/tmp/pp-shots/1-waiting.png")
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    chunk = services._publish_chunk
    calls = []
    order = list(created.pairs.order_by("-score", "pk"))
    mentor = order[-1].mentor_id

    def then_watch(*args: Any, **kwargs: Any) -> Any:
        sent = chunk(*args, **kwargs)
        calls.append(sent)
        if len(calls) == 1:
            page.get_by_text("Sent 2 of 6 proposals").wait_for()
            page.locator("#progress").screenshot(path="/tmp/pp-shots/2-card.png")
            page.screenshot(path="/tmp/pp-shots/2-midway.png")
            Enrollment.objects.filter(pk=mentor).update(accepting_now=False)
        return sent

    monkeypatch.setattr(services, "_publish_chunk", then_watch)
    print(publish_round.call(created.pk))
    page.get_by_text("Publishing stopped with").wait_for(timeout=15000)
    page.screenshot(path="/tmp/pp-shots/3-stopped.png", full_page=True)

"""An admin watches a round run, then publish, in the background; the page reloads whole after."""

from typing import Any

import pytest

from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.matching.tasks import publish_round, run_round
from tandem.testing.browser import sign_in
from tandem.testing.factories import PASSWORD
from tandem.testing.fixtures import World
from tandem.testing.rounds import round_create_default

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("warm_engine"),
]


def test_the_progress_card_gives_way_to_the_whole_page(
    cohort: World, page: Any, settings: Any
) -> None:
    # No worker empties the queue until the test plays the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    created = round_create_default(program=cohort.program, by=cohort.admin)
    services.round_start(matching_round=created)
    sign_in(page, cohort.admin.email, PASSWORD)
    page.goto(f"/matching/rounds/{created.pk}/")
    page.get_by_text("Running…").wait_for()

    run_round.call(created.pk)
    assert MatchingRound.objects.get(pk=created.pk).status == MatchingRound.Status.READY
    page.get_by_role("heading", name="Quality").wait_for()
    assert page.locator("h1").count() == 1  # one page, not a page inside the card
    assert page.locator("#progress").count() == 0
    assert page.get_by_text("of 6 mentees matched").is_visible()


def test_the_publishing_card_counts_the_proposals_sent_then_gives_way(
    cohort: World, page: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    created = round_create_default(program=cohort.program, by=cohort.admin)
    services.round_start(matching_round=created)
    run_round.call(created.pk)
    sign_in(page, cohort.admin.email, PASSWORD)
    page.goto(f"/matching/rounds/{created.pk}/")
    page.get_by_role("button", name="Publish: send the proposals").click()
    page.get_by_text("Publishing 6 proposals…").wait_for()
    assert page.get_by_text("Waiting for a worker").is_visible()

    # The worker sends two proposals a chunk; the card, polling, shows each chunk sent.
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    chunk = services._publish_chunk
    shown: list[str] = []

    def then_watch(*args: Any, **kwargs: Any) -> Any:
        sent = chunk(*args, **kwargs)
        if len(shown) < 2:
            note = f"Sent {2 * (len(shown) + 1)} of 6 proposals"
            page.get_by_text(note).wait_for()
            shown.append(page.locator("#progress progress").get_attribute("value") or "")
        return sent

    monkeypatch.setattr(services, "_publish_chunk", then_watch)
    assert publish_round.call(created.pk) == "published"
    assert shown == ["33", "66"]
    page.get_by_text("Each pair below is now a proposal").wait_for()
    assert page.locator("#progress").count() == 0
    assert page.locator("h1").count() == 1

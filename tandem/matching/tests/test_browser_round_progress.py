"""An admin watches a round run in the background; the page reloads whole when it is ready."""

from typing import Any

import pytest

from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.matching.tasks import run_round
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

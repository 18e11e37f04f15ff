"""A running round's page names the step it is on: loading, each matching stage, storing."""

import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.management.commands import db_worker

from tandem.matching import running, services
from tandem.matching.models import MatchingRound
from tandem.matching.tasks import run_round
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default

POLL = {"HX-Request": "true"}


@pytest.fixture
def queued(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.mark.parametrize("solver", ["optimal", "stable"])
def test_the_progress_card_shows_each_stage_in_order(
    cohort: World, queued: None, django_capture_on_commit_callbacks, monkeypatch, solver: str
) -> None:
    created = round_create_default(program=cohort.program, by=cohort.admin, solver=solver)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_start(matching_round=created)
    client = client_for(cohort.admin)
    url = reverse("matching:round", args=[created.pk])
    shown: list[tuple[int, str]] = []

    def look() -> None:
        """Poll the page as the browser does, and note the stage its card shows."""
        body = client.get(url, headers=POLL).content.decode()
        note = re.search(r"<strong>Running…</strong>\s*([^<]*)</p>", body)
        percent = re.search(r'<progress[^>]*value="(\d+)"', body)
        assert note and percent, body
        shown.append((int(percent.group(1)), note.group(1).strip()))

    def spied(function: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            look()
            return function(*args, **kwargs)

        return call

    real_run = running.run_matching

    def run(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        look()
        if progress is None:  # a stable round's comparison with the best total
            return real_run(*args, **kwargs)

        def report(stage: str) -> None:
            progress(stage)
            look()

        return real_run(*args, progress=report, **kwargs)

    monkeypatch.setattr(running, "load_instance", spied(running.load_instance))
    monkeypatch.setattr(running, "run_matching", run)
    monkeypatch.setattr(running, "rows_insert", spied(running.rows_insert))

    assert run_round.call(created.pk) == MatchingRound.Status.READY

    notes = [note for _, note in shown]
    assert notes[0] == "Reading the program"
    assert notes[1] == "Matching: describing everyone"
    assert notes[-1] == "Storing the pairs"
    if solver == "stable":
        assert notes[-2] == "Comparing with the best-total matching"
    assert "Matching: done" in notes and len(set(notes)) == len(notes)
    percents = [percent for percent, _ in shown]
    assert percents == sorted(percents) and percents[-1] < 100
    created.refresh_from_db()
    assert (created.progress, created.progress_note) == (100, "Ready for review")
    assert created.report["timings"]["load"] >= 0 and created.report["timings"]["store"] >= 0


def test_the_task_worker_compiles_the_engine_before_it_takes_tasks(
    db: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The test's transaction holds the connection: the worker must not close it.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    args = ["db_worker", "--batch", "--no-reload", "--no-startup-delay"]
    warmed, skipped = io.StringIO(), io.StringIO()
    call_command(*args, stdout=io.StringIO(), stderr=warmed)
    call_command(*args, "--no-warm-engine", stdout=io.StringIO(), stderr=skipped)
    assert "Matching engine ready" in warmed.getvalue()
    assert "Matching engine" not in skipped.getvalue()

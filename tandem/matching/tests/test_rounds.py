"""Matching rounds in a program: run, review, adjust, publish as proposals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.matching import services
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment
from tandem.relationships.models import Proposal
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default


def _round(world: World, **options: object) -> MatchingRound:
    created = round_create_default(program=world.program, by=world.admin, **options)
    services.round_start(matching_round=created)
    created.refresh_from_db()
    return created


def test_a_round_proposes_explained_pairs_within_capacity_and_reporting_lines(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = _round(cohort)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    pairs = list(created.pairs.select_related("mentee__user", "mentor__user"))
    assert len(pairs) == 6  # three mentors with two places each
    assert all(pair.reasons for pair in pairs)
    boss = Enrollment.objects.get(user__full_name="Mentor 0")
    assert not any(p.mentee == cohort.mentee_enrollment and p.mentor == boss for p in pairs)
    assert created.report["matched_share"] == 1.0


def test_the_same_inputs_give_the_same_round(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first, second = _round(cohort), _round(cohort)
    key = lambda r: sorted(r.pairs.values_list("mentee_id", "mentor_id", "score"))  # noqa: E731
    assert key(first) == key(second)


def test_lock_rerun_and_publish(cohort: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = _round(cohort)
    pair = created.pairs.order_by("score").first()
    assert pair is not None
    client = client_for(cohort.admin)
    url = reverse("matching:act", args=[created.pk])
    client.post(url, {"action": "lock", "pair": pair.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "rerun"})
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    assert created.pairs.filter(mentee=pair.mentee, mentor=pair.mentor, locked=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"action": "publish"})
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.filter(program=cohort.program).count() == created.pairs.count()


def test_swapping_to_the_mentees_manager_is_refused(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = _round(cohort)
    mia_pair = created.pairs.get(mentee=cohort.mentee_enrollment)
    boss = Enrollment.objects.get(user__full_name="Mentor 0")
    response = client_for(cohort.admin).post(
        reverse("matching:act", args=[created.pk]),
        {"action": "swap", "pair": mia_pair.pk, "mentor": boss.pk},
        follow=True,
    )
    assert "reporting line" in response.content.decode()
    assert RoundPair.objects.get(pk=mia_pair.pk).mentor != boss


def test_rounds_are_for_program_admins_only(cohort: World) -> None:
    created = round_create_default(
        program=cohort.program, by=cohort.admin, solver="stable", participation_first=False
    )
    for person in (cohort.mentor, cohort.mentee, cohort.outsider):
        client = client_for(person)
        assert client.get(reverse("matching:round", args=[created.pk])).status_code == 404
        assert client.get(reverse("matching:rounds", args=[cohort.program.pk])).status_code == 404
        assert (
            client.post(
                reverse("matching:act", args=[created.pk]), {"action": "publish"}
            ).status_code
            == 404
        )


def test_bad_settings_are_refused_next_to_the_fields(cohort: World) -> None:
    response = client_for(cohort.admin).post(
        reverse("matching:rounds", args=[cohort.program.pk]),
        {"name": "x", "solver": "magic", "seed": "1", "w_focus": "2"},
    )
    errors = response.context["form"].errors
    assert {"solver", "w_focus"} <= set(errors)
    assert not MatchingRound.objects.exists()


def test_the_review_page_query_count_does_not_grow_with_pairs(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = _round(cohort)
    client = client_for(cohort.admin)
    url = reverse("matching:round", args=[created.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    RoundPair.objects.filter(round=created).order_by("pk").first().delete()  # type: ignore[union-attr]
    with CaptureQueriesContext(connection) as fewer:
        client.get(url)
    assert len(few) == len(fewer)


def test_a_stable_round_shows_what_stability_costs(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        created = round_create_default(
            program=cohort.program, by=cohort.admin, solver="stable", participation_first=False
        )
        services.round_start(matching_round=created)
    created.refresh_from_db()
    comparison = created.report["tradeoff"]
    assert 0 < comparison["total_ratio"] <= 1
    assert comparison["stable_blocking_pairs"] == 0
    page = client_for(cohort.admin).get(reverse("matching:round", args=[created.pk]))
    assert "of its total fit" in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_round_that_finished_at_once_does_not_say_it_is_running(cohort: World) -> None:
    # Outside a test transaction the in-process task runs as the round is started.
    response = client_for(cohort.admin).post(
        reverse("matching:rounds", args=[cohort.program.pk]),
        {
            "name": "Spring",
            "solver": "optimal",
            "seed": "1",
            **{f"w_{key}": value for key, value in services.DEFAULT_WEIGHTS.items()},
        },
        follow=True,
    )
    assert MatchingRound.objects.get().status == MatchingRound.Status.READY
    assert "updates by itself" not in response.content.decode()

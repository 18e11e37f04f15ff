"""A round's pairs by API: list, change the mentor, lock and remove, as the review page does."""

from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tandem.api.tests.conftest import assert_error, ids, personal_client, service_client
from tandem.matching import services
from tandem.matching.models import MatchingRound, RoundPair
from tandem.programs.models import Enrollment
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default


def _round(world: World, capture: Any) -> MatchingRound:
    created = round_create_default(program=world.program, by=world.admin)
    with capture(execute=True):
        services.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY, created.error
    return created


def test_the_program_admin_lists_the_pairs(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    created = _round(cohort, django_capture_on_commit_callbacks)
    page = personal_client(cohort.admin).get(f"/rounds/{created.pk}/pairs")
    assert page.status_code == 200, page.content
    assert page.json()["count"] == 6
    assert ids(page) == list(created.pairs.order_by("-score", "pk").values_list("pk", flat=True))
    first = page.json()["items"][0]
    assert set(first) == {
        "id",
        "round_id",
        "mentee",
        "mentor",
        "focus",
        "score",
        "reasons",
        "locked",
    }
    service = service_client(cohort.org, cohort.admin)
    assert service.get(f"/rounds/{created.pk}/pairs").json()["count"] == 6


def test_pairs_are_missing_for_everyone_but_the_programs_admins(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    created = _round(cohort, django_capture_on_commit_callbacks)
    pair = created.pairs.first()
    assert pair is not None
    base = f"/rounds/{created.pk}/pairs"
    callers = [personal_client(p) for p in (cohort.mentor, cohort.mentee, cohort.outsider)]
    callers.append(service_client(cohort.other_org, cohort.outsider))
    for api in callers:
        assert_error(api.get(base), 404)
        assert_error(api.get(f"{base}/{pair.pk}/mentors", q="Mentor"), 404)
        assert_error(api.post(f"{base}/{pair.pk}/lock", {"locked": True}), 404)
        assert_error(api.post(f"{base}/{pair.pk}/mentor", {"mentor_id": pair.mentee_id}), 404)
        assert_error(api.post(f"{base}/{pair.pk}/remove"), 404)
    assert Client().get(f"/api/v1{base}").status_code == 401
    assert Client().post(f"/api/v1{base}/{pair.pk}/remove").status_code == 401
    pair.refresh_from_db()
    assert not pair.locked and created.pairs.count() == 6


def test_changing_to_the_mentees_manager_is_refused_in_the_pages_words(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    created = _round(cohort, django_capture_on_commit_callbacks)
    mia = created.pairs.get(mentee=cohort.mentee_enrollment)
    boss = Enrollment.objects.get(user__full_name="Mentor 0")
    api = personal_client(cohort.admin)
    found = api.get(f"/rounds/{created.pk}/pairs/{mia.pk}/mentors", q="Mentor")
    assert found.status_code == 200, found.content
    assert boss.pk not in [c["enrollment_id"] for c in found.json()]
    refused = assert_error(
        api.post(f"/rounds/{created.pk}/pairs/{mia.pk}/mentor", {"mentor_id": boss.pk}),
        400,
        "mentor_id",
    )
    assert "reporting line" in refused["detail"]
    page = client_for(cohort.admin).post(
        reverse("matching:act", args=[created.pk]),
        {"action": "swap", "pair": mia.pk, "mentor": boss.pk},
        follow=True,
    )
    assert escape(refused["detail"]) in page.content.decode()
    # The reason names the rule, not the people's private attributes.
    assert "manager" not in refused["detail"].lower() and "Mentor 0" not in refused["detail"]
    assert RoundPair.objects.get(pk=mia.pk).mentor_id == mia.mentor_id


def test_a_full_mentor_is_refused_and_a_free_one_is_proposed_and_locked(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    created = _round(cohort, django_capture_on_commit_callbacks)
    api = personal_client(cohort.admin)
    mentor_1 = Enrollment.objects.get(user__full_name="Mentor 1")
    pair = created.pairs.exclude(mentor=mentor_1).exclude(mentee=cohort.mentee_enrollment).first()
    assert pair is not None
    path = f"/rounds/{created.pk}/pairs/{pair.pk}/mentor"
    full = assert_error(api.post(path, {"mentor_id": mentor_1.pk}), 400, "mentor_id")
    assert full["detail"].endswith("has no free place left in this round.")
    assert_error(api.post(path, {"mentor_id": 0}), 422, "mentor_id")
    stranger = Enrollment.objects.exclude(program=cohort.program).first()
    if stranger is not None:
        assert_error(api.post(path, {"mentor_id": stranger.pk}), 400, "mentor_id")
    Enrollment.objects.filter(pk=mentor_1.pk).update(capacity=3)
    key = {"Idempotency-Key": "swap-1"}
    swapped = api.post(path, {"mentor_id": mentor_1.pk}, **key)
    assert swapped.status_code == 200, swapped.content
    assert swapped.json()["mentor"]["enrollment_id"] == mentor_1.pk and swapped.json()["locked"]
    pair.refresh_from_db()
    assert pair.mentor_id == mentor_1.pk and pair.locked
    assert api.post(path, {"mentor_id": mentor_1.pk}, **key)["Idempotent-Replayed"] == "true"


def test_lock_unlock_and_remove_a_pair(cohort: World, django_capture_on_commit_callbacks) -> None:
    created = _round(cohort, django_capture_on_commit_callbacks)
    pair = created.pairs.first()
    assert pair is not None
    api = service_client(cohort.org, cohort.admin)
    base = f"/rounds/{created.pk}/pairs/{pair.pk}"
    locked = api.post(f"{base}/lock", {"locked": True}, **{"Idempotency-Key": "lock-1"})
    assert locked.status_code == 200 and locked.json()["locked"] is True
    assert RoundPair.objects.get(pk=pair.pk).locked
    assert api.post(f"{base}/lock", {"locked": False}).json()["locked"] is False
    assert not RoundPair.objects.get(pk=pair.pk).locked
    removed = api.post(f"{base}/remove", **{"Idempotency-Key": "remove-1"})
    assert removed.status_code == 200, removed.content
    assert removed.json()["id"] == created.pk
    assert not RoundPair.objects.filter(pk=pair.pk).exists()
    assert api.post(f"{base}/remove", **{"Idempotency-Key": "remove-1"}).status_code == 200
    assert_error(api.post(f"{base}/remove"), 404)
    MatchingRound.objects.filter(pk=created.pk).update(status=MatchingRound.Status.PUBLISHED)
    other = created.pairs.first()
    assert other is not None
    body = assert_error(api.post(f"/rounds/{created.pk}/pairs/{other.pk}/remove"), 409)
    assert body["detail"] == "Pairs can be changed while the round is ready for review."
    assert RoundPair.objects.filter(pk=other.pk).exists()

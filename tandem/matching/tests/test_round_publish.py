"""Publishing a round: queued from the page, done by the task worker, all or nothing, once."""

from typing import Any

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.matching import services
from tandem.matching.models import MatchingRound
from tandem.matching.tasks import publish_round
from tandem.notifications.models import Notification
from tandem.policy.eligibility import lock_people
from tandem.programs.models import Enrollment
from tandem.relationships.models import Proposal, Relationship
from tandem.relationships.services import proposal_create
from tandem.testing.factories import (
    EnrollmentFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default


@pytest.fixture
def ready(cohort: World, django_capture_on_commit_callbacks: Any) -> MatchingRound:
    created = round_create_default(program=cohort.program, by=cohort.admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    return created


def _publish(world: World, matching_round: MatchingRound) -> Any:
    return client_for(world.admin).post(
        reverse("matching:act", args=[matching_round.pk]), {"action": "publish"}, follow=True
    )


def test_publishing_proposes_each_pair_once_and_tells_both_people(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    pairs = set(ready.pairs.values_list("mentee_id", "mentor_id"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _publish(cohort, ready)
    assert "Publishing 6 proposals…" in response.content.decode()
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHED
    page = client_for(cohort.admin).get(reverse("matching:round", args=[ready.pk]))
    assert "Each pair below is now a proposal" in page.content.decode()
    proposals = Proposal.objects.filter(program=cohort.program)
    assert set(proposals.values_list("mentee_id", "mentor_id")) == pairs
    assert proposals.count() == len(pairs) == 6
    assert Proposal.history.filter(history_type="+").count() == len(pairs)
    for proposal in proposals.select_related("mentor__user", "mentee__user"):
        url = reverse("relationships:proposal", args=[proposal.pk])
        told = Notification.objects.filter(kind="proposal_received", url=url)
        assert set(told.values_list("user_id", flat=True)) == {
            proposal.mentor.user_id,
            proposal.mentee.user_id,
        }
        assert told.filter(emailed_at__isnull=False).count() == 2
    assert len(mail.outbox) == 2 * len(pairs)


def test_publishing_asks_the_same_queries_whatever_the_rounds_size(
    cohort: World, ready: MatchingRound
) -> None:
    # A round publishes its thousands of pairs in bulk: no query per pair or per person.
    pair_ids = list(ready.pairs.order_by("pk").values_list("pk", flat=True))
    counts = []
    for keep in (3, 6):
        with transaction.atomic():
            ready.pairs.exclude(pk__in=pair_ids[:keep]).delete()
            with CaptureQueriesContext(connection) as queries:
                assert services.round_publish(matching_round=ready) == keep
            assert Proposal.objects.filter(program=cohort.program).count() == keep
            counts.append(len(queries))
            transaction.set_rollback(True)
    assert counts[0] == counts[1]


def test_publishing_twice_or_running_the_task_twice_creates_nothing_twice(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as queued:
        _publish(cohort, ready)
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHING
    assert len(queued) == 1  # the second click found it queued
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    with django_capture_on_commit_callbacks(execute=True):
        assert publish_round.call(ready.pk) == "skipped"
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.filter(program=cohort.program).count() == 6
    assert Notification.objects.filter(kind="proposal_received").count() == 12
    assert len(mail.outbox) == 12


def test_a_pair_the_policy_now_refuses_publishes_nothing_and_the_page_names_it(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    # Since the round ran, Mo took on someone outside it: one of his two places is gone.
    mo = cohort.mentor_enrollment
    assert ready.pairs.filter(mentor=mo).count() == 2
    outside = EnrollmentFactory.create(program=cohort.program, user=UserFactory.create())
    Relationship.objects.create(
        program=cohort.program,
        mentor=mo,
        mentee=outside,
        focus=ready.pairs.filter(mentor=mo).first().focus,  # type: ignore[union-attr]
        origin=Relationship.Origin.REQUEST,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert not Proposal.objects.filter(program=cohort.program).exists()
    assert not Notification.objects.filter(kind="proposal_received").exists()
    # The pair checked second is the one refused, as proposal_create would refuse it.
    second = (
        ready.pairs.filter(mentor=mo).order_by("-score", "pk").select_related("mentee__user")[1]
    )
    expected = f"{second.mentee.user.full_name} with Mo Haddad: Mo has no free place right now."
    assert expected in ready.error
    response = client_for(cohort.admin).get(reverse("matching:round", args=[ready.pk]))
    page = response.content.decode()
    assert "Nothing was published: 1 pair can no longer be proposed." in page
    assert expected in page


def test_a_round_being_published_cannot_be_cancelled_or_changed(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cohort.admin)
    url = reverse("matching:act", args=[ready.pk])
    pair = ready.pairs.first()
    assert pair is not None
    with django_capture_on_commit_callbacks() as queued:
        client.post(url, {"action": "publish"})
        page = client.post(url, {"action": "cancel"}, follow=True)
        client.post(url, {"action": "remove", "pair": pair.pk})
    assert "it can no longer be cancelled" in page.content.decode()
    assert ready.pairs.filter(pk=pair.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.filter(program=cohort.program).count() == 6


def test_an_unexpected_error_puts_the_round_back_to_review_and_is_raised(
    cohort: World, ready: MatchingRound, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> int:
        raise RuntimeError("disk full")

    MatchingRound.objects.filter(pk=ready.pk).update(status=MatchingRound.Status.PUBLISHING)
    monkeypatch.setattr(services, "round_publish", broken)
    with pytest.raises(RuntimeError):
        services.round_publish_run(round_id=ready.pk)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert ready.error == services.PUBLISH_STOPPED
    assert not Proposal.objects.exists()


def test_only_this_programs_admins_can_publish(cohort: World, ready: MatchingRound) -> None:
    other_admin = UserFactory.create()
    MembershipFactory.create(user=other_admin, organization=cohort.org)
    ProgramFactory.create(organization=cohort.org).admins.add(other_admin)
    for person in (other_admin, cohort.mentee, cohort.mentor, cohort.outsider):
        response = client_for(person).post(
            reverse("matching:act", args=[ready.pk]), {"action": "publish"}
        )
        assert response.status_code == 404
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY


def test_the_page_polls_while_publishing_and_refreshes_once_published(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(cohort.admin)
    url = reverse("matching:round", args=[ready.pk])
    with django_capture_on_commit_callbacks() as queued:
        page = client.post(reverse("matching:act", args=[ready.pk]), {"action": "publish"})
        page = client.get(url)
    assert "Publishing 6 proposals…" in page.content.decode()
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200
    assert "Publishing 6 proposals…" in poll.content.decode()
    assert 'hx-trigger="every 2s"' in poll.content.decode()
    assert "HX-Refresh" not in poll.headers
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    poll = client.get(url, headers={"HX-Request": "true"})
    assert poll.headers["HX-Refresh"] == "true"


def _minutes(delta: Any) -> int:
    # Pair by pair, each time stamp is taken a few microseconds after the one before.
    return round(delta.total_seconds() / 60)


def _snapshot() -> dict[str, list[Any]]:
    proposals = sorted(
        (
            p.mentor_id,
            p.mentee_id,
            p.focus_id,
            p.peer_focus_id,
            p.score,
            p.reasons,
            p.status,
            _minutes(p.expires_at - p.created_at),
            _minutes(p.updated_at - p.created_at),
            p.mentor_answer,
            p.mentee_answer,
            p.relationship_id,
        )
        for p in Proposal.objects.all()
    )
    pairs = dict(Proposal.objects.values_list("pk", "mentor_id"))
    history = sorted(
        (
            pairs[h.id],
            h.mentee_id,
            h.focus_id,
            h.status,
            _minutes(h.expires_at - h.created_at),
            h.history_type,
            h.history_user_id,
            h.history_change_reason,
            _minutes(h.history_date - h.created_at),
        )
        for h in Proposal.history.all()
    )
    urls = {reverse("relationships:proposal", args=[pk]): mentor for pk, mentor in pairs.items()}
    notifications = sorted(
        (n.user_id, n.kind, n.title, n.body, urls[n.url], n.dedupe_key, n.emailed_at is not None)
        for n in Notification.objects.filter(kind="proposal_received")
    )
    emails = sorted((m.subject, tuple(m.to), m.body.split("http")[0]) for m in mail.outbox)
    return {"proposals": proposals, "history": history, "notes": notifications, "mail": emails}


class _Undo(Exception):
    pass


def test_bulk_publishing_writes_what_proposing_pair_by_pair_writes(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    # One mentee takes e-mail as a digest: neither path e-mails them one by one.
    cohort.mentee.email_digest = True
    cohort.mentee.save()
    pairs = list(ready.pairs.select_related("mentee", "mentor").order_by("-score", "pk"))
    try:
        with transaction.atomic():
            with django_capture_on_commit_callbacks() as queued:
                lock_people([p.mentee for p in pairs] + [p.mentor for p in pairs])
                for pair in pairs:
                    proposal_create(
                        program=cohort.program,
                        mentor=pair.mentor,
                        mentee=pair.mentee,
                        focus=pair.focus,
                        peer_focus=pair.peer_focus,
                        score=pair.score,
                        reasons=pair.reasons,
                    )
            for callback in queued:
                callback()
            one_by_one = _snapshot()
            raise _Undo
    except _Undo:
        pass
    assert not Proposal.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.round_publish(matching_round=ready) == len(pairs)
    in_bulk = _snapshot()
    assert len(one_by_one["proposals"]) == 6
    assert len(one_by_one["mail"]) == 11  # Mia, in one pair, waits for her digest
    assert in_bulk == one_by_one


def test_a_batch_counts_its_own_pairs_as_proposal_create_would(
    cohort: World, ready: MatchingRound, django_capture_on_commit_callbacks: Any
) -> None:
    # Two pairs in the round for one mentor with one place: the second must be refused.
    mo = Enrollment.objects.get(pk=cohort.mentor_enrollment.pk)
    mo.capacity = 1
    mo.save()
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert "with Mo Haddad: Mo has no free place right now." in ready.error
    assert not Proposal.objects.exists()

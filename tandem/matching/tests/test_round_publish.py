"""Publishing a round: queued from the page, done by the task worker in chunks, each pair once.

Every pair is checked first: one refused means nothing is sent. Then the proposals go out
chunk by chunk, each chunk committed with the round's progress; a chunk refused later stops
the publishing with the chunks before it sent, and publishing again sends only the rest.
"""

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.matching import services
from tandem.matching.models import MatchingRound, RoundPair
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


def _queries_to_publish(cohort: World, ready: MatchingRound, keep: int) -> int:
    pair_ids = list(ready.pairs.order_by("pk").values_list("pk", flat=True))
    with transaction.atomic():
        ready.pairs.exclude(pk__in=pair_ids[:keep]).delete()
        with CaptureQueriesContext(connection) as queries:
            assert services.round_publish(matching_round=ready) == keep
        assert Proposal.objects.filter(program=cohort.program).count() == keep
        transaction.set_rollback(True)
    return len(queries)


def test_publishing_asks_the_same_queries_whatever_the_rounds_size(
    cohort: World, ready: MatchingRound
) -> None:
    # A round publishes its thousands of pairs in bulk: no query per pair or per person,
    # and within one chunk (PUBLISH_CHUNK pairs) the same queries whatever its size.
    assert services.PUBLISH_CHUNK >= 6
    assert _queries_to_publish(cohort, ready, 3) == _queries_to_publish(cohort, ready, 6)


def test_each_chunk_asks_the_same_queries(
    cohort: World, ready: MatchingRound, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One pair a chunk: each chunk adds the same queries (its locks, check, inserts and
    # progress) to the check of every pair up front, however many chunks there are.
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 1)
    two, four, six = (_queries_to_publish(cohort, ready, keep) for keep in (2, 4, 6))
    assert four - two == six - four > 0


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


@pytest.mark.parametrize("chunk", [services.PUBLISH_CHUNK, 2, 1])
def test_bulk_publishing_writes_what_proposing_pair_by_pair_writes(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    chunk: int,
) -> None:
    monkeypatch.setattr(services, "PUBLISH_CHUNK", chunk)
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
    # Every proposal of the round expires at the same moment, and each pair knows its own.
    assert Proposal.objects.values("expires_at").distinct().count() == 1
    for pair in ready.pairs.select_related("proposal"):
        assert pair.proposal is not None
        assert (pair.proposal.mentee_id, pair.proposal.mentor_id) == (
            pair.mentee_id,
            pair.mentor_id,
        )


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


def _in_order(matching_round: MatchingRound) -> list[RoundPair]:
    """The round's pairs in the order publishing checks and sends them."""
    return list(
        matching_round.pairs.select_related("mentee__user", "mentor__user").order_by("-score", "pk")
    )


def test_a_pair_refused_up_front_publishes_nothing_even_in_chunks(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The last pair sent is refused: its chunk would come third, but nothing goes out.
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    last = _in_order(ready)[-1]
    Enrollment.objects.filter(pk=last.mentor_id).update(accepting_now=False)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert ready.error.startswith("Nothing was published: 2 pairs can no longer be proposed.")
    assert f"{last.mentee.user.full_name} with {last.mentor.user.full_name}" in ready.error
    assert not Proposal.objects.exists()
    assert not ready.pairs.filter(proposal__isnull=False).exists()
    assert not Notification.objects.filter(kind="proposal_received").exists()
    assert not mail.outbox


def _stop_after_first_chunk(monkeypatch: pytest.MonkeyPatch, change: Any) -> None:
    """Make ``change`` happen once the first chunk is sent: someone changes mid-way."""
    chunk = services._publish_chunk
    calls = []

    def then_change(*args: Any, **kwargs: Any) -> Any:
        sent = chunk(*args, **kwargs)
        calls.append(sent)
        if len(calls) == 1:
            change()
        return sent

    monkeypatch.setattr(services, "_publish_chunk", then_change)


def test_a_pair_refused_mid_way_keeps_the_chunks_sent_and_publishing_again_sends_the_rest(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    order = _in_order(ready)
    # Between the check and the later chunks, the last pair's mentor stops taking anyone.
    mentor = order[-1].mentor
    _stop_after_first_chunk(
        monkeypatch,
        lambda: Enrollment.objects.filter(pk=mentor.pk).update(accepting_now=False),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    # Publishing stops at the first chunk holding one of that mentor's pairs still to send.
    refused = [p for p in order[2:] if p.mentor_id == mentor.pk]
    stopped_at = order.index(refused[0]) // 2
    sent = order[: 2 * stopped_at]
    assert len(sent) in (2, 4)
    assert set(Proposal.objects.values_list("mentee_id", "mentor_id")) == {
        (p.mentee_id, p.mentor_id) for p in sent
    }
    assert set(ready.pairs.filter(proposal__isnull=False).values_list("pk", flat=True)) == {
        p.pk for p in sent
    }
    assert Notification.objects.filter(kind="proposal_received").count() == 2 * len(sent)
    in_chunk = [p for p in order[2 * stopped_at : 2 * stopped_at + 2] if p in refused]
    assert ready.error.startswith(
        f"Publishing stopped with {len(sent)} of 6 proposals sent: {len(in_chunk)} pair"
    )
    named = f"{in_chunk[0].mentee.user.full_name} with {mentor.user.full_name}: "
    assert named + f"{mentor.user.display_name} is not taking anyone new right now." in ready.error
    assert "then publish again to send the rest." in ready.error

    client = client_for(cohort.admin)
    page = client.get(reverse("matching:round", args=[ready.pk])).content.decode()
    assert page.count("Proposal sent</span>") == len(sent)
    assert f"{len(sent)} proposals of this round are already sent." in page
    assert "Publish: send the rest of the proposals" in page
    assert "Run again around the locked pairs" not in page

    # The admin takes the refused pairs out and publishes again: only the rest go out.
    for pair in refused:
        client.post(reverse("matching:act", args=[ready.pk]), {"action": "remove", "pair": pair.pk})
    first_deadline = Proposal.objects.values_list("expires_at", flat=True).first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHED
    assert ready.error == ""
    rest = [p for p in order if p not in refused]
    assert sorted(Proposal.objects.values_list("mentee_id", "mentor_id")) == sorted(
        (p.mentee_id, p.mentor_id) for p in rest
    )
    assert not ready.pairs.filter(proposal__isnull=True).exists()
    assert Notification.objects.filter(kind="proposal_received").count() == 2 * len(rest)
    assert len(mail.outbox) == 2 * (len(rest) - len(sent))  # nobody hears twice
    assert set(Proposal.objects.values_list("expires_at", flat=True)) == {first_deadline}


def test_pairs_already_sent_cannot_be_removed_changed_or_rerun(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    order = _in_order(ready)
    _stop_after_first_chunk(
        monkeypatch,
        lambda: Enrollment.objects.filter(pk=order[2].mentee_id).update(
            status=Enrollment.Status.WITHDRAWN
        ),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert ready.pairs.filter(proposal__isnull=False).count() == 2
    sent = ready.pairs.filter(proposal__isnull=False).select_related("mentee", "mentor").first()
    assert sent is not None
    client = client_for(cohort.admin)
    url = reverse("matching:act", args=[ready.pk])
    for action in ("remove", "lock"):
        page = client.post(url, {"action": action, "pair": sent.pk}, follow=True)
        assert "already sent to both people; the pair can no longer be removed or changed" in (
            page.content.decode()
        )
    sent.refresh_from_db()
    assert sent.proposal_id is not None and not sent.locked
    other = order[-1].mentor
    with pytest.raises(DomainError, match="already sent"):
        services.pair_swap_mentor(matching_round=ready, pair_id=sent.pk, mentor=other)
    for action, refused in (("rerun", "run again"), ("cancel", "be cancelled")):
        said = client.post(url, {"action": action}, follow=True).content.decode()
        assert f"2 proposals of this round are already sent, so it can no longer {refused}." in (
            said
        )
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert ready.pairs.count() == 6


def test_an_unexpected_error_mid_way_keeps_the_chunks_sent(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The worker dies on the second chunk: the first stays sent, the second left nothing.
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    create_all = services.proposals_create_all
    calls: list[int] = []

    def dies_on_the_second(**kwargs: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("worker lost")
        return create_all(**kwargs)

    monkeypatch.setattr(services, "proposals_create_all", dies_on_the_second)
    MatchingRound.objects.filter(pk=ready.pk).update(status=MatchingRound.Status.PUBLISHING)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        services.round_publish_run(round_id=ready.pk)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.READY
    assert ready.error.startswith("Publishing stopped on an unexpected error with 2 of 6")
    assert Proposal.objects.count() == ready.pairs.filter(proposal__isnull=False).count() == 2
    monkeypatch.setattr(services, "proposals_create_all", create_all)
    with django_capture_on_commit_callbacks(execute=True):
        _publish(cohort, ready)
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.count() == 6
    assert Notification.objects.filter(kind="proposal_received").count() == 12
    assert len(mail.outbox) == 12


def test_a_second_run_mid_way_sends_nothing_twice(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A run re-queued while the first still works: it starts after the first one's first
    # chunk, sends the rest; the first one then finds nothing left to send.
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    MatchingRound.objects.filter(pk=ready.pk).update(status=MatchingRound.Status.PUBLISHING)
    outcomes = []
    _stop_after_first_chunk(
        monkeypatch, lambda: outcomes.append(services.round_publish_run(round_id=ready.pk))
    )
    with django_capture_on_commit_callbacks(execute=True):
        outcomes.append(services.round_publish_run(round_id=ready.pk))
    assert outcomes == ["published", "published"]
    ready.refresh_from_db()
    assert ready.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.count() == 6
    assert Notification.objects.filter(kind="proposal_received").count() == 12
    assert len(mail.outbox) == 12


def test_the_page_shows_how_many_proposals_are_sent_while_publishing(
    cohort: World,
    ready: MatchingRound,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    client = client_for(cohort.admin)
    url = reverse("matching:round", args=[ready.pk])
    polls: list[str] = []
    chunk = services._publish_chunk

    def then_poll(*args: Any, **kwargs: Any) -> Any:
        sent = chunk(*args, **kwargs)
        polls.append(client.get(url, headers={"HX-Request": "true"}).content.decode())
        return sent

    monkeypatch.setattr(services, "_publish_chunk", then_poll)
    with django_capture_on_commit_callbacks() as queued:
        client.post(reverse("matching:act", args=[ready.pk]), {"action": "publish"})
    waiting = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "Waiting for a worker" in waiting and 'value="0"' in waiting
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    assert "Sent 2 of 6 proposals" in polls[0] and 'value="33"' in polls[0]
    assert "Sent 4 of 6 proposals" in polls[1] and 'value="66"' in polls[1]
    assert all('hx-trigger="every 2s"' in poll for poll in polls[:2])
    assert len(polls) == 3  # the last chunk published the round: the page reloads whole


@pytest.mark.django_db(transaction=True)
def test_each_chunk_is_committed_with_its_progress(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another connection (the page's) sees each chunk and the progress as soon as it is sent.
    created = round_create_default(program=cohort.program, by=cohort.admin)
    services.round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 2)
    seen: list[tuple[int, str, int]] = []
    chunk = services._publish_chunk

    def then_look(*args: Any, **kwargs: Any) -> Any:
        sent = chunk(*args, **kwargs)
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute(
                    "SELECT progress, progress_note FROM matching_matchinground WHERE id = %s",
                    [created.pk],
                )
                progress, note = cursor.fetchone()
                cursor.execute("SELECT COUNT(*) FROM relationships_proposal")
                seen.append((progress, note, cursor.fetchone()[0]))
        finally:
            other.close()
        return sent

    monkeypatch.setattr(services, "_publish_chunk", then_look)
    MatchingRound.objects.filter(pk=created.pk).update(status=MatchingRound.Status.PUBLISHING)
    assert services.round_publish_run(round_id=created.pk) == "published"
    assert seen == [
        (33, "Sent 2 of 6 proposals", 2),
        (66, "Sent 4 of 6 proposals", 4),
        (100, "", 6),
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need a server database to race on"
)
def test_two_runs_at_once_send_each_proposal_once(
    cohort: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    created = round_create_default(program=cohort.program, by=cohort.admin)
    services.round_start(matching_round=created)
    monkeypatch.setattr(services, "PUBLISH_CHUNK", 1)
    MatchingRound.objects.filter(pk=created.pk).update(status=MatchingRound.Status.PUBLISHING)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run() -> None:
        try:
            barrier.wait()
            outcomes.append(publish_round.call(created.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 2 and "published" in outcomes
    assert set(outcomes) <= {"published", "skipped"}
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.PUBLISHED
    assert Proposal.objects.count() == 6
    assert Notification.objects.filter(kind="proposal_received").count() == 12
    assert not created.pairs.filter(proposal__isnull=True).exists()

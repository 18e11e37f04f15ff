"""Requests and proposals through the API: the same services and rules as the pages."""

import datetime
import hashlib
import json

from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.api.models import ApiToken, IdempotencyKey
from tandem.api.tests.conftest import assert_error, ids, personal_client
from tandem.people.tasks import prune_kept_records
from tandem.programs.models import Enrollment, Program
from tandem.relationships import services
from tandem.relationships.models import MentorshipRequest, Proposal, Relationship
from tandem.relationships.tests.conftest import MESSAGE
from tandem.testing.fixtures import World


def _ask(world: World, **changes: object) -> dict[str, object]:
    return {
        "mentor_enrollment_id": world.mentor_enrollment.pk,
        "focus_id": world.topic("Public speaking").pk,
        "message": MESSAGE,
        **changes,
    }


def test_mentee_sends_a_request_and_the_mentor_accepts_it(ready: World) -> None:
    sent = personal_client(ready.mentee).post("/requests", _ask(ready))
    assert sent.status_code == 201, sent.content
    ask = MentorshipRequest.objects.get()
    assert sent.json()["id"] == ask.pk and ask.status == "pending"
    assert ask.mentee == ready.mentee_enrollment and ask.message == MESSAGE
    mentor = personal_client(ready.mentor)
    assert ids(mentor.get("/requests")) == [ask.pk]
    accepted = mentor.post(f"/requests/{ask.pk}/accept", {"reply": "Gladly!"})
    assert accepted.status_code == 200, accepted.content
    relationship = Relationship.objects.get()
    assert accepted.json()["relationship_id"] == relationship.pk
    assert accepted.json()["status"] == "accepted"
    assert relationship.mentor == ready.mentor_enrollment
    # Nobody else can see or answer it, and a second answer is a conflict.
    assert_error(personal_client(ready.other_mentor).get(f"/requests/{ask.pk}"), 404)
    assert_error(mentor.post(f"/requests/{ask.pk}/decline", {"reply": "no"}), 409)


def test_every_rule_of_the_request_form_holds(ready: World) -> None:
    api = personal_client(ready.mentee)
    assert_error(api.post("/requests", _ask(ready, message="Hi")), 400, "message")
    assert_error(
        api.post("/requests", _ask(ready, focus_id=ready.topic("Negotiation").pk)), 400, "focus_id"
    )
    assert_error(api.post("/requests", {"message": MESSAGE}), 422, "mentor_enrollment_id")
    assert_error(api.post("/requests", _ask(ready, message="x\x00y" * 20)), 422, "message")
    # The mentor is her manager: the pairing policy refuses, naming no reason elsewhere.
    mia = Membership.objects.get(user=ready.mentee, organization=ready.org)
    mia.manager = Membership.objects.get(user=ready.mentor, organization=ready.org)
    mia.save()
    body = assert_error(api.post("/requests", _ask(ready)), 409)
    assert "reporting line" in body["detail"] or "line" in body["detail"]
    # In a rounds-only program nobody asks directly.
    mia.manager = None
    mia.save()
    Program.objects.filter(pk=ready.program.pk).update(matching_mode=Program.MatchingMode.ROUNDS)
    assert_error(api.post("/requests", _ask(ready)), 409)
    assert not MentorshipRequest.objects.exists()


def test_request_to_another_organizations_mentor_is_404(ready: World) -> None:
    stranger = Enrollment.objects.create(
        program=ready.other_program, user=ready.outsider, is_mentor=True
    )
    api = personal_client(ready.mentee)
    forbidden = api.post("/requests", _ask(ready, mentor_enrollment_id=stranger.pk))
    missing = api.post("/requests", _ask(ready, mentor_enrollment_id=999999))
    assert_error(forbidden, 404)
    assert forbidden.json() == missing.json()


def test_mentor_declines_kindly_and_the_mentee_withdraws(ready: World) -> None:
    api = personal_client(ready.mentee)
    first = api.post("/requests", _ask(ready)).json()
    mentor = personal_client(ready.mentor)
    assert_error(mentor.post(f"/requests/{first['id']}/decline", {"reply": " "}), 400, "reply")
    declined = mentor.post(f"/requests/{first['id']}/decline", {"reply": "My time is full."})
    assert declined.json()["status"] == "declined"
    assert api.get(f"/requests/{first['id']}").json()["reply"] == "My time is full."
    second = api.post(
        "/requests",
        _ask(ready, mentor_enrollment_id=Enrollment.objects.get(user=ready.other_mentor).pk),
    ).json()
    assert_error(mentor.post(f"/requests/{second['id']}/withdraw"), 404)
    assert api.post(f"/requests/{second['id']}/withdraw").json()["status"] == "withdrawn"
    assert MentorshipRequest.objects.get(pk=second["id"]).status == "withdrawn"


def test_idempotency_key_replays_the_first_answer(ready: World) -> None:
    api = personal_client(ready.mentee)
    first = api.post("/requests", _ask(ready), **{"Idempotency-Key": "k-1"})
    again = api.post("/requests", _ask(ready), **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again["Idempotent-Replayed"] == "true"
    assert MentorshipRequest.objects.count() == 1
    other = api.post(
        "/requests", _ask(ready, message=MESSAGE + " Thanks!"), **{"Idempotency-Key": "k-1"}
    )
    assert_error(other, 422, "Idempotency-Key")
    # A refused request keeps no answer: the same key may be sent again once fixed.
    assert_error(
        api.post("/requests", _ask(ready, message="Hi"), **{"Idempotency-Key": "k-2"}), 400
    )
    assert not IdempotencyKey.objects.filter(key="k-2").exists()
    # Keys belong to a token: another person's same key is a new request.
    assert IdempotencyKey.objects.filter(key="k-1").count() == 1
    assert_error(api.post("/requests", _ask(ready), **{"Idempotency-Key": "x" * 300}), 422)


def _propose(world: World) -> Proposal:
    return services.proposal_create(
        program=world.program,
        mentor=world.mentor_enrollment,
        mentee=world.mentee_enrollment,
        focus=world.topic("Public speaking"),
        score=0.82,
        reasons=["Mo has deep expertise in public speaking, which you asked for"],
    )


def test_both_say_yes_to_a_proposal_and_the_relationship_begins(ready: World) -> None:
    proposal = _propose(ready)
    mentee, mentor = personal_client(ready.mentee), personal_client(ready.mentor)
    assert ids(mentee.get("/proposals")) == [proposal.pk]
    assert mentee.get(f"/proposals/{proposal.pk}").json()["reasons"] == proposal.reasons
    half = mentee.post(f"/proposals/{proposal.pk}/accept")
    assert half.json()["my_answer"] == "yes" and half.json()["relationship_id"] is None
    both = mentor.post(f"/proposals/{proposal.pk}/accept").json()
    assert both["status"] == "accepted"
    assert Relationship.objects.get().pk == both["relationship_id"]
    assert_error(mentor.post(f"/proposals/{proposal.pk}/accept"), 409)
    for person in (ready.other_mentor, ready.admin, ready.outsider):
        assert_error(personal_client(person).get(f"/proposals/{proposal.pk}"), 404)


def test_a_no_keeps_its_reason_private(ready: World) -> None:
    proposal = _propose(ready)
    personal_client(ready.mentor).post(
        f"/proposals/{proposal.pk}/decline", {"private_reason": "secret-reason-x"}
    )
    assert Proposal.objects.get().mentor_decline_reason == "secret-reason-x"
    seen = personal_client(ready.mentee).get(f"/proposals/{proposal.pk}")
    assert seen.json()["status"] == "declined"
    assert "secret-reason-x" not in seen.content.decode()
    assert "secret-reason-x" not in personal_client(ready.mentor).get("/proposals").content.decode()


def test_a_key_still_being_answered_conflicts_and_old_keys_expire(ready: World) -> None:
    api = personal_client(ready.mentee)
    token = ApiToken.objects.get(user=ready.mentee)
    body = _ask(ready)
    digest = hashlib.sha256(b"POST /api/v1/requests\n" + json.dumps(body).encode()).hexdigest()
    IdempotencyKey.objects.create(token=token, key="busy", fingerprint=digest)
    assert_error(api.post("/requests", body, **{"Idempotency-Key": "busy"}), 409, "Idempotency-Key")
    assert not MentorshipRequest.objects.exists()
    # Past its time, a key is new again: the request runs, and the daily prune drops old ones.
    IdempotencyKey.objects.filter(key="busy").update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    assert api.post("/requests", body, **{"Idempotency-Key": "busy"}).status_code == 201
    IdempotencyKey.objects.create(
        token=token,
        key="old",
        fingerprint="x",
        created_at=timezone.now() - datetime.timedelta(days=2),
    )
    prune_kept_records.call()
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["busy"]


def test_directory_lists_the_mentors_the_pairing_policy_allows(ready: World) -> None:
    api = personal_client(ready.mentee)
    path = f"/programs/{ready.program.pk}/mentors"
    mentors = {card["enrollment"]["person"]["name"]: card for card in api.get(path).json()["items"]}
    assert set(mentors) == {"Mo Haddad", "Omar Lind"}
    assert mentors["Mo Haddad"]["can_ask"] is True
    assert [t["name"] for t in mentors["Mo Haddad"]["enrollment"]["expertise"]] == [
        "Public speaking"
    ]
    # Her manager is never listed, as on the directory page.
    mia = Membership.objects.get(user=ready.mentee, organization=ready.org)
    mia.manager = Membership.objects.get(user=ready.mentor, organization=ready.org)
    mia.save()
    names = [c["enrollment"]["person"]["name"] for c in api.get(path).json()["items"]]
    assert names == ["Omar Lind"]
    assert_error(personal_client(ready.member).get(path), 404)
    assert_error(personal_client(ready.outsider).get(path), 404)
    assert_error(api.get(f"/programs/{ready.other_program.pk}/mentors"), 404)


def test_directory_refuses_a_meeting_mode_it_does_not_know(ready: World) -> None:
    api = personal_client(ready.mentee)
    path = f"/programs/{ready.program.pk}/mentors"
    body = assert_error(api.get(f"{path}?mode=zzz"), 422)
    assert "mode" in str(body["errors"])
    assert api.get(f"{path}?mode=video").status_code == 200

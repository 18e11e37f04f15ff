"""Relationships, meetings and commitments: content for the pair, state for admins."""

import datetime
from typing import Any

from django.utils import timezone

from tandem.api.tests.conftest import assert_error, ids, personal_client, service_client
from tandem.relationships import services
from tandem.relationships.models import Commitment, Meeting, Relationship
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World


def test_the_pair_reads_the_relationship_with_its_agreement(ready: World) -> None:
    relationship = active(ready)
    for person, role in ((ready.mentee, "mentee"), (ready.mentor, "mentor")):
        api = personal_client(person)
        assert ids(api.get("/relationships")) == [relationship.pk]
        body = api.get(f"/relationships/{relationship.pk}").json()
        assert body["status"] == "active" and body["my_role"] == role
        assert body["agreement"]["goals"] == relationship.agreements.get().goals


def test_others_get_404_identical_to_a_missing_relationship(ready: World) -> None:
    relationship = active(ready)
    missing = personal_client(ready.mentee).get("/relationships/999999").json()
    for person in (ready.other_mentor, ready.admin, ready.member, ready.outsider):
        api = personal_client(person)
        for path in (
            f"/relationships/{relationship.pk}",
            f"/relationships/{relationship.pk}/meetings",
            f"/relationships/{relationship.pk}/commitments",
        ):
            response = api.get(path)
            assert_error(response, 404)
            assert response.json()["detail"] == missing["detail"], (person.email, path)
        assert_error(
            api.post(
                f"/relationships/{relationship.pk}/commitments",
                {"text": "x", "due_on": "2030-01-01"},
            ),
            404,
        )
    assert not Commitment.objects.exists()


def test_admins_see_state_only_never_content(ready: World) -> None:
    relationship = active(ready)
    path = f"/programs/{ready.program.pk}/relationships"
    for api in (personal_client(ready.admin), service_client(ready.org, ready.admin)):
        assert ids(api.get(path)) == [relationship.pk]
        state = api.get(f"{path}/{relationship.pk}").json()
        assert state["status"] == "active"
        assert "agreement" not in state and "goals" not in str(state)
    # Participants are not the program's admins.
    assert_error(personal_client(ready.mentee).get(path), 404)
    assert_error(personal_client(ready.outsider).get(f"{path}/{relationship.pk}"), 404)
    assert_error(service_client(ready.other_org, ready.outsider).get(path), 404)


def test_why_a_pair_ended_is_for_the_pair_not_for_admins(ready: World) -> None:
    relationship = active(ready)
    services.relationship_close(relationship=relationship, by=ready.mentee, reason="not_a_fit")
    path = f"/programs/{ready.program.pk}/relationships"
    for api in (personal_client(ready.admin), service_client(ready.org, ready.admin)):
        listed = api.get(path).json()["items"]
        one = api.get(f"{path}/{relationship.pk}").json()
        assert [row["status"] for row in listed] == ["closed"] and one["status"] == "closed"
        # A row per pair would give away what the health page hides under five.
        assert "close_reason" not in listed[0] and "close_reason" not in one
        assert "not_a_fit" not in api.get(path).content.decode()
    assert (
        personal_client(ready.mentee).get("/relationships").json()["items"][0]["close_reason"]
        == "not_a_fit"
    )
    schema = personal_client(ready.admin).get("/openapi.json").json()
    assert "close_reason" not in schema["components"]["schemas"]["PairStateOut"]["properties"]


def test_plan_a_meeting_and_list_meetings(ready: World) -> None:
    relationship = active(ready)
    api = personal_client(ready.mentee)
    when = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    made = api.post(
        f"/relationships/{relationship.pk}/meetings",
        {
            "starts_at": when.isoformat(),
            "duration_minutes": 45,
            "mode": "video",
            "agenda": "Slides",
        },
    )
    assert made.status_code == 201, made.content
    meeting = Meeting.objects.get(pk=made.json()["id"])
    assert meeting.starts_at == when and meeting.agenda == "Slides"
    assert made.json()["id"] in ids(
        personal_client(ready.mentor).get(f"/relationships/{relationship.pk}/meetings")
    )
    bad = {"starts_at": when.isoformat(), "duration_minutes": 45, "mode": "video"}
    assert_error(
        api.post(f"/relationships/{relationship.pk}/meetings", {**bad, "mode": "telepathy"}),
        422,
        "mode",
    )
    assert_error(
        api.post(f"/relationships/{relationship.pk}/meetings", {**bad, "duration_minutes": 5}),
        422,
        "duration_minutes",
    )
    assert_error(
        api.post(
            f"/relationships/{relationship.pk}/meetings",
            {**bad, "starts_at": "2030-01-01T10:00:00"},
        ),
        422,
        "starts_at",
    )
    past = (timezone.now() - datetime.timedelta(days=400)).isoformat()
    assert_error(
        api.post(f"/relationships/{relationship.pk}/meetings", {**bad, "starts_at": past}),
        400,
        "starts_at",
    )


def test_commitments_are_made_listed_and_completed_by_their_owner(ready: World) -> None:
    relationship = active(ready)
    mentee, mentor = personal_client(ready.mentee), personal_client(ready.mentor)
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    made = mentee.post(
        f"/relationships/{relationship.pk}/commitments", {"text": "Draft the talk", "due_on": due}
    )
    assert made.status_code == 201, made.content
    commitment = Commitment.objects.get()
    assert commitment.owner == ready.mentee and commitment.text == "Draft the talk"
    assert ids(mentor.get(f"/relationships/{relationship.pk}/commitments")) == [commitment.pk]
    assert_error(mentor.post(f"/commitments/{commitment.pk}/complete"), 409)
    done = mentee.post(f"/commitments/{commitment.pk}/complete")
    assert done.status_code == 200 and done.json()["done_at"]
    commitment.refresh_from_db()
    assert commitment.done_at is not None
    assert_error(mentee.post(f"/commitments/{commitment.pk}/complete"), 409)
    assert_error(personal_client(ready.admin).post(f"/commitments/{commitment.pk}/complete"), 404)
    assert_error(
        mentee.post(f"/relationships/{relationship.pk}/commitments", {"text": " ", "due_on": due}),
        400,
        "text",
    )
    assert_error(
        mentee.post(
            f"/relationships/{relationship.pk}/commitments", {"text": "x", "due_on": "2001-01-01"}
        ),
        400,
        "due_on",
    )
    assert_error(
        mentee.post(
            f"/relationships/{relationship.pk}/commitments", {"text": "x", "due_on": "soon"}
        ),
        422,
        "due_on",
    )


def test_a_closed_relationship_takes_no_new_commitments(ready: World) -> None:
    relationship = active(ready)
    services.relationship_close(relationship=relationship, by=ready.mentee, reason="completed")
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = personal_client(ready.mentee).post(
        f"/relationships/{relationship.pk}/commitments", {"text": "More", "due_on": due}
    )
    assert_error(response, 409)
    assert Relationship.objects.get().status == "closed"


def test_lists_cost_the_same_queries_for_one_item_or_many(
    ready: World, django_assert_max_num_queries: Any
) -> None:
    relationship = active(ready)
    mentee = personal_client(ready.mentee)
    due = timezone.localdate() + datetime.timedelta(days=5)
    paths = [
        "/relationships",
        "/requests",
        f"/relationships/{relationship.pk}/meetings",
        f"/relationships/{relationship.pk}/commitments",
    ]
    for path in paths:
        mentee.get(path)  # warm up: the token's last use is written once a minute
    for n in range(8):
        services.commitment_create(
            relationship=relationship, owner=ready.mentee, text=f"Step {n}", due_on=due
        )
        services.meeting_schedule(
            relationship=relationship,
            by=ready.mentee,
            starts_at=timezone.now() + datetime.timedelta(days=n + 1),
            duration_minutes=30,
            mode="video",
        )
    for path in paths:
        with django_assert_max_num_queries(10):
            assert mentee.get(path).status_code == 200

"""The circle's page: its members, its agreement, signing it and answering an invitation."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.circles.models import Circle, CircleMembership, CircleSignature
from tandem.circles.services import (
    circle_agreement_write,
    circle_leave,
    circle_pause,
    circle_replacement_add,
)
from tandem.testing.circles import Cast
from tandem.testing.fixtures import client_for


def _url(circle: Circle) -> str:
    return f"/circles/{circle.pk}/"


def test_a_member_sees_the_members_and_the_agreement_and_signs_it(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(
        circle=circle, by=cast.people[0].user, terms={"purpose": "Lead with care."}
    )
    client = client_for(cast.people[1].user)
    page = client.get(_url(circle)).content.decode()
    for other in cast.people[2:4]:
        assert other.user.display_name in page
    assert "Lead with care." in page
    assert "Sign version 1" in page
    response = client.post(f"/circles/agreements/{agreement.pk}/sign/")
    assert response.status_code == 302 and response["Location"] == _url(circle)
    assert CircleSignature.objects.filter(
        agreement=agreement, membership__enrollment=cast.people[1]
    ).exists()
    page = client.get(_url(circle)).content.decode()
    assert "You signed this version." in page and "Sign version 1" not in page


def test_signing_an_old_version_says_why_instead_of_failing(cast: Cast) -> None:
    circle = cast.active_circle()
    first = circle_agreement_write(circle=circle, by=cast.people[0].user, terms={"purpose": "A"})
    circle_agreement_write(circle=circle, by=cast.people[0].user, terms={"purpose": "B"})
    client = client_for(cast.people[1].user)
    response = client.post(f"/circles/agreements/{first.pk}/sign/", follow=True)
    assert response.status_code == 200
    assert "newer version" in response.content.decode()
    assert not CircleSignature.objects.exists()


def test_an_invited_person_reads_why_and_answers(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    person = cast.people[0]
    client = client_for(person.user)
    page = client.get(_url(circle)).content.decode()
    assert "You share public speaking." in page
    place = cast.membership(circle, person)
    response = client.post(f"/circles/places/{place.pk}/answer/", {"answer": "accept"})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.state == CircleMembership.State.ACCEPTED
    nonsense = client.post(f"/circles/places/{place.pk}/answer/", {"answer": "maybe"})
    assert nonsense.status_code == 302
    place.refresh_from_db()
    assert place.state == CircleMembership.State.ACCEPTED


def test_what_is_only_worth_knowing_is_apart_from_the_reasons(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    place = cast.membership(circle, cast.people[0])
    note = "Nobody here has given hours when they can meet."
    place.reasons = [*place.reasons, {"component": "slots", "text": note, "note": True}]
    place.save(update_fields=["reasons"])
    page = client_for(cast.people[0].user).get(_url(circle)).content.decode()
    why = page.index("Why this circle:")
    worth = page.index("Worth knowing:")
    assert why < page.index("You share public speaking.") < worth < page.index(note)


def test_a_forming_circle_says_when_its_sessions_come(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    page = client_for(cast.people[0].user).get(_url(circle)).content.decode()
    sessions = page.split('id="sessions-h"')[1].split("</section>")[0]
    assert "planned once everyone invited has joined" in sessions
    assert "Plan the next sessions" not in sessions
    paused = circle_pause(circle=cast.active_circle(cast.people[4:8]), by=cast.admin)
    page = client_for(cast.people[4].user).get(_url(paused)).content.decode()
    assert "No sessions planned: the circle is paused." in page


def test_nobody_else_can_open_the_circle_sign_or_answer(cast: Cast) -> None:
    circle = cast.active_circle()
    agreement = circle_agreement_write(
        circle=circle, by=cast.people[0].user, terms={"purpose": "Grow."}
    )
    place = circle_replacement_add(circle=circle, enrollment=cast.people[5], by=cast.admin)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    for user in (cast.people[6].user, cast.admin, cast.world.outsider):
        client = client_for(user)
        forbidden = client.get(_url(circle))
        missing = client.get("/circles/999999/")
        assert forbidden.status_code == missing.status_code == 404
        assert token.sub(b"", forbidden.content) == token.sub(b"", missing.content)
        assert client.post(f"/circles/agreements/{agreement.pk}/sign/").status_code == 404
        answer = client.post(f"/circles/places/{place.pk}/answer/", {"answer": "decline"})
        assert answer.status_code == 404
    place.refresh_from_db()
    assert place.state == CircleMembership.State.PROPOSED
    assert not CircleSignature.objects.exists()


def test_the_page_reads_a_fixed_number_of_queries_whatever_the_size(cast: Cast) -> None:
    small = cast.active_circle(cast.people[:4])
    circle_agreement_write(circle=small, by=cast.people[0].user, terms={"purpose": "Small"})
    large = cast.active_circle([*cast.people[4:8], cast.person("Ivy"), cast.person("Jon")])
    circle_agreement_write(circle=large, by=cast.people[4].user, terms={"purpose": "Large"})
    counts = []
    for circle, member in ((small, cast.people[0]), (large, cast.people[4])):
        client = client_for(member.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_url(circle)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_circle_reads_the_word_of_someone_who_left(cast: Cast) -> None:
    circle = cast.active_circle([*cast.people[:5]])
    leaver = cast.people[4]
    circle_leave(membership=cast.membership(circle, leaver), by=leaver.user, note="Thank you, all.")
    page = client_for(cast.people[0].user).get(_url(circle)).content.decode()
    assert "Who left" in page and "Thank you, all." in page
    assert client_for(leaver.user).get(_url(circle)).status_code == 404

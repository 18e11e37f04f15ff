"""Circles on the home page: invitations, agreements to sign, sessions, commitments."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.accounts.models import User
from tandem.circles.models import CircleCommitment, CircleSession
from tandem.circles.services import (
    circle_agreement_sign,
    circle_agreement_write,
    circle_commitment_make,
    circle_membership_answer,
    circle_sessions_plan,
)
from tandem.circles.tests.conftest import START, Clock, agree
from tandem.testing.circles import Cast
from tandem.testing.fixtures import client_for


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    def set_to(moment: datetime.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    set_to(START)
    return set_to


def _home(user: User) -> str:
    response = client_for(user).get("/")
    assert response.status_code == 200
    return response.content.decode()


def _needs(page: str) -> str:
    start = page.index('aria-labelledby="needs"')
    return page[start : page.index("</section>", start)]


def _link(section: str, title: str) -> str:
    match = re.search(r'<a href="([^"]+)">' + re.escape(title), section)
    assert match, f"no link titled {title!r} in {section}"
    return match.group(1)


def test_an_invited_member_is_asked_to_answer_on_her_home(cast: Cast) -> None:
    circle = cast.propose(cast.people[:4])
    ana = cast.people[0].user
    page = _home(ana)
    needs = _needs(page)
    assert "Nothing needs you right now" not in needs
    url = _link(needs, "You are invited to join “Thursday circle”")
    assert url == f"/circles/{circle.pk}/"
    assert client_for(ana).get(url).status_code == 200
    # Her circles are listed too, linking to the circle.
    assert 'id="your-circles"' in page
    assert f'href="/circles/{circle.pk}/">Thursday circle</a>' in page
    # Once she answers, the invitation leaves her home; the circle stays listed.
    circle_membership_answer(
        membership=cast.membership(circle, cast.people[0]), by=ana, accept=True
    )
    page = _home(ana)
    assert "You are invited" not in _needs(page)
    assert f'href="/circles/{circle.pk}/">Thursday circle</a>' in page
    # Someone not in the circle sees neither.
    other = _home(cast.people[5].user)
    assert "Thursday circle" not in other
    assert 'id="your-circles"' not in other


def test_a_member_is_asked_to_sign_the_latest_agreement_until_she_does(cast: Cast) -> None:
    circle = cast.active_circle()
    ana, ben = cast.people[0].user, cast.people[1].user
    agreement = circle_agreement_write(circle=circle, by=ana, terms={"purpose": "Lead well."})
    title = "Read and sign version 1 of the agreement of “Thursday circle”"
    url = _link(_needs(_home(ben)), title)
    assert url.startswith(f"/circles/{circle.pk}/")
    circle_agreement_sign(agreement=agreement, by=ben)
    assert title not in _needs(_home(ben))
    # A second version asks again, only for the latest one.
    circle_agreement_write(circle=circle, by=ana, terms={"purpose": "Lead with care."})
    needs = _needs(_home(ben))
    assert "version 2 of the agreement" in needs
    assert "version 1 of the agreement" not in needs


def test_the_next_session_and_my_commitments_show(cast: Cast, clock: Clock) -> None:
    circle = agree(cast.active_circle())
    ana = cast.people[0].user
    sessions = circle_sessions_plan(circle=circle, by=ana, count=2)
    first, second = sessions
    needs = _needs(_home(ana))
    assert _link(needs, "Session 1 of “Thursday circle”") == f"/circles/sessions/{first.pk}/"
    assert "Session 2 of" not in needs
    # At the first session Ana commits to something; it shows until it is followed up.
    clock(first.starts_at + datetime.timedelta(minutes=10))
    circle_commitment_make(session=first, by=ana, text="Ask my team for feedback")
    needs = _needs(_home(ana))
    title = "Your commitment to “Thursday circle”: Ask my team for feedback"
    assert _link(needs, title) == f"/circles/sessions/{second.pk}/"
    assert "Ask my team for feedback" not in _needs(_home(cast.people[1].user))
    CircleCommitment.objects.update(state=CircleCommitment.State.DONE)
    assert "Ask my team for feedback" not in _needs(_home(ana))
    # Once the first session is over, the second is next.
    CircleSession.objects.filter(pk=first.pk).update(state=CircleSession.State.HELD)
    assert "Session 2 of “Thursday circle”" in _needs(_home(ana))


def _home_queries(user: User) -> int:
    client = client_for(user)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_circles(cast: Cast, clock: Clock) -> None:
    ana = cast.people[0]
    cast.program.circles_per_member = 3
    cast.program.save(update_fields=["circles_per_member"])
    circle = agree(cast.active_circle())
    circle_sessions_plan(circle=circle, by=ana.user, count=1)
    one = _home_queries(ana.user)
    extra = agree(cast.active_circle([ana, *cast.people[4:7]]))
    circle_sessions_plan(circle=extra, by=ana.user, count=1)
    cast.propose([ana, *cast.people[5:8]], name="Invited circle")
    page = _home(ana.user)
    assert _needs(page).count("Session 1 of") == 2
    assert _needs(page).count("You are invited to join") == 1
    assert page.count('<article class="card program-card">\n      <h3><a href="/circles/') == 3
    assert _home_queries(ana.user) == one

"""Where a participant finds informational interviews: the menu, and what needs them."""

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.interviews import services
from tandem.interviews.tests.conftest import answer_both, ask, happened, omar, scheduled, soon
from tandem.testing.fixtures import World, client_for


def _home(world: World, who: str) -> str:
    return client_for(getattr(world, who)).get("/").content.decode()


def test_every_signed_in_page_links_to_interviews_and_a_participant_s_home_too(
    iv: World,
) -> None:
    home = _home(iv, "mentee")
    assert f'href="{reverse("interviews:mine")}"' in home
    assert ">Informational interviews</a>" in home
    # An admin who takes part in no program has the menu entry, not the home link.
    admin_home = _home(iv, "admin")
    assert ">Interviews</a>" in admin_home
    assert ">Informational interviews</a>" not in admin_home


def test_each_step_waits_on_the_right_person_s_home(iv: World) -> None:
    interview = ask(iv)
    assert "asks you for a conversation on Public speaking" in _home(iv, "mentor")
    assert "is waiting for an answer" in _home(iv, "mentee")
    services.interview_propose_times(interview=interview, by=iv.mentor, times=[soon(3), soon(4)])
    assert "Pick a time for your conversation with Mo" in _home(iv, "mentee")
    assert "is picking one of the times you proposed" in _home(iv, "mentor")
    first = interview.times.first()
    assert first is not None
    services.interview_pick_time(interview=interview, by=iv.mentee, time_id=first.pk)
    for who in ("mentee", "mentor"):
        assert "Conversation with" in _home(iv, who)
    past = happened(interview)
    assert "Would you like to keep talking with" in _home(iv, "mentee")
    services.interview_continue_answer(interview=past, by=iv.mentee, continues=False)
    assert "Would you like to keep talking with" not in _home(iv, "mentee")
    assert "Would you like to keep talking with" in _home(iv, "mentor")


def test_a_settled_or_withdrawn_interview_waits_on_nobody(iv: World) -> None:
    past = happened(scheduled(iv))
    answer_both(past, iv.mentee, iv.mentor, yes=(False, False))
    withdrawn = ask(iv)
    services.interview_withdraw(interview=withdrawn, by=iv.mentee)
    for who in ("mentee", "mentor"):
        home = _home(iv, who)
        assert "conversation" not in home.split('id="mine"')[0].lower()


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_home_page_queries_do_not_grow_with_interviews(iv: World) -> None:
    client = client_for(iv.mentee)
    client.get("/")
    ask(iv)
    one = _queries(client)
    ask(iv, host=omar(iv))
    assert _queries(client) == one

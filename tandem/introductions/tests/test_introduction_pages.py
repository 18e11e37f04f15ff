"""The introduction pages through HTTP: the flow, bad input on every field, and secrecy."""

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tandem.interviews.models import Interview, InterviewOffer
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.tests.conftest import NEED, NOTE, ask, connected, omar, sam, suggested
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.tests.conftest import active
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.usefixtures("tasks_after_each_request")


def _html(response: Any) -> str:
    assert response.status_code == 200
    return response.content.decode()


def _mail_to(user: Any) -> str:
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox if user.email in m.to)


def test_ask_suggest_agree_and_start_an_interview(intro: World) -> None:
    InterviewOffer.objects.create(enrollment=omar(intro), is_offering=True, per_month=2)
    mia, mo, omar_client = (
        client_for(intro.mentee),
        client_for(intro.mentor),
        client_for(intro.other_mentor),
    )
    program_page = _html(mia.get(reverse("programs:detail", args=[intro.program.pk])))
    assert reverse("introductions:colleagues", args=[intro.program.pk]) in program_page
    profile = _html(
        mia.get(reverse("programs:person", args=[intro.program.pk, intro.mentor_enrollment.pk]))
    )
    ask_url = reverse("introductions:ask", args=[intro.program.pk, intro.mentor_enrollment.pk])
    assert ask_url in profile
    found = _html(
        mia.get(reverse("introductions:colleagues", args=[intro.program.pk]), {"q": "haddad"})
    )
    assert "Mo Haddad" in found and "Omar Lind" not in found

    response = mia.post(ask_url, {"need": NEED})
    introduction = Introduction.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("introductions:detail", args=[introduction.pk])

    page = _html(mo.get(reverse("introductions:detail", args=[introduction.pk]), {"q": "omar"}))
    assert NEED in page and "Mia Santos" in page and "Omar Lind" in page and "Sam Quist" not in page
    response = mo.post(
        reverse("introductions:suggest", args=[introduction.pk]),
        {"person": omar(intro).pk, "note": NOTE},
    )
    assert response.status_code == 302
    suggestion = Suggestion.objects.get()
    assert suggestion.person == omar(intro) and suggestion.note == NOTE

    # Before Omar answers, nothing Mia can read names him.
    for url in (
        reverse("introductions:detail", args=[introduction.pk]),
        reverse("introductions:mine"),
        reverse("notifications:list"),
    ):
        text = _html(mia.get(url))
        assert "Omar" not in text and NOTE not in text, url
    assert "Omar" not in _mail_to(intro.mentee)

    page = _html(omar_client.get(reverse("introductions:detail", args=[introduction.pk])))
    assert NOTE in page and NEED in page and "Mia Santos" in page and "Mo" in page
    response = omar_client.post(
        reverse("introductions:answer", args=[suggestion.pk]), {"agrees": "yes"}
    )
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.AGREED

    page = _html(mia.get(reverse("introductions:detail", args=[introduction.pk])))
    assert "Connected with Omar Lind" in page and NOTE in page
    assert reverse("programs:person", args=[intro.program.pk, omar(intro).pk]) in page
    assert "Omar Lind" in _mail_to(intro.mentee)
    start = reverse("introductions:interview", args=[suggestion.pk])
    assert start in page
    response = mia.post(
        start,
        {
            "topic": intro.topic("Public speaking").pk,
            "minutes": 30,
            "message": "Mo suggested I ask you about the spring budget hearing.",
        },
    )
    interview = Interview.objects.get()
    assert response["Location"] == reverse("interviews:detail", args=[interview.pk])
    suggestion.refresh_from_db()
    assert suggestion.interview == interview and interview.host == omar(intro)
    page = _html(mia.get(reverse("introductions:detail", args=[introduction.pk])))
    assert reverse("interviews:detail", args=[interview.pk]) in page


def test_a_decline_shows_the_asker_only_that_no_match_was_found(intro: World) -> None:
    suggestion = suggested(intro)
    response = client_for(intro.other_mentor).post(
        reverse("introductions:answer", args=[suggestion.pk]), {"agrees": "no"}
    )
    assert response.status_code == 302
    page = _html(
        client_for(intro.mentee).get(
            reverse("introductions:detail", args=[suggestion.introduction_id])
        )
    )
    assert "could not find a match for you this time" in page
    assert "Omar" not in page and NOTE not in page
    mine = _html(client_for(intro.mentee).get(reverse("introductions:mine")))
    assert "No match this time" in mine and "Omar" not in mine
    # The introducer's page does not say who declined.
    page = _html(
        client_for(intro.mentor).get(
            reverse("introductions:detail", args=[suggestion.introduction_id])
        )
    )
    assert "Not connected yet" in page and "Not this time" not in page


def test_the_colleague_declines_from_the_page(intro: World) -> None:
    introduction = ask(intro)
    response = client_for(intro.mentor).post(
        reverse("introductions:decline", args=[introduction.pk])
    )
    assert response.status_code == 302
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.NO_MATCH
    assert "could not find a match" in _mail_to(intro.mentee)
    again = client_for(intro.mentor).post(
        reverse("introductions:decline", args=[introduction.pk]), follow=True
    )
    assert "already been answered" in _html(again)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({}, "This field is required"),
        ({"need": "   "}, "This field is required"),
        ({"need": "help"}, "Name the need"),
        ({"need": "x" * 201}, "at most 200 characters"),
    ],
)
def test_a_bad_need_is_explained(intro: World, data: dict[str, str], words: str) -> None:
    url = reverse("introductions:ask", args=[intro.program.pk, intro.mentor_enrollment.pk])
    page = _html(client_for(intro.mentee).post(url, data))
    assert words in page
    assert not Introduction.objects.exists()


def test_the_boundary_is_shown_before_asking_and_holds_on_post(intro: World) -> None:
    other = omar(intro)
    other.accepting_now = True
    other.save()
    active(intro)
    url = reverse("introductions:ask", args=[intro.program.pk, intro.mentor_enrollment.pk])
    mia = client_for(intro.mentee)
    page = _html(mia.get(url))
    assert "says no introductions yet" in page
    page = _html(mia.post(url, {"need": NEED}))
    assert "says no introductions yet" in page
    assert not Introduction.objects.exists()
    listed = _html(mia.get(reverse("introductions:colleagues", args=[intro.program.pk])))
    assert "Mo Haddad" not in listed and "Omar Lind" in listed


def test_the_agreement_page_shows_the_introductions_term(intro: World) -> None:
    other = omar(intro)
    other.accepting_now = True
    other.save()
    relationship = active(intro)
    page = _html(
        client_for(intro.mentee).get(reverse("relationships:agreement", args=[relationship.pk]))
    )
    assert "Introductions" in page and "Maybe later, once we know each other" in page


@pytest.mark.parametrize(
    ("data", "field_words"),
    [
        ({"note": NOTE}, "This field is required"),
        ({"person": "abc", "note": NOTE}, "Select a valid choice"),
        ({"person": "9" * 30, "note": NOTE}, "Select a valid choice"),
        ({"person": "-1", "note": NOTE}, "Select a valid choice"),
        ({"person": "MIA", "note": NOTE}, "Select a valid choice"),
        ({"person": "OMAR"}, "This field is required"),
        ({"person": "OMAR", "note": "short"}, "Write a short note"),
        ({"person": "OMAR", "note": "x" * 501}, "at most 500 characters"),
    ],
)
def test_bad_suggestions_are_explained(
    intro: World, data: dict[str, str], field_words: str
) -> None:
    introduction = ask(intro)
    ids = {"MIA": str(intro.mentee_enrollment.pk), "OMAR": str(omar(intro).pk)}
    posted = {k: ids.get(v, v) for k, v in data.items()}
    page = _html(
        client_for(intro.mentor).post(
            reverse("introductions:suggest", args=[introduction.pk]), posted
        )
    )
    assert field_words in page
    assert not Suggestion.objects.exists()
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ASKED


def test_someone_in_the_reporting_line_is_not_offered_and_not_accepted(intro: World) -> None:
    from tandem.accounts.models import Membership

    mia = intro.mentee_enrollment.membership
    assert mia is not None
    mia.manager = Membership.objects.get(user=intro.other_mentor, organization=intro.org)
    mia.save()
    introduction = ask(intro)
    mo = client_for(intro.mentor)
    page = _html(mo.get(reverse("introductions:detail", args=[introduction.pk])))
    assert "Sam Quist" in page and "Omar Lind" not in page
    page = _html(
        mo.post(
            reverse("introductions:suggest", args=[introduction.pk]),
            {"person": omar(intro).pk, "note": NOTE},
        )
    )
    assert "Select a valid choice" in page
    assert not Suggestion.objects.exists()


@pytest.mark.parametrize("agrees", [None, "", "maybe", "1"])
def test_a_bad_answer_is_explained(intro: World, agrees: str | None) -> None:
    suggestion = suggested(intro)
    data = {} if agrees is None else {"agrees": agrees}
    page = _html(
        client_for(intro.other_mentor).post(
            reverse("introductions:answer", args=[suggestion.pk]), data
        )
    )
    assert "This field is required" in page or "Select a valid choice" in page
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ASKED


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"minutes": "30", "message": "A" * 40}, "This field is required"),
        ({"topic": "abc", "minutes": "30", "message": "A" * 40}, "Select a valid choice"),
        ({"topic": "TOPIC", "minutes": "60", "message": "A" * 40}, "Select a valid choice"),
        ({"topic": "TOPIC", "minutes": "30", "message": "short"}, "Write a line or two"),
        ({"topic": "TOPIC", "minutes": "30", "message": "A" * 1001}, "at most 1000"),
        ({"topic": "TOPIC", "minutes": "30", "message": "A" * 40}, "not offering"),
    ],
)
def test_a_bad_interview_request_from_a_connection_is_explained(
    intro: World, data: dict[str, str], words: str
) -> None:
    if words != "not offering":
        InterviewOffer.objects.create(enrollment=omar(intro), is_offering=True, per_month=2)
    suggestion = connected(intro)
    topic = str(intro.topic("Public speaking").pk)
    posted = {k: topic if v == "TOPIC" else v for k, v in data.items()}
    page = _html(
        client_for(intro.mentee).post(
            reverse("introductions:interview", args=[suggestion.pk]), posted
        )
    )
    assert words in page
    assert not Interview.objects.exists()


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"message": "A" * 60}, "This field is required"),
        ({"focus": "abc", "message": "A" * 60}, "Select a valid choice"),
        ({"focus": "TOPIC", "message": "too short"}, "Write a few sentences"),
        ({"focus": "TOPIC"}, "This field is required"),
    ],
)
def test_a_bad_mentoring_request_from_a_connection_is_explained(
    intro: World, data: dict[str, str], words: str
) -> None:
    other = omar(intro)
    other.accepting_now = True
    other.save()
    suggestion = connected(intro)
    topic = str(intro.topic("Public speaking").pk)
    posted = {k: topic if v == "TOPIC" else v for k, v in data.items()}
    page = _html(
        client_for(intro.mentee).post(
            reverse("introductions:request", args=[suggestion.pk]), posted
        )
    )
    assert words in page
    assert not MentorshipRequest.objects.exists()


def test_a_search_that_is_too_long_is_ignored_not_an_error(intro: World) -> None:
    introduction = ask(intro)
    page = _html(
        client_for(intro.mentor).get(
            reverse("introductions:detail", args=[introduction.pk]), {"q": "x" * 500}
        )
    )
    assert "Suggest someone" in page


def test_my_introductions_reads_a_fixed_number_of_queries(
    intro: World, django_assert_max_num_queries: Any
) -> None:
    for need in ("Someone who knows procurement", "Someone who has led a union negotiation"):
        introduction = services.introduction_ask(
            asker=intro.mentee_enrollment, introducer=intro.mentor_enrollment, need=need
        )
        services.introduction_decline(introduction=introduction, by=intro.mentor)
    suggestion = connected(intro)
    for person in (sam(intro),):
        services.introduction_ask(
            asker=intro.mentee_enrollment, introducer=person, need="Someone in the data team"
        )
    assert suggestion.introduction.asker == intro.mentee_enrollment
    client = client_for(intro.mentee)
    with django_assert_max_num_queries(14):
        page = _html(client.get(reverse("introductions:mine")))
    assert page.count("Connected with Omar Lind") == 1
    for client in (client_for(intro.mentor), client_for(intro.other_mentor)):
        with django_assert_max_num_queries(14):
            _html(client.get(reverse("introductions:mine")))

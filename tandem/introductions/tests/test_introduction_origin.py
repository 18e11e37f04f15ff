"""The interview or request a connection led to shows the introduction it came from."""

import pytest
from django.urls import reverse

from tandem.interviews.models import Interview, InterviewOffer
from tandem.introductions import services
from tandem.introductions.tests.conftest import connected, omar
from tandem.relationships.models import MentorshipRequest
from tandem.relationships.services.requests import request_send
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

ORIGIN = "Introduced by Mo Haddad."


def _interview(world: World) -> Interview:
    InterviewOffer.objects.create(enrollment=omar(world), is_offering=True, per_month=2)
    return services.connection_start_interview(
        suggestion=connected(world),
        by=world.mentee,
        topic=world.topic("Public speaking"),
        minutes=30,
        message="Mo suggested I ask you about the spring budget hearing.",
    )


def _request(world: World) -> MentorshipRequest:
    omar_enrollment = omar(world)
    omar_enrollment.accepting_now = True
    omar_enrollment.save()
    return services.connection_start_request(
        suggestion=connected(world),
        by=world.mentee,
        focus=world.topic("Public speaking"),
        message="Hello Omar, Mo introduced us. I present the budget to the board this spring "
        "and would love your help preparing for it over a few months.",
    )


def test_the_interview_page_shows_who_introduced_them_to_both(intro: World) -> None:
    interview = _interview(intro)
    url = reverse("interviews:detail", args=[interview.pk])
    for user in (intro.other_mentor, intro.mentee):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert ORIGIN in page.content.decode()


def test_the_request_page_shows_who_introduced_them_to_both(intro: World) -> None:
    request = _request(intro)
    url = reverse("relationships:request", args=[request.pk])
    for user in (intro.other_mentor, intro.mentee):
        page = client_for(user).get(url)
        assert page.status_code == 200
        assert ORIGIN in page.content.decode()


def test_an_admin_reading_the_request_sees_no_introduction(intro: World) -> None:
    request = _request(intro)
    page = client_for(intro.admin).get(reverse("relationships:request", args=[request.pk]))
    assert "Introduced by" not in page.content.decode()


def test_a_request_sent_directly_names_no_introducer(intro: World) -> None:
    omar_enrollment = omar(intro)
    omar_enrollment.accepting_now = True
    omar_enrollment.save()
    request = request_send(
        mentee=intro.mentee_enrollment,
        mentor=omar_enrollment,
        focus=intro.topic("Public speaking"),
        message="Hello Omar, I present the budget to the board this spring and would love "
        "your help preparing for it over a few months.",
    )
    page = client_for(intro.mentee).get(reverse("relationships:request", args=[request.pk]))
    assert page.status_code == 200
    assert "Introduced by" not in page.content.decode()

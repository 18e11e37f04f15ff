"""The asker takes back a request the host has not answered yet."""

import pytest
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.interviews import services
from tandem.interviews.models import Interview
from tandem.interviews.tests.conftest import ask, omar, soon
from tandem.notifications.models import Notification
from tandem.testing.fixtures import World, client_for


def test_the_asker_withdraws_an_unanswered_request_and_the_host_is_told(iv: World) -> None:
    interview = ask(iv)
    page = client_for(iv.mentee).get(reverse("interviews:detail", args=[interview.pk]))
    assert b"Withdraw my request" in page.content
    response = client_for(iv.mentee).post(reverse("interviews:withdraw", args=[interview.pk]))
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == Interview.Status.WITHDRAWN
    told = Notification.objects.get(user=iv.mentor, kind="interview_withdrawn")
    assert told.url == reverse("interviews:detail", args=[interview.pk])
    host_page = client_for(iv.mentor).get(reverse("interviews:detail", args=[interview.pk]))
    assert b"withdrew this request" in host_page.content
    assert b"Propose these times" not in host_page.content


def test_a_withdrawn_request_frees_the_place_and_may_be_asked_again(iv: World) -> None:
    host = omar(iv)  # Omar offers one conversation a month.
    first = ask(iv, host=host)
    services.interview_withdraw(interview=first, by=iv.mentee)
    again = ask(iv, host=host)
    assert again.status == Interview.Status.ASKED
    assert services.interviews_taken_this_month(host) == 1


def test_the_host_cannot_withdraw_it(iv: World) -> None:
    interview = ask(iv)
    response = client_for(iv.mentor).post(reverse("interviews:withdraw", args=[interview.pk]))
    assert response.status_code == 302
    interview.refresh_from_db()
    assert interview.status == Interview.Status.ASKED
    assert not Notification.objects.filter(kind="interview_withdrawn").exists()


def test_an_answered_request_can_no_longer_be_withdrawn(iv: World) -> None:
    interview = ask(iv)
    services.interview_propose_times(interview=interview, by=iv.mentor, times=[soon(3), soon(4)])
    with pytest.raises(DomainError, match="answered already"):
        services.interview_withdraw(interview=interview, by=iv.mentee)
    declined = services.interview_decline(interview=ask(iv, host=omar(iv)), by=iv.other_mentor)
    with pytest.raises(DomainError, match="answered already"):
        services.interview_withdraw(interview=declined, by=iv.mentee)
    assert not Interview.objects.filter(status=Interview.Status.WITHDRAWN).exists()


def test_withdrawing_twice_or_as_an_outsider_changes_nothing(iv: World) -> None:
    interview = ask(iv)
    services.interview_withdraw(interview=interview, by=iv.mentee)
    with pytest.raises(DomainError, match="already withdrawn"):
        services.interview_withdraw(interview=interview, by=iv.mentee)
    outsider = client_for(iv.outsider).post(reverse("interviews:withdraw", args=[interview.pk]))
    assert outsider.status_code == 404
    assert Notification.objects.filter(kind="interview_withdrawn").count() == 1

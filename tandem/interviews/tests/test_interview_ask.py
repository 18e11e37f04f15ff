"""Asking for an informational interview: through the one pairing policy, kindly refused."""

import pytest
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.interviews import services
from tandem.interviews.models import Interview, InterviewOffer
from tandem.interviews.tests.conftest import MESSAGE, ask, omar
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment, Topic
from tandem.relationships.models import MatchExclusion, Relationship
from tandem.testing.fixtures import World, client_for


def test_asking_records_the_request_and_tells_the_host(iv: World) -> None:
    interview = ask(iv)
    stored = Interview.objects.get()
    assert stored == interview
    assert stored.status == Interview.Status.ASKED
    assert stored.message == MESSAGE
    assert stored.topic.name == "Public speaking"
    note = Notification.objects.get(user=iv.mentor, kind="interview_asked")
    assert "Mia Santos asks you for a conversation on Public speaking" in note.title
    assert not Notification.objects.filter(user=iv.mentee).exists()


@pytest.mark.parametrize(
    ("message", "error"),
    [("", "Write a line or two"), ("Hi there", "Write a line or two"), ("x" * 1001, "short")],
)
def test_a_message_too_short_or_too_long_is_refused(iv: World, message: str, error: str) -> None:
    with pytest.raises(DomainError, match=error):
        services.interview_ask(
            asker=iv.mentee_enrollment,
            host=iv.mentor_enrollment,
            topic=iv.topic("Public speaking"),
            minutes=30,
            message=message,
        )
    assert not Interview.objects.exists()


def test_a_topic_of_another_organization_or_an_odd_length_is_refused(iv: World) -> None:
    foreign = Topic.objects.filter(organization=iv.other_org).first()
    assert foreign is not None
    for topic, minutes, field in (
        (foreign, 30, "topic"),
        (iv.topic("Public speaking"), 60, "minutes"),
    ):
        with pytest.raises(DomainError) as raised:
            services.interview_ask(
                asker=iv.mentee_enrollment,
                host=iv.mentor_enrollment,
                topic=topic,
                minutes=minutes,
                message=MESSAGE,
            )
        assert raised.value.field == field
    assert not Interview.objects.exists()


def test_nobody_asks_someone_who_does_not_offer_or_themselves(iv: World) -> None:
    InterviewOffer.objects.filter(enrollment=iv.mentor_enrollment).update(is_offering=False)
    with pytest.raises(DomainError, match="not offering informational interviews"):
        ask(iv)
    with pytest.raises(DomainError, match="interview themselves"):
        ask(iv, asker=iv.mentor_enrollment, host=iv.mentor_enrollment)
    assert not Interview.objects.exists()


def test_ones_own_manager_cannot_be_asked(iv: World) -> None:
    mia = iv.mentee_enrollment.membership
    mo = iv.mentor_enrollment.membership
    assert mia is not None and mo is not None
    mia.manager = mo
    mia.save()
    with pytest.raises(DomainError, match="reporting line"):
        ask(iv)
    assert iv.mentor_enrollment not in services_hosts(iv)
    assert not Interview.objects.exists()


def services_hosts(world: World) -> list[Enrollment]:
    from tandem.interviews.selectors import hosts_for

    return list(hosts_for(asker=world.mentee_enrollment))


def test_do_not_match_and_an_earlier_not_a_fit_hold(iv: World) -> None:
    MatchExclusion.objects.create(
        mentee=iv.mentee_enrollment, mentor=iv.mentor_enrollment, reason="asked by admin"
    )
    with pytest.raises(DomainError, match="not to be matched"):
        ask(iv)
    Relationship.objects.create(
        program=iv.program,
        mentor=omar(iv),
        mentee=iv.mentee_enrollment,
        focus=iv.topic("Public speaking"),
        origin=Relationship.Origin.REQUEST,
        status=Relationship.Status.CLOSED,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
    )
    with pytest.raises(DomainError, match="not to be matched"):
        ask(iv, host=omar(iv))
    assert services_hosts(iv) == []
    assert not Interview.objects.exists()


def test_a_second_open_request_to_the_same_person_is_refused(iv: World) -> None:
    ask(iv)
    with pytest.raises(DomainError, match="already have a conversation open"):
        ask(iv)
    assert Interview.objects.count() == 1


def test_the_ask_page_sends_and_explains_each_bad_field(iv: World) -> None:
    client = client_for(iv.mentee)
    url = reverse("interviews:ask", args=[iv.program.pk, iv.mentor_enrollment.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"topic": "99999999999999999999", "minutes": "90", "message": " "})
    assert bad.status_code == 200
    form = bad.context["form"]
    assert set(form.errors) == {"topic", "minutes", "message"}
    assert not Interview.objects.exists()
    short = client.post(
        url, {"topic": iv.topic("Public speaking").pk, "minutes": "45", "message": "Hello Mo!"}
    )
    assert "Write a line or two" in short.content.decode()
    sent = client.post(
        url, {"topic": iv.topic("Public speaking").pk, "minutes": "45", "message": MESSAGE}
    )
    interview = Interview.objects.get()
    assert sent.status_code == 302 and sent["Location"] == reverse(
        "interviews:detail", args=[interview.pk]
    )
    assert interview.minutes == 45


def test_the_ask_page_is_not_found_for_someone_one_may_not_ask(iv: World) -> None:
    InterviewOffer.objects.filter(enrollment=iv.mentor_enrollment).update(is_offering=False)
    client = client_for(iv.mentee)
    url = reverse("interviews:ask", args=[iv.program.pk, iv.mentor_enrollment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"message": MESSAGE}).status_code == 404
    missing = reverse("interviews:ask", args=[iv.program.pk, 10**12])
    assert client.get(missing).status_code == 404
    assert not Interview.objects.exists()

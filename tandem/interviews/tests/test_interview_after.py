"""After the conversation: private answers, and only two yeses propose mentoring."""

import datetime

import pytest
from django.urls import reverse

from tandem.core.errors import DomainError
from tandem.interviews import services
from tandem.interviews.models import Interview
from tandem.interviews.tests.conftest import answer_both, happened, scheduled
from tandem.notifications.models import Notification
from tandem.relationships.models import Agreement, Relationship
from tandem.testing.fixtures import World, client_for


def test_two_yeses_propose_a_relationship_carrying_the_topic_and_shared_notes(iv: World) -> None:
    interview = happened(scheduled(iv))
    services.interview_note_write(
        interview=interview,
        by=iv.mentee,
        body="Practise the first minute.",
        share_if_continuing=True,
    )
    services.interview_note_write(
        interview=interview,
        by=iv.mentor,
        body="Mia seems shy; keep it gentle.",
        share_if_continuing=False,
    )
    answer_both(interview, iv.mentee, iv.mentor, yes=(True, True))
    interview.refresh_from_db()
    relationship = Relationship.objects.get()
    assert interview.outcome == Interview.Outcome.RELATIONSHIP
    assert interview.relationship == relationship
    assert relationship.status == Relationship.Status.AGREEING
    assert relationship.origin == Relationship.Origin.INTERVIEW
    assert (relationship.mentee, relationship.mentor) == (
        iv.mentee_enrollment,
        iv.mentor_enrollment,
    )
    assert relationship.focus == interview.topic
    agreement = Agreement.objects.get(relationship=relationship)
    assert "Practise the first minute." in agreement.goals
    assert "keep it gentle" not in agreement.goals
    assert agreement.mentor_signed_at is None and agreement.mentee_signed_at is None
    for person in (iv.mentee, iv.mentor):
        told = Notification.objects.get(user=person, kind="interview_continues")
        assert told.url == reverse("relationships:agreement", args=[relationship.pk])


@pytest.mark.parametrize("yes", [(True, False), (False, True), (False, False)])
def test_one_no_ends_it_quietly_and_nobody_learns_who(iv: World, yes: tuple[bool, bool]) -> None:
    interview = happened(scheduled(iv))
    services.interview_continue_answer(interview=interview, by=iv.mentee, continues=yes[0])
    # Before the other answers, nothing is settled or told.
    assert not Notification.objects.filter(
        kind__in=["interview_ended", "interview_continues"]
    ).exists()
    services.interview_continue_answer(interview=interview, by=iv.mentor, continues=yes[1])
    interview.refresh_from_db()
    assert interview.outcome == Interview.Outcome.ENDED
    assert not Relationship.objects.exists()
    told = Notification.objects.filter(kind="interview_ended")
    assert {n.user_id for n in told} == {iv.mentee.pk, iv.mentor.pk}
    assert len({(n.title, n.body) for n in told}) == 1
    for person in (iv.mentee, iv.mentor):
        page = client_for(person).get(reverse("interviews:detail", args=[interview.pk])).content
        assert b"This conversation ends here" in page
        other_name = (iv.mentor if person == iv.mentee else iv.mentee).display_name.encode()
        assert other_name + b" said" not in page


def test_answers_wait_for_the_conversation_and_are_given_once(iv: World) -> None:
    interview = scheduled(iv)
    with pytest.raises(DomainError, match="once the conversation has taken place"):
        services.interview_continue_answer(interview=interview, by=iv.mentee, continues=True)
    interview = happened(interview)
    services.interview_continue_answer(interview=interview, by=iv.mentee, continues=True)
    with pytest.raises(DomainError, match="already answered"):
        services.interview_continue_answer(interview=interview, by=iv.mentee, continues=False)
    with pytest.raises(DomainError, match="Only the two people"):
        services.interview_continue_answer(interview=interview, by=iv.other_mentor, continues=True)
    interview.refresh_from_db()
    assert (interview.asker_continues, interview.host_continues) == (True, None)


def test_two_yeses_end_quietly_when_the_pairing_rules_do_not_allow_mentoring(iv: World) -> None:
    # Mo has no free place: the relationship cannot be proposed, and both hear the same.
    iv.mentor_enrollment.capacity = 0
    iv.mentor_enrollment.save()
    interview = happened(scheduled(iv))
    answer_both(interview, iv.mentee, iv.mentor, yes=(True, True))
    interview.refresh_from_db()
    assert interview.outcome == Interview.Outcome.ENDED
    assert not Relationship.objects.exists()


def test_the_answer_page_refuses_a_missing_choice(iv: World) -> None:
    interview = happened(scheduled(iv))
    client = client_for(iv.mentee)
    url = reverse("interviews:answer", args=[interview.pk])
    for data in ({}, {"continues": "maybe"}):
        response = client.post(url, data)
        assert "continues" in response.context["continue_form"].errors
    assert client.post(url, {"continues": "yes"}).status_code == 302
    interview.refresh_from_db()
    assert interview.asker_continues is True


def test_notes_are_checked_and_kept_once_per_person(iv: World) -> None:
    interview = scheduled(iv)
    for body, error in (("   ", "Write something"), ("x" * 5001, "under 5000")):
        with pytest.raises(DomainError, match=error):
            services.interview_note_write(
                interview=interview, by=iv.mentee, body=body, share_if_continuing=False
            )
    with pytest.raises(DomainError, match="Only the two people"):
        services.interview_note_write(
            interview=interview, by=iv.other_mentor, body="Hello", share_if_continuing=False
        )
    services.interview_note_write(
        interview=interview, by=iv.mentee, body="One", share_if_continuing=False
    )
    services.interview_note_write(
        interview=interview, by=iv.mentee, body="Two", share_if_continuing=True
    )
    note = interview.notes.get()
    assert (note.body, note.share_if_continuing, note.author) == ("Two", True, iv.mentee)
    url = reverse("interviews:note", args=[interview.pk])
    bad = client_for(iv.mentee).post(url, {"body": ""})
    assert "body" in bad.context["note_form"].errors


def test_reminders_and_follow_ups_come_once_each(iv: World) -> None:
    interview = scheduled(iv)
    assert interview.starts_at is not None
    day_before = interview.starts_at - datetime.timedelta(hours=20)
    assert services.interviews_remind(now=day_before) == 1
    assert services.interviews_remind(now=day_before) == 0
    reminders = Notification.objects.filter(kind="interview_reminder")
    assert {n.user_id for n in reminders} == {iv.mentee.pk, iv.mentor.pk}
    after = interview.starts_at + datetime.timedelta(minutes=31)
    assert (
        services.interviews_follow_up(now=interview.starts_at + datetime.timedelta(minutes=10)) == 0
    )
    assert services.interviews_follow_up(now=after) == 1
    assert services.interviews_follow_up(now=after) == 0
    asked = Notification.objects.filter(kind="interview_follow_up")
    assert {n.user_id for n in asked} == {iv.mentee.pk, iv.mentor.pk}
    assert all("Your answer is private" in n.body for n in asked)


def test_the_reminder_names_the_time_on_each_persons_clock(iv: World) -> None:
    from tandem.accounts.models import Membership
    from tandem.notifications.when import local_datetime

    Membership.objects.filter(user=iv.mentee).update(time_zone="Asia/Tokyo")
    interview = scheduled(iv, None)
    assert interview.starts_at is not None
    services.interviews_remind(now=interview.starts_at - datetime.timedelta(hours=2))
    for person in (iv.mentee, iv.mentor):
        reminder = Notification.objects.get(user=person, kind="interview_reminder")
        assert (
            local_datetime(person, interview.starts_at, organization_id=iv.org.pk) in reminder.title
        )


def test_a_new_request_is_possible_once_the_conversation_has_passed(iv: World) -> None:
    from tandem.interviews.tests.conftest import ask

    happened(scheduled(iv))
    again = ask(iv)
    assert again.status == Interview.Status.ASKED
    assert Interview.objects.filter(asker=iv.mentee_enrollment).count() == 2


def test_erasing_a_person_deletes_their_notes_and_blanks_their_words(iv: World) -> None:
    from tandem.interviews.models import InterviewNote
    from tandem.people.services.erasure import person_erase

    interview = scheduled(iv)
    services.interview_note_write(
        interview=interview, by=iv.mentee, body="canary-erase-iv-7c1", share_if_continuing=True
    )
    services.interview_note_write(
        interview=interview, by=iv.mentor, body="Mo keeps this", share_if_continuing=False
    )
    person_erase(person=iv.mentee, by=iv.mentee)
    interview.refresh_from_db()
    assert "canary-erase-iv-7c1" not in interview.message
    assert "new in transit planning" not in interview.message
    assert list(InterviewNote.objects.values_list("body", flat=True)) == ["Mo keeps this"]

"""Asking, suggesting and agreeing, through the services, with the database checked after."""

from typing import Any

import pytest
from django.core import mail

from tandem.accounts.models import Membership
from tandem.core.errors import DomainError
from tandem.interviews.models import Interview, InterviewOffer
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.tests.conftest import NEED, NOTE, ask, connected, omar, sam, suggested
from tandem.notifications.models import Notification
from tandem.programs.models import Program
from tandem.relationships.models import MatchExclusion, MentorshipRequest, Relationship
from tandem.testing.fixtures import World


def _mail_to(user: Any) -> str:
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox if user.email in m.to)


def _notes_to(user: Any) -> str:
    return "\n".join(f"{n.title} {n.body}" for n in Notification.objects.filter(user=user))


def test_a_colleague_is_asked_and_told(intro: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        introduction = ask(intro)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.ASKED
    assert introduction.need == NEED
    assert introduction.asker == intro.mentee_enrollment
    note = Notification.objects.get(user=intro.mentor)
    assert note.kind == "introduction_asked"
    assert "Mia Santos asks you for an introduction" in note.title
    assert NEED in note.body
    assert "Mia Santos" in _mail_to(intro.mentor)


@pytest.mark.parametrize(
    ("need", "words"),
    [("", "Name the need"), ("   help   ", "Name the need"), ("x" * 201, "at most 200")],
)
def test_the_need_is_named_in_a_few_words(intro: World, need: str, words: str) -> None:
    with pytest.raises(DomainError, match=words) as raised:
        ask(intro, need=need)
    assert raised.value.field == "need"
    assert not Introduction.objects.exists()


def test_nobody_asks_themselves_twice_or_while_not_ready(intro: World) -> None:
    with pytest.raises(DomainError, match="nobody can introduce you to yourself"):
        services.introduction_ask(
            asker=intro.mentee_enrollment, introducer=intro.mentee_enrollment, need=NEED
        )
    ask(intro)
    with pytest.raises(DomainError, match="already have an introduction open with Mo"):
        ask(intro)
    intro.mentor_enrollment.profile_completed_at = None
    intro.mentor_enrollment.save()
    with pytest.raises(DomainError, match="not taking part here"):
        services.introduction_ask(
            asker=intro.mentee_enrollment, introducer=intro.mentor_enrollment, need=NEED + "!"
        )
    Program.objects.filter(pk=intro.program.pk).update(status=Program.Status.DRAFT)
    intro.mentee_enrollment.program.refresh_from_db()
    with pytest.raises(DomainError, match="not running"):
        services.introduction_ask(asker=intro.mentee_enrollment, introducer=omar(intro), need=NEED)
    assert Introduction.objects.count() == 1


def _active_relationship(world: World) -> Relationship:
    from tandem.relationships.tests.conftest import active

    omar_enrollment = omar(world)
    omar_enrollment.accepting_now = True
    omar_enrollment.save()
    return active(world)


def test_an_agreement_saying_no_introductions_yet_keeps_the_mentor_from_being_asked(
    intro: World,
) -> None:
    from tandem.policy.eligibility import introducers_for
    from tandem.relationships.services import (
        agreement_renegotiate,
        agreement_sign,
        agreement_update,
    )

    relationship = _active_relationship(intro)
    signed = relationship.agreements.get()
    assert signed.introductions == "later"
    with pytest.raises(DomainError, match="says no introductions yet"):
        ask(intro)
    assert intro.mentor_enrollment not in introducers_for(intro.mentee_enrollment)
    # Omar has no agreement with Mia: he may be asked.
    assert omar(intro) in introducers_for(intro.mentee_enrollment)

    # A new draft that says "now" is not in force until both sign it.
    draft = agreement_renegotiate(relationship=relationship, by=intro.mentee)
    draft = agreement_update(agreement=draft, by=intro.mentee, introductions="now")
    with pytest.raises(DomainError, match="says no introductions yet"):
        ask(intro)
    agreement_sign(agreement=draft, by=intro.mentor)
    agreement_sign(agreement=draft, by=intro.mentee)
    introduction = ask(intro)
    assert introduction.introducer == intro.mentor_enrollment
    assert intro.mentor_enrollment in introducers_for(intro.mentee_enrollment)


def test_the_boundary_is_checked_again_when_the_colleague_suggests(intro: World) -> None:
    introduction = ask(intro)
    _active_relationship(intro)
    with pytest.raises(DomainError, match="says no introductions yet"):
        services.introduction_suggest(
            introduction=introduction,
            by=intro.mentor,
            suggestions=[services.Suggested(person=omar(intro), note=NOTE)],
        )
    assert not Suggestion.objects.exists()


def test_the_asker_learns_nothing_of_a_suggestion_before_consent(
    intro: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggested(intro)
    introduction = suggestion.introduction
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.CHECKING
    assert introduction.status_for_asker == "Waiting for an answer"
    assert suggestion.status == Suggestion.Status.ASKED and suggestion.note == NOTE
    told = Notification.objects.get(user=intro.other_mentor)
    assert told.kind == "introduction_suggested"
    assert "Mo would like to introduce you to Mia Santos" in told.title
    assert NEED in told.body
    assert "Omar" not in _notes_to(intro.mentee)
    assert "Omar" not in _mail_to(intro.mentee)
    assert NOTE not in _mail_to(intro.mentee)


def test_a_decline_is_never_attributed(intro: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = suggested(intro)
        services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=False)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.DECLINED
    introduction = Introduction.objects.get()
    assert introduction.status == Introduction.Status.NO_MATCH
    no_match = Notification.objects.get(user=intro.mentee, kind="introduction_no_match")
    assert "Mo could not find a match this time" in no_match.title
    assert "Omar" not in _notes_to(intro.mentee)
    assert "Omar" not in _mail_to(intro.mentee)
    assert "could not find a match" in _mail_to(intro.mentee)
    # The introducer is not told of the decline either.
    assert (
        not Notification.objects.filter(user=intro.mentor)
        .exclude(kind="introduction_asked")
        .exists()
    )


def test_the_colleague_may_decline_without_a_reason(intro: World) -> None:
    introduction = ask(intro)
    with pytest.raises(DomainError, match="Only the colleague"):
        services.introduction_decline(introduction=introduction, by=intro.mentee)
    services.introduction_decline(introduction=introduction, by=intro.mentor)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.NO_MATCH
    assert Notification.objects.filter(user=intro.mentee, kind="introduction_no_match").exists()
    with pytest.raises(DomainError, match="closed"):
        suggested(intro, introduction)
    with pytest.raises(DomainError, match="already been answered"):
        services.introduction_decline(introduction=introduction, by=intro.mentor)


def test_agreeing_connects_both_and_tells_the_introducer(
    intro: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        suggestion = connected(intro)
    assert suggestion.status == Suggestion.Status.AGREED and suggestion.answered_at
    assert Introduction.objects.get().status == Introduction.Status.CONNECTED
    for person, words in (
        (intro.mentee, "Mo introduced you to Omar Lind"),
        (intro.other_mentor, "You are connected with Mia Santos"),
        (intro.mentor, "Omar Lind and Mia Santos are connected"),
    ):
        assert Notification.objects.get(user=person, kind="introduction_connected").title == words
    assert "Omar Lind" in _mail_to(intro.mentee)
    with pytest.raises(DomainError, match="answered already"):
        services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=False)


def test_one_yes_among_several_keeps_the_connection(intro: World) -> None:
    introduction = ask(intro)
    first, second = services.introduction_suggest(
        introduction=introduction,
        by=intro.mentor,
        suggestions=[
            services.Suggested(person=omar(intro), note=NOTE),
            services.Suggested(person=sam(intro), note="Sam chairs the finance committee."),
        ],
    )
    services.suggestion_answer(suggestion=first, by=intro.other_mentor, agrees=True)
    services.suggestion_answer(suggestion=second, by=sam(intro).user, agrees=False)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.CONNECTED
    assert not Notification.objects.filter(kind="introduction_no_match").exists()


def test_only_the_person_suggested_answers(intro: World) -> None:
    suggestion = suggested(intro)
    for person in (intro.mentee, intro.mentor, intro.admin):
        with pytest.raises(DomainError, match="Only the person suggested"):
            services.suggestion_answer(suggestion=suggestion, by=person, agrees=True)
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ASKED


@pytest.mark.parametrize(
    ("note", "words"),
    [("", "Write a short note"), ("short", "Write a short note"), ("x" * 501, "at most 500")],
)
def test_each_suggestion_needs_a_short_note(intro: World, note: str, words: str) -> None:
    introduction = ask(intro)
    with pytest.raises(DomainError, match=words) as raised:
        services.introduction_suggest(
            introduction=introduction,
            by=intro.mentor,
            suggestions=[services.Suggested(person=omar(intro), note=note)],
        )
    assert raised.value.field == "note"
    assert not Suggestion.objects.exists()


def test_whom_a_colleague_may_suggest(intro: World) -> None:
    introduction = ask(intro)

    def suggest(*people: Any, by: Any = intro.mentor) -> None:
        services.introduction_suggest(
            introduction=introduction,
            by=by,
            suggestions=[services.Suggested(person=p, note=NOTE) for p in people],
        )

    with pytest.raises(DomainError, match="Only the colleague"):
        suggest(omar(intro), by=intro.other_mentor)
    with pytest.raises(DomainError, match="at least one"):
        suggest()
    with pytest.raises(DomainError, match="cannot be suggested"):
        suggest(intro.mentee_enrollment)
    with pytest.raises(DomainError, match="cannot be suggested"):
        suggest(intro.mentor_enrollment)
    with pytest.raises(DomainError, match="suggested already"):
        suggest(omar(intro), omar(intro))
    assert not Suggestion.objects.exists()
    suggest(omar(intro))
    with pytest.raises(DomainError, match="suggested already"):
        suggest(omar(intro))
    assert Suggestion.objects.count() == 1


def test_the_reporting_line_holds_between_asker_and_the_person_suggested(intro: World) -> None:
    from tandem.introductions.selectors import suggestable_people

    mia = intro.mentee_enrollment.membership
    assert mia is not None
    mia.manager = Membership.objects.get(user=intro.other_mentor, organization=intro.org)
    mia.save()
    introduction = ask(intro)
    assert omar(intro) not in suggestable_people(introduction=introduction)
    assert sam(intro) in suggestable_people(introduction=introduction)
    with pytest.raises(DomainError, match="in Mia's reporting line"):
        suggested(intro, introduction)
    assert not Suggestion.objects.exists()


def test_do_not_match_and_not_a_fit_hold_without_saying_why(intro: World) -> None:
    from tandem.introductions.selectors import suggestable_people

    introduction = ask(intro)
    MatchExclusion.objects.create(
        mentee=intro.mentee_enrollment, mentor=omar(intro), reason="asked by admin"
    )
    with pytest.raises(DomainError, match="Omar cannot be suggested for this introduction"):
        suggested(intro, introduction)
    Relationship.objects.create(
        program=intro.program,
        mentor=sam(intro),
        mentee=intro.mentee_enrollment,
        focus=intro.topic("Public speaking"),
        origin=Relationship.Origin.REQUEST,
        status=Relationship.Status.CLOSED,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
    )
    with pytest.raises(DomainError, match="Sam cannot be suggested") as raised:
        services.introduction_suggest(
            introduction=introduction,
            by=intro.mentor,
            suggestions=[services.Suggested(person=sam(intro), note=NOTE)],
        )
    assert "fit" not in raised.value.message
    assert list(suggestable_people(introduction=introduction)) == []
    assert not Suggestion.objects.exists()


def test_either_may_start_an_interview_recorded_against_the_introduction(intro: World) -> None:
    suggestion = suggested(intro)
    InterviewOffer.objects.create(enrollment=omar(intro), is_offering=True, per_month=2)
    with pytest.raises(DomainError, match="not connected yet"):
        services.connection_start_interview(
            suggestion=suggestion,
            by=intro.mentee,
            topic=intro.topic("Public speaking"),
            minutes=30,
            message="Mo suggested I ask you about the spring budget hearing.",
        )
    services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=True)
    with pytest.raises(DomainError, match="Only the two people"):
        services.connection_start_interview(
            suggestion=suggestion,
            by=intro.mentor,
            topic=intro.topic("Public speaking"),
            minutes=30,
            message="Mo suggested I ask you about the spring budget hearing.",
        )
    interview = services.connection_start_interview(
        suggestion=suggestion,
        by=intro.mentee,
        topic=intro.topic("Public speaking"),
        minutes=30,
        message="Mo suggested I ask you about the spring budget hearing.",
    )
    suggestion.refresh_from_db()
    assert suggestion.interview == interview
    assert interview.asker == intro.mentee_enrollment and interview.host == omar(intro)
    assert interview.status == Interview.Status.ASKED
    with pytest.raises(DomainError, match="already asked"):
        services.connection_start_interview(
            suggestion=suggestion,
            by=intro.other_mentor,
            topic=intro.topic("Public speaking"),
            minutes=30,
            message="Happy to talk: let us find a time for the budget hearing.",
        )
    assert Interview.objects.count() == 1


def test_the_interview_rules_still_hold_from_a_connection(intro: World) -> None:
    suggestion = connected(intro)
    with pytest.raises(DomainError, match="not offering informational interviews"):
        services.connection_start_interview(
            suggestion=suggestion,
            by=intro.mentee,
            topic=intro.topic("Public speaking"),
            minutes=30,
            message="Mo suggested I ask you about the spring budget hearing.",
        )
    suggestion.refresh_from_db()
    assert suggestion.interview is None
    assert not Interview.objects.exists()


def test_a_mentoring_request_from_a_connection_records_its_origin(intro: World) -> None:
    omar_enrollment = omar(intro)
    omar_enrollment.accepting_now = True
    omar_enrollment.save()
    suggestion = connected(intro)
    request = services.connection_start_request(
        suggestion=suggestion,
        by=intro.mentee,
        focus=intro.topic("Public speaking"),
        message="Hello Omar, Mo introduced us. I present the budget to the board this spring "
        "and would love your help preparing for it over a few months.",
    )
    suggestion.refresh_from_db()
    assert suggestion.mentorship_request == request
    assert request.mentee == intro.mentee_enrollment and request.mentor == omar_enrollment
    assert request.status == MentorshipRequest.Status.PENDING

"""What needs you: the top of each person's home page, across programs and formats."""

import datetime
import re
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.accounts import time_zones
from tandem.accounts.models import Membership, User
from tandem.matching import services as matching_services
from tandem.matching.models import MatchingRound
from tandem.programs.models import Enrollment, EnrollmentTopic, Program
from tandem.relationships import services
from tandem.relationships.models import Commitment, MentorshipRequest, Relationship
from tandem.relationships.tests.conftest import MESSAGE, active, complete
from tandem.testing.factories import (
    EnrollmentFactory,
    MembershipFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.fixtures import World, client_for
from tandem.testing.rounds import round_create_default

CANARY = "CANARY-private-4f7d"


@pytest.fixture
def ready(world: World) -> World:
    """Mia wants help with public speaking; Mo and Omar offer it."""
    complete(world.mentee_enrollment, world, EnrollmentTopic.Kind.FOCUS)
    complete(world.mentor_enrollment, world, EnrollmentTopic.Kind.EXPERTISE)
    other = Enrollment.objects.get(user=world.other_mentor, program=world.program)
    other.accepting_now = True
    other.save()
    complete(other, world, EnrollmentTopic.Kind.EXPERTISE)
    return world


def _needs(user: User) -> str:
    """Return the "What needs you" section of this person's home page."""
    response = client_for(user).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    start = page.index('aria-labelledby="needs"')
    return page[start : page.index("</section>", start)]


def _link(section: str, title: str) -> str:
    match = re.search(r'<a href="([^"]+)">' + re.escape(title), section)
    assert match, f"no link titled {title!r} in {section}"
    return match.group(1)


def _opens(user: User, url: str) -> None:
    assert client_for(user).get(url).status_code == 200


def _request(world: World) -> MentorshipRequest:
    return services.request_send(
        mentee=world.mentee_enrollment,
        mentor=world.mentor_enrollment,
        focus=world.topic("Public speaking"),
        message=MESSAGE,
    )


def test_a_calm_line_when_nothing_waits(world: World) -> None:
    section = _needs(world.member)
    assert "Nothing needs you right now" in section
    assert "<ul" not in section


def test_the_mentor_answers_a_request_and_the_mentee_waits(ready: World) -> None:
    ask = _request(ready)
    url = reverse("relationships:request", args=[ask.pk])
    mentor = _needs(ready.mentor)
    title = "Mia Santos asks you to mentor them on Public speaking"
    assert _link(mentor, title) == url
    assert mentor.index("Needs you now") < mentor.index(title)
    assert "Answer by" in mentor and "<time datetime=" in mentor
    _opens(ready.mentor, url)
    mentee = _needs(ready.mentee)
    waiting = "Your request to Mo Haddad on Public speaking is waiting for an answer"
    assert _link(mentee, waiting) == url
    assert mentee.index("Waiting on others") < mentee.index(waiting)
    _opens(ready.mentee, url)
    for person in (ready.other_mentor, ready.admin, ready.outsider):
        assert "Mo Haddad" not in _needs(person)
        assert "Mia Santos" not in _needs(person)

    services.request_accept(request=ask, by=ready.mentor, reply="Gladly!")
    assert title not in _needs(ready.mentor)
    assert waiting not in _needs(ready.mentee)


def test_both_answer_a_proposal_and_it_leaves_once_answered(ready: World) -> None:
    proposal = services.proposal_create(
        program=ready.program,
        mentor=ready.mentor_enrollment,
        mentee=ready.mentee_enrollment,
        focus=ready.topic("Public speaking"),
        score=0.8,
        reasons=["Mo knows public speaking"],
    )
    url = reverse("relationships:proposal", args=[proposal.pk])
    for person, partner in ((ready.mentee, "Mo Haddad"), (ready.mentor, "Mia Santos")):
        title = f"Answer a proposed match with {partner}, on Public speaking"
        assert _link(_needs(person), title) == url
        _opens(person, url)
    assert "proposed match" not in _needs(ready.other_mentor)

    services.proposal_answer(proposal=proposal, by=ready.mentee, accept=True)
    mentee = _needs(ready.mentee)
    assert "Answer a proposed match" not in mentee
    assert "You said yes to a match with Mo Haddad; their answer is next" in mentee
    assert "Answer a proposed match with Mia Santos" in _needs(ready.mentor)

    services.proposal_answer(proposal=proposal, by=ready.mentor, accept=True)
    for person in (ready.mentee, ready.mentor):
        assert "proposed match" not in _needs(person)
        assert "Write and sign your agreement" in _needs(person)


def test_each_signs_the_agreement_then_it_leaves(ready: World) -> None:
    relationship = services.request_accept(request=_request(ready), by=ready.mentor, reply="Yes")
    url = reverse("relationships:agreement", args=[relationship.pk])
    assert _link(_needs(ready.mentor), "Write and sign your agreement with Mia Santos") == url
    assert _link(_needs(ready.mentee), "Write and sign your agreement with Mo Haddad") == url
    _opens(ready.mentee, url)
    assert "your agreement" not in _needs(ready.admin)

    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=ready.mentor)
    mentor = _needs(ready.mentor)
    assert "You signed; Mia Santos&#x27;s signature is next" in mentor
    assert mentor.index("Waiting on others") < mentor.index("You signed")
    assert "Write and sign your agreement with Mo Haddad" in _needs(ready.mentee)

    services.agreement_sign(agreement=agreement, by=ready.mentee)
    for person in (ready.mentor, ready.mentee):
        assert "your agreement" not in _needs(person)
        assert "signature is next" not in _needs(person)

    draft = services.agreement_renegotiate(relationship=relationship, by=ready.mentee)
    assert f"Read and sign version {draft.version} of your agreement with Mia Santos" in _needs(
        ready.mentor
    )


def test_the_next_meeting_shows_its_shared_agenda_to_the_pair_only(ready: World) -> None:
    relationship = active(ready)
    meeting = relationship.meetings.get()
    services.meeting_update(meeting=meeting, by=ready.mentee, agenda="Board deck, slide 3")
    url = reverse("relationships:meeting", args=[meeting.pk])
    for person, partner in ((ready.mentee, "Mo Haddad"), (ready.mentor, "Mia Santos")):
        section = _needs(person)
        assert _link(section, f"Meeting with {partner}") == url
        assert "Board deck, slide 3" in section
        assert section.index("Coming up") < section.index("Board deck")
        local = timezone.localtime(meeting.starts_at).date().isoformat()
        assert f'<time datetime="{local}T' in section
        _opens(person, url)
    for person in (ready.admin, ready.other_mentor, ready.outsider):
        assert "Board deck" not in _needs(person)


def test_meeting_times_show_in_the_persons_own_time_zone(ready: World) -> None:
    meeting = active(ready).meetings.get()
    Membership.objects.filter(user=ready.mentee).update(time_zone="Pacific/Auckland")
    section = _needs(ready.mentee)
    there = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert f'<time datetime="{there.isoformat()}"' in section
    assert meeting.starts_at.astimezone(datetime.UTC).isoformat() not in section


def test_own_commitments_due_or_overdue_show_first_and_leave_when_done(ready: World) -> None:
    relationship = active(ready)
    today = timezone.localdate()
    later = services.commitment_create(
        relationship=relationship,
        owner=ready.mentee,
        text="Book the room",
        due_on=today + datetime.timedelta(days=3),
    )
    late = services.commitment_create(
        relationship=relationship, owner=ready.mentee, text="Draft the opening", due_on=today
    )
    Commitment.objects.filter(pk=late.pk).update(due_on=today - datetime.timedelta(days=2))
    section = _needs(ready.mentee)
    detail = reverse("relationships:detail", args=[relationship.pk])
    assert _link(section, "Your commitment: Draft the opening") == detail
    assert "Overdue, was due" in section
    assert section.index("Needs you now") < section.index("Draft the opening")
    assert section.index("Coming up") < section.index("Book the room")
    _opens(ready.mentee, detail)
    assert "Draft the opening" not in _needs(ready.mentor)  # the partner's, not the mentor's

    services.commitment_mark_done(commitment=late, by=ready.mentee)
    services.commitment_mark_done(commitment=later, by=ready.mentee)
    assert "Your commitment" not in _needs(ready.mentee)


def test_a_check_in_due_asks_its_author_and_never_shows_an_answer(ready: World) -> None:
    relationship = active(ready)
    weeks = relationship.program.checkin_interval_weeks
    Relationship.objects.filter(pk=relationship.pk).update(
        started_at=timezone.now() - datetime.timedelta(weeks=weeks, days=1)
    )
    url = reverse("relationships:checkin", args=[relationship.pk])
    for person, partner in ((ready.mentee, "Mo Haddad"), (ready.mentor, "Mia Santos")):
        title = f"A private check-in on your relationship with {partner}"
        assert _link(_needs(person), title) == url
    _opens(ready.mentee, url)

    relationship.refresh_from_db()
    services.checkin_record(
        relationship=relationship, author=ready.mentee, going=2, meeting_goals=2, comment=CANARY
    )
    assert "private check-in" not in _needs(ready.mentee)
    assert "private check-in" in _needs(ready.mentor)
    for person in (ready.mentee, ready.mentor, ready.admin):
        assert CANARY not in client_for(person).get("/").content.decode()


def test_a_pause_ending_soon_asks_to_resume_or_close(ready: World) -> None:
    relationship = active(ready)
    back = timezone.localdate() + datetime.timedelta(days=3)
    services.relationship_pause(relationship=relationship, by=ready.mentee, until=back)
    url = reverse("relationships:resume", args=[relationship.pk])
    for person, partner in ((ready.mentee, "Mo Haddad"), (ready.mentor, "Mia Santos")):
        section = _needs(person)
        assert _link(section, f"Your pause with {partner} ends soon") == url
        assert f'<time datetime="{back.isoformat()}"' in section
        _opens(person, url)
    assert "pause" not in _needs(ready.admin)

    # Her own today, which past midnight UTC is not the test's.
    her_today = timezone.localdate(timezone=time_zones.zone_of(user_id=ready.mentee.pk))
    Relationship.objects.filter(pk=relationship.pk).update(pause_until=her_today)
    assert "Your pause with Mo Haddad has ended: resume or close" in _needs(ready.mentee)
    services.relationship_resume(relationship=relationship, by=ready.mentor)
    assert "pause" not in _needs(ready.mentee)


def test_admins_see_a_round_to_review_and_concern_counts_never_their_words(
    cohort: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        matching_round = round_create_default(program=cohort.program, by=cohort.admin)
        matching_services.round_start(matching_round=matching_round)
    matching_round.refresh_from_db()
    assert matching_round.status == MatchingRound.Status.READY
    admin = _needs(cohort.admin)
    url = reverse("matching:round", args=[matching_round.pk])
    assert _link(admin, "Matching round “Spring” is ready for your review") == url
    _opens(cohort.admin, url)
    for person in (cohort.mentor, cohort.mentee, cohort.outsider):
        assert "ready for your review" not in _needs(person)

    matching_services.round_publish(matching_round=matching_round)
    assert "ready for your review" not in _needs(cohort.admin)


def test_admins_see_how_many_concerns_are_open_and_not_what_they_say(ready: World) -> None:
    relationship = active(ready)
    concern = services.concern_raise(
        relationship=relationship, reporter=ready.mentee, body=f"Something is off. {CANARY}"
    )
    section = _needs(ready.admin)
    url = reverse("relationships:program", args=[ready.program.pk])
    assert _link(section, "1 open concern not yet looked at") == url
    assert CANARY not in client_for(ready.admin).get("/").content.decode()
    _opens(ready.admin, url)
    for person in (ready.mentor, ready.mentee, ready.outsider):
        assert "concern" not in _needs(person)

    services.concern_update(concern=concern, admin=ready.admin, status="resolved", response="Done")
    assert "concern" not in _needs(ready.admin)


def _second_program_with_everything(world: World, n: int) -> None:
    """Give Mo, as mentor, one more program with an active pair and things to do in it."""
    program = ProgramFactory.create(organization=world.org, name=f"Program {n}")
    program.admins.add(world.mentor)
    mentor = EnrollmentFactory.create(
        program=program,
        user=world.mentor,
        is_mentee=False,
        is_mentor=True,
        capacity=3,
        accepting_now=True,
        membership=Membership.objects.get(user=world.mentor, organization=world.org),
    )
    complete(mentor, world, EnrollmentTopic.Kind.EXPERTISE)
    mentees = []
    for i in range(2):
        user = UserFactory.create(full_name=f"Mentee {n}-{i}")
        membership = MembershipFactory.create(user=user, organization=world.org)
        mentee = EnrollmentFactory.create(program=program, user=user, membership=membership)
        mentees.append(complete(mentee, world, EnrollmentTopic.Kind.FOCUS))
    focus = world.topic("Public speaking")
    relationship = services.request_accept(
        request=services.request_send(
            mentee=mentees[0], mentor=mentor, focus=focus, message=MESSAGE
        ),
        by=world.mentor,
        reply="Yes",
    )
    agreement = relationship.agreements.get()
    services.agreement_sign(agreement=agreement, by=world.mentor)
    services.agreement_sign(agreement=agreement, by=mentees[0].user)
    services.commitment_create(
        relationship=relationship,
        owner=world.mentor,
        text=f"Send notes {n}",
        due_on=timezone.localdate(),
    )
    services.concern_raise(
        relationship=relationship, reporter=mentees[0].user, body="Something is off."
    )
    services.request_send(mentee=mentees[1], mentor=mentor, focus=focus, message=MESSAGE)


def _home_queries(user: User) -> int:
    client = client_for(user)
    client.get("/")  # the first request touches the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def test_the_query_count_does_not_grow_with_programs_and_relationships(world: World) -> None:
    _second_program_with_everything(world, 1)
    one = _home_queries(world.mentor)
    for n in range(2, 11):
        _second_program_with_everything(world, n)
    section = _needs(world.mentor)
    assert section.count("asks you to mentor them") == 10
    assert section.count("Your commitment: Send notes") == 10
    assert section.count("Meeting with Mentee") == 10
    assert section.count("open concern") == 10
    assert _home_queries(world.mentor) == one


def test_a_program_of_another_format_is_included(world: World) -> None:
    peers = ProgramFactory.create(
        organization=world.org, name="Peer pairs", format=Program.Format.PEER
    )
    a, b = (
        EnrollmentFactory.create(
            program=peers,
            user=user,
            is_mentee=False,
            is_peer=True,
            capacity=1,
            accepting_now=True,
        )
        for user in (world.mentee, world.member)
    )
    for enrollment in (a, b):
        enrollment.membership = Membership.objects.get(user=enrollment.user, organization=world.org)
        enrollment.save()
        complete(enrollment, world, EnrollmentTopic.Kind.FOCUS)
    proposal = services.proposal_create(
        program=peers,
        mentor=b,
        mentee=a,
        focus=world.topic("Public speaking"),
        score=0.7,
        reasons=["You both want to practise public speaking"],
    )
    section = _needs(world.mentee)
    assert _link(section, "Answer a proposed match with Max Byrne") == reverse(
        "relationships:proposal", args=[proposal.pk]
    )
    assert "Peer pairs" in section


def test_mentors_hear_of_unanswered_board_questions_in_their_topics(ready: World) -> None:
    from tandem.board import services as board

    def ask(title: str, topic: str, anonymous: bool = False):
        return board.question_ask(
            author=world.mentee,
            organization=world.org,
            program=world.program,
            title=title,
            body="I freeze when I present to the board. How did you prepare the first time?",
            topics=[world.topic(topic)],
            is_anonymous=anonymous,
        )

    world = ready
    first = ask("How do I prepare a talk?", "Public speaking", anonymous=True)
    ask("Which budget tool do you use?", "Budgeting and finance")
    section = _needs(world.mentor)
    # Only the question in a topic Mo offers, counted, with no word of who asked it.
    assert "1 question in your topics has no answer yet" in section
    assert world.mentee.full_name not in section
    url = _link(section, "1 question in your topics has no answer yet")
    assert url == reverse("board:program", args=[world.program.pk]) + "?sort=unanswered"
    board_page = client_for(world.mentor).get(url).content.decode()
    assert "How do I prepare a talk?" in board_page
    # The asker is not asked to answer her own question.
    assert "no answer yet" not in _needs(world.mentee)

    board.answer_post(question=first, author=world.other_mentor, body="Rehearse twice, aloud.")
    assert "no answer yet" not in _needs(world.mentor)

"""Privacy canary: the need and the introducer's note stay with the people of an introduction.

A program admin sees no introduction on any page or export, nor does anyone not in it; and
when the person suggested says no, the asker never learns who it was, on a page, in an
e-mail or in their data export.
"""

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from tandem.interviews.models import InterviewOffer
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.tests.conftest import omar, sam
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

NEED_CANARY = "canary-need-71b4-kestrel"
NOTE_CANARY = "canary-note-2c9e-walrus"


def _story(world: World, *, agrees: bool, django_capture_on_commit_callbacks: Any) -> Suggestion:
    """Mia asks Mo with a canary need; Mo suggests Omar with a canary note; Omar answers."""
    InterviewOffer.objects.create(enrollment=omar(world), is_offering=True, per_month=2)
    with django_capture_on_commit_callbacks(execute=True):
        introduction = services.introduction_ask(
            asker=world.mentee_enrollment,
            introducer=world.mentor_enrollment,
            need=f"Someone who ran a hearing {NEED_CANARY}",
        )
        (suggestion,) = services.introduction_suggest(
            introduction=introduction,
            by=world.mentor,
            suggestions=[
                services.Suggested(person=omar(world), note=f"Omar ran two. {NOTE_CANARY}")
            ],
        )
        services.suggestion_answer(suggestion=suggestion, by=world.other_mentor, agrees=agrees)
    if agrees:
        services.connection_start_interview(
            suggestion=suggestion,
            by=world.mentee,
            topic=world.topic("Public speaking"),
            minutes=30,
            message="Mo suggested I ask you about the spring budget hearing.",
        )
    suggestion.refresh_from_db()
    return suggestion


def _admin_urls(world: World, introduction: Introduction) -> list[str]:
    program = world.program.pk
    return [
        "/",
        reverse("programs:detail", args=[program]),
        reverse("programs:manage", args=[program]),
        reverse("programs:person", args=[program, world.mentee_enrollment.pk]),
        reverse("programs:person", args=[program, omar(world).pk]),
        reverse("relationships:program_export", args=[program, "csv"]),
        reverse("insights:impact", args=[program]),
        reverse("insights:impact_export", args=[program, "csv"]),
        reverse("insights:stalled", args=[program]),
        reverse("introductions:mine"),
        reverse("introductions:detail", args=[introduction.pk]),
        reverse("notifications:list"),
        reverse("relationships:export"),
    ]


def test_the_need_and_the_note_reach_no_admin_and_no_one_outside(
    intro: World, django_capture_on_commit_callbacks: Any
) -> None:
    suggestion = _story(
        intro, agrees=True, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    introduction = suggestion.introduction
    urls = [
        *_admin_urls(intro, introduction),
        reverse("interviews:detail", args=[suggestion.interview_id]),
        reverse("introductions:interview", args=[suggestion.pk]),
    ]
    for person in (intro.admin, intro.member, intro.outsider, sam(intro).user):
        client = client_for(person)
        for url in urls:
            html = client.get(url).content.decode(errors="replace")
            assert NEED_CANARY not in html, (person.email, url)
            assert NOTE_CANARY not in html, (person.email, url)
    # The admin's pages and exports did open: the canary was looked for in what they read.
    admin = client_for(intro.admin)
    for url in urls[2:8]:
        assert admin.get(url).status_code == 200, url
    parties = {intro.mentee.email, intro.mentor.email, intro.other_mentor.email}
    assert mail.outbox, "the story must have sent its e-mails"
    for message in mail.outbox:
        if not parties & set(message.to):
            assert NEED_CANARY not in message.body and NOTE_CANARY not in message.body
    # The three people of the introduction do read what is theirs.
    detail = reverse("introductions:detail", args=[introduction.pk])
    for person in (intro.mentee, intro.other_mentor):
        html = client_for(person).get(detail).content.decode()
        assert NEED_CANARY in html and NOTE_CANARY in html, person.email


def test_a_declined_suggestion_never_names_the_person_to_the_asker(
    intro: World, django_capture_on_commit_callbacks: Any
) -> None:
    suggestion = _story(
        intro, agrees=False, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    introduction = suggestion.introduction
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.NO_MATCH
    mia = client_for(intro.mentee)
    urls = [
        reverse("introductions:mine"),
        reverse("introductions:detail", args=[introduction.pk]),
        reverse("notifications:list"),
        reverse("relationships:export"),
    ]
    pages = {url: mia.get(url) for url in urls}
    for url, response in pages.items():
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Omar" not in text and "omar.mentor" not in text, url
        assert NOTE_CANARY not in text, url
    assert "could not find a match for you this time" in pages[urls[1]].content.decode()
    to_mia = [m for m in mail.outbox if intro.mentee.email in m.to]
    assert any("could not find a match" in m.body for m in to_mia)
    for message in to_mia:
        assert "Omar" not in f"{message.subject}\n{message.body}"
        assert NOTE_CANARY not in message.body
    # Nor can she open the suggestion itself.
    answer = reverse("introductions:answer", args=[suggestion.pk])
    assert mia.post(answer, {"agrees": "yes"}).status_code == 404
    start = reverse("introductions:interview", args=[suggestion.pk])
    assert mia.get(start).status_code == 404

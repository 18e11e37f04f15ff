"""Suggestions nobody answers: a reminder halfway, then "no match this time" for the asker."""

import datetime
import io
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.introductions import services
from tandem.introductions.models import Introduction, Suggestion
from tandem.introductions.tests.conftest import NOTE, ask, connected, omar, sam, suggested
from tandem.notifications.models import Notification
from tandem.testing.fixtures import World, client_for

pytestmark = pytest.mark.usefixtures("tasks_after_each_request")

DAY = datetime.timedelta(days=1)


def _mail_to(user: object) -> str:
    email = getattr(user, "email")  # noqa: B009
    return "\n".join(f"{m.subject}\n{m.body}" for m in mail.outbox if email in m.to)


def _after(suggestion: Suggestion, days: float) -> datetime.datetime:
    return suggestion.created_at + datetime.timedelta(days=days)


def test_the_person_suggested_is_reminded_once_halfway(intro: World) -> None:
    suggestion = suggested(intro)
    assert services.suggestions_remind(now=_after(suggestion, 6.9)) == 0
    assert services.suggestions_remind(now=_after(suggestion, 7)) == 1
    assert services.suggestions_remind(now=_after(suggestion, 8)) == 0
    reminder = Notification.objects.get(kind="introduction_suggested_reminder")
    assert reminder.user == intro.other_mentor
    assert "Mo is waiting to introduce you to Mia Santos" in reminder.title
    suggestion.refresh_from_db()
    assert suggestion.reminded_at == _after(suggestion, 7)
    assert suggestion.status == Suggestion.Status.ASKED
    # The asker hears nothing of it.
    assert not Notification.objects.filter(
        user=intro.mentee, kind="introduction_suggested_reminder"
    ).exists()


def test_an_answered_suggestion_is_not_reminded(intro: World) -> None:
    suggestion = connected(intro)
    assert services.suggestions_remind(now=_after(suggestion, 7)) == 0
    assert not Notification.objects.filter(kind="introduction_suggested_reminder").exists()


def test_unanswered_after_fourteen_days_the_asker_reads_no_match_without_a_name(
    intro: World, django_capture_on_commit_callbacks: Any
) -> None:
    suggestion = suggested(intro)
    introduction = suggestion.introduction
    assert services.suggestions_expire(now=_after(suggestion, 13.9)) == 0
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.suggestions_expire(now=_after(suggestion, 14)) == 1
    suggestion.refresh_from_db()
    introduction.refresh_from_db()
    assert suggestion.status == Suggestion.Status.EXPIRED
    assert introduction.status == Introduction.Status.NO_MATCH
    told = Notification.objects.get(user=intro.mentee, kind="introduction_no_match")
    assert told.body == services.NO_MATCH.format(introducer="Mo")
    assert "Omar" not in f"{told.title} {told.body}"
    assert "could not find a match" in _mail_to(intro.mentee)
    assert "Omar" not in _mail_to(intro.mentee)
    page = client_for(intro.mentee).get(reverse("introductions:detail", args=[introduction.pk]))
    html = page.content.decode()
    assert "could not find a match for you this time" in html
    assert "Omar" not in html
    listing = client_for(intro.mentee).get(reverse("introductions:mine")).content.decode()
    assert "No match this time" in listing and "Omar" not in listing
    # Twice is once.
    assert services.suggestions_expire(now=_after(suggestion, 15)) == 0
    assert Notification.objects.filter(kind="introduction_no_match").count() == 1


def test_the_person_suggested_reads_that_it_closed_and_can_no_longer_answer(
    intro: World,
) -> None:
    suggestion = suggested(intro)
    services.suggestions_expire(now=_after(suggestion, 14))
    with pytest.raises(DomainError, match="closed before your answer"):
        services.suggestion_answer(suggestion=suggestion, by=intro.other_mentor, agrees=True)
    omar_client = client_for(intro.other_mentor)
    url = reverse("introductions:detail", args=[suggestion.introduction_id])
    html = omar_client.get(url).content.decode()
    assert "This introduction closed before you answered." in html
    assert "Send my answer" not in html
    response = omar_client.post(
        reverse("introductions:answer", args=[suggestion.pk]), {"agrees": "yes"}
    )
    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.EXPIRED


def test_one_declined_and_one_unanswered_close_as_no_match(intro: World) -> None:
    introduction = ask(intro)
    first, second = services.introduction_suggest(
        introduction=introduction,
        by=intro.mentor,
        suggestions=[
            services.Suggested(person=omar(intro), note=NOTE),
            services.Suggested(person=sam(intro), note=NOTE),
        ],
    )
    services.suggestion_answer(suggestion=first, by=intro.other_mentor, agrees=False)
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.CHECKING
    assert services.suggestions_expire(now=_after(second, 14)) == 1
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.NO_MATCH


def test_a_later_suggestion_still_waiting_keeps_the_introduction_open(intro: World) -> None:
    first = suggested(intro)
    introduction = first.introduction
    (later,) = services.introduction_suggest(
        introduction=introduction,
        by=intro.mentor,
        suggestions=[services.Suggested(person=sam(intro), note=NOTE)],
    )
    Suggestion.objects.filter(pk=later.pk).update(created_at=_after(first, 10))
    assert services.suggestions_expire(now=_after(first, 14)) == 1
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.CHECKING
    assert not Notification.objects.filter(kind="introduction_no_match").exists()
    assert services.suggestions_expire(now=_after(first, 24)) == 1
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.NO_MATCH


def test_after_a_connection_an_unanswered_suggestion_closes_quietly(intro: World) -> None:
    introduction = ask(intro)
    first, second = services.introduction_suggest(
        introduction=introduction,
        by=intro.mentor,
        suggestions=[
            services.Suggested(person=omar(intro), note=NOTE),
            services.Suggested(person=sam(intro), note=NOTE),
        ],
    )
    services.suggestion_answer(suggestion=first, by=intro.other_mentor, agrees=True)
    assert services.suggestions_expire(now=_after(second, 14)) == 1
    introduction.refresh_from_db()
    second.refresh_from_db()
    assert introduction.status == Introduction.Status.CONNECTED
    assert second.status == Suggestion.Status.EXPIRED
    assert not Notification.objects.filter(kind="introduction_no_match").exists()


@override_settings(INTRODUCTION_SUGGESTION_EXPIRY_DAYS=4)
def test_the_number_of_days_is_a_setting(intro: World) -> None:
    suggestion = suggested(intro)
    assert services.suggestion_expires_at(suggestion) == _after(suggestion, 4)
    assert services.suggestions_remind(now=_after(suggestion, 1.9)) == 0
    assert services.suggestions_remind(now=_after(suggestion, 2)) == 1
    assert services.suggestions_expire(now=_after(suggestion, 3.9)) == 0
    assert services.suggestions_expire(now=_after(suggestion, 4)) == 1


def test_the_scheduler_reminds_and_expires(intro: World) -> None:
    reminded = suggested(intro)
    Suggestion.objects.filter(pk=reminded.pk).update(created_at=timezone.now() - 8 * DAY)
    other = ask_other(intro)
    Suggestion.objects.filter(pk=other.pk).update(created_at=timezone.now() - 15 * DAY)

    call_command("run_schedule", "--once", stdout=io.StringIO())
    call_command("run_schedule", "--once", stdout=io.StringIO())

    reminded.refresh_from_db()
    other.refresh_from_db()
    assert reminded.status == Suggestion.Status.ASKED and reminded.reminded_at is not None
    assert other.status == Suggestion.Status.EXPIRED
    assert Notification.objects.filter(kind="introduction_suggested_reminder").count() == 1
    assert Notification.objects.filter(kind="introduction_no_match").count() == 1


def ask_other(world: World) -> Suggestion:
    """Omar asks Mo for an introduction too; Mo suggests Sam, who never answers."""
    introduction = services.introduction_ask(
        asker=omar(world),
        introducer=world.mentor_enrollment,
        need="Someone who has written a grant for a transit pilot",
    )
    (suggestion,) = services.introduction_suggest(
        introduction=introduction,
        by=world.mentor,
        suggestions=[services.Suggested(person=sam(world), note=NOTE)],
    )
    return suggestion

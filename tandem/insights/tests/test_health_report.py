"""The monthly health report: last month's figures, once per admin, and nothing private."""

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from tandem.insights import reports
from tandem.insights.health_tasks import send_monthly_health_reports
from tandem.notifications.models import Notification
from tandem.relationships.models import JournalEntry, Relationship
from tandem.testing.fixtures import World

from .health_data import CANARY, at, checkin, meeting, pair, person

pytestmark = pytest.mark.django_db

FIRST_OF_APRIL = datetime.date(2026, 4, 1)


def _march(world: World, checkins_from: int = 5) -> None:
    """In March: two joined, one left, three pairs signed after 2, 4 and 10 days."""
    mentor = person(world, joined=at(1, 2), mentor=True)
    person(world, joined=at(3, 2))
    person(world, joined=at(2, 2), left=at(3, 20))
    pairs: list[Relationship] = []
    for asked, waited in ((at(3, 1), 2), (at(3, 3), 4), (at(2, 25), 10)):
        mentee = person(world, joined=at(3, 1) if not pairs else at(1, 10))
        relationship = pair(
            world, mentee, mentor, asked=asked, signed=asked + datetime.timedelta(days=waited)
        )
        meeting(relationship, at(3, 25))
        JournalEntry.objects.create(author=mentee.user, relationship=relationship, body=CANARY)
        pairs.append(relationship)
    for n in range(checkins_from):
        relationship = pairs[n % len(pairs)]
        author = person(world, joined=at(1, 1)).user if n >= 3 else relationship.mentee.user
        checkin(relationship, author, at(3, 26), 4, 5)


def _send(django_capture_on_commit_callbacks: Any, today: datetime.date = FIRST_OF_APRIL) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return reports.health_reports_send(today=today)


def test_each_admin_gets_last_months_figures_once(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _march(world)
    assert _send(django_capture_on_commit_callbacks) == 2  # Ada, and Olga for her program
    ada = Notification.objects.get(user=world.admin)
    assert ada.kind == "health_report"
    assert ada.title == "Your programs in March 2026"
    assert ada.url == f"/insights/programs/{world.program.pk}/health/"
    assert "New-hire mentoring" in ada.body
    assert "- Enrolment: 2 joined, 1 left." in ada.body
    assert "signed their agreement: 3 (median 4 days from the ask)." in ada.body
    assert "- Meetings held: 3." in ada.body
    assert "4.0 out of 5" in ada.body
    olga = Notification.objects.get(user=world.outsider)
    assert "New-hire mentoring" not in olga.body and "Riverside nurses circle" in olga.body
    sent = [m for m in mail.outbox if world.admin.email in m.to]
    assert len(sent) == 1 and sent[0].subject == "Your programs in March 2026"
    assert f"/insights/programs/{world.program.pk}/health/" in sent[0].body

    # The schedule runs again, or a dead worker's task is queued again: nothing new.
    assert _send(django_capture_on_commit_callbacks) == 0
    assert _send(django_capture_on_commit_callbacks, FIRST_OF_APRIL.replace(day=3)) == 0
    assert Notification.objects.filter(user=world.admin, kind="health_report").count() == 1
    assert len([m for m in mail.outbox if world.admin.email in m.to]) == 1


def test_participants_get_no_report(world: World, django_capture_on_commit_callbacks: Any) -> None:
    _march(world)
    _send(django_capture_on_commit_callbacks)
    for persona in (world.mentor, world.mentee, world.member, world.other_mentor):
        assert not Notification.objects.filter(user=persona, kind="health_report").exists()


def test_the_report_holds_nothing_anyone_wrote(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _march(world)
    _send(django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(body__contains=CANARY).exists()
    assert all(CANARY not in m.body and CANARY not in m.subject for m in mail.outbox)


def test_check_ins_of_fewer_than_five_people_give_no_average(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _march(world, checkins_from=4)
    _send(django_capture_on_commit_callbacks)
    body = Notification.objects.get(user=world.admin).body
    assert "fewer than five people checked in, so no average" in body
    assert "out of 5" not in body


def test_an_admin_who_takes_a_digest_gets_it_in_the_digest(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    world.admin.email_digest = True
    world.admin.save()
    _march(world)
    _send(django_capture_on_commit_callbacks)
    assert Notification.objects.filter(user=world.admin, kind="health_report").exists()
    assert not [m for m in mail.outbox if world.admin.email in m.to]


def test_after_the_first_week_the_month_is_left_alone(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    _march(world)
    assert _send(django_capture_on_commit_callbacks, FIRST_OF_APRIL.replace(day=8)) == 0
    assert not Notification.objects.filter(kind="health_report").exists()


def test_the_schedule_enqueues_the_report_task(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    _march(world)
    monkeypatch.setattr(timezone, "localdate", lambda *args: FIRST_OF_APRIL)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_schedule", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Notification.objects.filter(user=world.admin, kind="health_report").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_monthly_health_reports.call() == 0

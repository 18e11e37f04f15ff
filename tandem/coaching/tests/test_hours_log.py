"""The coach's hours log: every held session in every program, on the coach's clock."""

import csv
import datetime
import io
from typing import Any

from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.coaching.models import Engagement, SessionNote
from tandem.coaching.selectors.hours import hours_log
from tandem.coaching.selectors.progress import engagement_progress
from tandem.coaching.tests.sessions_setup import held, running
from tandem.coaching.tests.test_sessions import practice_for_other
from tandem.relationships.models import Meeting
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for

URL = reverse("coaching:hours_log")


def _csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_log_lists_each_held_session_with_totals_and_no_notes(practice: Practice) -> None:
    running(practice)
    first = held(practice, days_ago=10, minutes=50)
    held(practice, days_ago=3, minutes=75)
    Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    first.notes = "Shared words about the team"
    first.save(update_fields=["notes"])
    SessionNote.objects.create(meeting=first, author=practice.coach.user, body="Private canary")

    response = client_for(practice.coach.user).get(URL, {"format": "csv"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0] == [
        "Date",
        "Client",
        "Program",
        "Minutes",
        "Hours",
        "Paid or pro bono",
        "Paid by",
        "Sponsor organization",
    ]
    assert rows[1][1:] == [
        "Cal Client",
        "Leadership coaching",
        "50",
        "0.8",
        "Paid",
        "The organization (a sponsor's budget)",
        "Northwind Transit Agency",
    ]
    # Each row to a tenth, half up; the totals from the 125 exact minutes, as the
    # engagement page counts them.
    assert rows[2][3:5] == ["75", "1.3"]
    assert rows[3][:5] == ["Total", "2 sessions", "", "125", "2.1"]
    assert rows[4][0] == "Paid" and rows[4][3:5] == ["125", "2.1"]
    assert rows[5][0] == "Pro bono" and rows[5][3:5] == ["0", "0.0"]
    assert str(engagement_progress(practice.engagement).hours_used) == "2.1"
    text = response.content.decode("utf-8-sig")
    assert "canary" not in text and "Shared words" not in text
    page = client_for(practice.coach.user).get(URL).content.decode()
    assert "Cal Client" in page and "canary" not in page
    assert "0.83" not in page and "1.25" not in page
    assert '<td class="num">50</td><td class="num">0.8</td>' in page
    assert '<td class="num">125</td><td class="num">2.1</td>' in page
    assert "Totals are from the exact minutes" in page


def test_the_date_is_on_the_coachs_clock(practice: Practice) -> None:
    running(practice)
    Membership.objects.filter(user=practice.coach.user).update(time_zone="Pacific/Auckland")
    meeting = held(practice, days_ago=2)
    late = meeting.starts_at.replace(hour=22, minute=0)  # 22:00 UTC is the next day there
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=late)

    row = hours_log(coach=practice.coach.user).rows[0]

    assert row.day == (late + datetime.timedelta(hours=14)).date()
    assert row.day != late.date()


def test_program_allocation_is_pro_bono_and_a_client_payer_has_no_sponsor(
    practice: Practice,
) -> None:
    running(practice)
    held(practice, days_ago=2)
    Engagement.objects.filter(pk=practice.engagement.pk).update(paid_by=Engagement.Payer.PROGRAM)
    row = hours_log(coach=practice.coach.user).rows[0]
    assert (row.paid_label, row.sponsor_organization) == ("Pro bono", "Northwind Transit Agency")
    Engagement.objects.filter(pk=practice.engagement.pk).update(paid_by=Engagement.Payer.CLIENT)
    row = hours_log(coach=practice.coach.user).rows[0]
    assert (row.paid_label, row.sponsor_organization) == ("Paid", "")


def test_each_coach_sees_only_their_own_sessions_and_a_client_none(practice: Practice) -> None:
    running(practice)
    held(practice, days_ago=2)
    other = practice_for_other(practice)
    Meeting.objects.create(
        relationship=other.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        duration_minutes=45,
        status=Meeting.Status.HELD,
    )
    olga = _csv(client_for(other.coach.user).get(URL, {"format": "csv"}))
    assert [r[1] for r in olga[1:-3]] == ["Otto Client"]
    cora = _csv(client_for(practice.coach.user).get(URL, {"format": "csv"}))
    assert [r[1] for r in cora[1:-3]] == ["Cal Client"]
    for person in (practice.client.user, practice.sponsor, practice.admin):
        assert client_for(person).get(URL).status_code == 404
        assert client_for(person).get(URL, {"format": "csv"}).status_code == 404


def test_the_log_spans_every_program_in_a_bounded_number_of_queries(
    practice: Practice, django_assert_max_num_queries: Any
) -> None:
    running(practice)
    for days in range(1, 9):
        held(practice, days_ago=days, minutes=45)
    client = client_for(practice.coach.user)
    client.get(URL)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.content.decode().count("Cal Client") == 8
    with django_assert_max_num_queries(10):
        client.get(URL, {"format": "csv"})


def test_a_coach_finds_the_hours_log_on_the_program_page(practice: Practice) -> None:
    practice.start()
    program_url = reverse("programs:detail", args=[practice.coach.program_id])
    coach = client_for(practice.coach.user).get(program_url).content.decode()
    client = client_for(practice.client.user).get(program_url).content.decode()
    assert reverse("coaching:hours_log") in coach
    assert reverse("coaching:hours_log") not in client


def test_a_coach_without_clients_yet_sees_an_empty_log(practice: Practice) -> None:
    Engagement.objects.filter(pk=practice.engagement.pk).delete()
    coach = client_for(practice.coach.user)

    page = coach.get(reverse("coaching:hours_log"))
    download = coach.get(reverse("coaching:hours_log") + "?format=csv")

    assert page.status_code == 200 and "0 sessions" in page.content.decode()
    assert next(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))[0] == "Date"
    assert client_for(practice.world.member).get(reverse("coaching:hours_log")).status_code == 404

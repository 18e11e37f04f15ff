import csv
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from tandem.notifications.models import Notification
from tandem.relationships.models import CheckIn, JournalEntry, Relationship
from tandem.relationships.services import relationship_close
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

from .builders import commitment, meeting, pair, person, request

CANARY = "CANARY-legacy-91c private"
THANKS = "Your patience with my budget talk changed how I present. Thank you!"


@pytest.fixture
def history(world: World) -> World:
    """Mo mentored Mia and two others; Omar mentored one; some of it private."""
    mo = world.mentor_enrollment
    mia = pair(world, mo, world.mentee_enrollment, origin=Relationship.Origin.REQUEST)
    meeting(mia, days_ago=20, minutes=60)
    meeting(mia, days_ago=10, minutes=30)
    meeting(mia, days_ago=5, minutes=45, held=False)  # planned, not held: no hours
    commitment(mia, world.mentee, done=True)
    commitment(mia, world.mentee, done=False)
    commitment(mia, world.mentor, done=True)  # the mentor's own: not the mentee's work
    request(world, mo, world.mentee_enrollment, expires_in_days=-1, status="accepted")
    request(world, mo, person(world, "Declined Dee"), expires_in_days=-1, status="declined")
    request(world, mo, person(world, "Pending Pat"), expires_in_days=3)
    ben = pair(world, mo, person(world, "Ben Ortiz"))
    meeting(ben, days_ago=3, minutes=90)
    pair(world, mo, person(world, "Agreeing Al"), status="agreeing", started_days_ago=None)
    omar = world.program.enrollments.get(user=world.other_mentor)
    meeting(pair(world, omar, person(world, "Cleo Park")), days_ago=2, minutes=60)
    for author in (world.mentor, world.mentee):
        JournalEntry.objects.create(author=author, relationship=mia, title=CANARY, body=CANARY)
        CheckIn.objects.create(
            relationship=mia, author=author, going=2, meeting_goals=2, comment=CANARY
        )
    relationship_close(
        relationship=mia, by=world.mentee, reason="completed", private_reason=CANARY, message=THANKS
    )
    # Ben closes without words: the default thanks is not his to quote.
    relationship_close(relationship=ben, by=ben.mentee.user, reason="completed")
    return world


def test_mentor_sees_their_own_figures_and_the_words_mentees_sent(history: World) -> None:
    response = client_for(history.mentor).get(reverse("insights:legacy"))
    assert response.status_code == 200
    total = response.context["legacy"].total
    assert total.people_helped == 2  # Mia and Ben started; Al is still agreeing
    assert total.minutes_given == 60 + 30 + 90
    assert total.hours_given == 3.0
    assert total.meetings_held == 3
    assert total.commitments_completed == 1
    assert (total.requests_answered, total.requests_became_mentoring) == (2, 1)
    page = response.content.decode()
    assert "Your patience with my budget talk" in page
    assert "Thank you for the time you gave each other." not in page
    assert CANARY not in page and "Shared notes" not in page


def test_words_a_mentee_sent_to_someone_else_never_show(history: World) -> None:
    Notification.objects.create(
        user=history.other_mentor, kind="relationship_closed", title="x", body=THANKS, url="/x/"
    )
    omar_page = client_for(history.other_mentor).get(reverse("insights:legacy"))
    assert omar_page.status_code == 200
    assert "budget talk" not in omar_page.content.decode()
    assert omar_page.context["legacy"].total.hours_given == 1.0


@pytest.mark.parametrize("who", ["mentee", "member", "admin", "outsider"])
def test_people_who_do_not_mentor_have_no_legacy_page(history: World, who: str) -> None:
    client = client_for(getattr(history, who))
    assert client.get(reverse("insights:legacy")).status_code == 404
    assert client.get(reverse("insights:legacy_export", args=["csv"])).status_code == 404


def test_mentor_downloads_their_own_figures(history: World) -> None:
    client = client_for(history.mentor)
    response = client.get(reverse("insights:legacy_export", args=["csv"]))
    text = response.content.decode("utf-8-sig")
    assert "New-hire mentoring,2,3.0,3,1,2,1" in text.replace("\r", "")
    assert CANARY not in text
    assert client.get(reverse("insights:legacy_export", args=["xlsx"])).status_code == 200
    assert client.get(reverse("insights:legacy_export", args=["exe"])).status_code == 404


def test_admin_sees_every_mentor_totals_and_distributions(history: World) -> None:
    response = client_for(history.admin).get(reverse("insights:impact", args=[history.program.pk]))
    assert response.status_code == 200
    impact = response.context["impact"]
    assert impact.mentors == 2
    assert impact.total.people_helped == 3
    assert impact.total.hours_given == 4.0
    assert [(r.name, r.hours_given) for r in impact.top_by_hours] == [
        ("Mo Haddad", 3.0),
        ("Omar Lind", 1.0),
    ]
    assert {b.label: b.mentors for b in impact.people_distribution}["2"] == 1
    assert {b.label: b.mentors for b in impact.hours_distribution}["under 5"] == 2
    assert impact.median_hours == 2.0
    page = response.content.decode()
    assert CANARY not in page and "budget talk" not in page


def _rows_and_total(rows: list[list[object]]) -> tuple[list[float], float]:
    body, total = rows[1:-1], rows[-1]
    return [float(str(r[2])) for r in body], float(str(total[2]))


def test_the_hours_shown_for_each_mentor_add_up_to_the_total_shown(world: World) -> None:
    # Three quarters of an hour shows as 0.8 for each of two mentors: the total shows 1.6,
    # not the 1.5 hours the 90 minutes make, so that the column adds up as printed.
    omar = world.program.enrollments.get(user=world.other_mentor)
    for mentor, mentee in ((world.mentor_enrollment, world.mentee_enrollment), (omar, None)):
        mentee = mentee or person(world, "Cleo Park")
        meeting(pair(world, mentor, mentee), days_ago=2, minutes=45)
    client = client_for(world.admin)
    page = client.get(reverse("insights:impact", args=[world.program.pk])).content.decode()
    assert re.search(r"<strong>1.6</strong><span>hours in 2 meetings", page)
    assert page.count('<td class="num">0.8</td>') == 2
    export = reverse("insights:impact_export", args=[world.program.pk, "csv"])
    rows = list(csv.reader(io.StringIO(client.get(export).content.decode("utf-8-sig"))))
    assert rows[-1][0] == "All mentors"
    shown, total = _rows_and_total([list(r) for r in rows])
    assert shown == [0.8, 0.8] and total == 1.6 == round(sum(shown), 1)
    export = reverse("insights:impact_export", args=[world.program.pk, "xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(export).content)).active
    assert sheet is not None
    shown, total = _rows_and_total([list(r) for r in sheet.iter_rows(values_only=True)])
    assert shown == [0.8, 0.8] and total == 1.6


@pytest.mark.parametrize("sort", ["name", "people", "hours", "commitments", "DROP", ""])
def test_any_sort_or_page_renders(history: World, sort: str) -> None:
    url = reverse("insights:impact", args=[history.program.pk])
    response = client_for(history.admin).get(url, {"sort": sort, "page": "x"})
    assert response.status_code == 200
    if sort == "name":
        assert [r.name for r in response.context["page"].object_list] == ["Mo Haddad", "Omar Lind"]


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_only_program_admins_see_every_mentor(history: World, who: str) -> None:
    client = client_for(getattr(history, who))
    assert client.get(reverse("insights:impact", args=[history.program.pk])).status_code == 404
    export = reverse("insights:impact_export", args=[history.program.pk, "csv"])
    assert client.get(export).status_code == 404


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_admin_export_is_logged_and_private_words_stay_out(
    history: World, file_format: str
) -> None:
    response = client_for(history.admin).get(
        reverse("insights:impact_export", args=[history.program.pk, file_format])
    )
    assert response.status_code == 200
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        assert "Mo Haddad" in text and CANARY not in text and "budget talk" not in text
    assert (
        SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT).detail["what"] == "mentor-impact"
    )


def test_admin_page_queries_do_not_grow_with_mentors(
    history: World, django_assert_max_num_queries, django_capture_on_commit_callbacks
) -> None:
    client = client_for(history.admin)
    url = reverse("insights:impact", args=[history.program.pk])
    client.get(url)
    for n in range(15):
        mentor = person(history, f"Mentor {n}", mentor=True)
        meeting(pair(history, mentor, person(history, f"Mentee {n}")), days_ago=1)
    # The page reads the stored figures: they count the new mentors once recomputed.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("insights:recompute", args=[history.program.pk]), {"page": "impact"})
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.context["impact"].mentors == 17

"""The closing review: the client's last rating and outcome of each objective, and a summary."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.coaching.models import Engagement, ObjectiveRating
from tandem.coaching.services import sessions as services
from tandem.coaching.tests.sessions_setup import held, running
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.relationships.models import Relationship
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for


def _url(practice: Practice) -> str:
    return reverse("coaching:closing_review", args=[practice.engagement.pk])


def _form(practice: Practice, **changes: str) -> dict[str, str]:
    one, two = practice.engagement.objectives.all()
    return {
        f"objective_{one.pk}": "8",
        f"outcome_{one.pk}": "Every weekly meeting now ends with written decisions.",
        f"objective_{two.pk}": "6",
        f"outcome_{two.pk}": "Two hard conversations held.",
        "summary": "I lead the team with much more confidence.",
    } | changes


def _near_the_end(practice: Practice, *, days_left: int = 10) -> Engagement:
    engagement = running(practice)
    engagement.ends_on = timezone.localdate() + datetime.timedelta(days=days_left)
    engagement.save(update_fields=["ends_on"])
    return engagement


def test_the_client_writes_the_closing_review_and_the_page_compares(practice: Practice) -> None:
    running(practice)
    one, two = practice.engagement.objectives.all()
    early, late = held(practice, days_ago=20), held(practice, days_ago=5, minutes=90)
    ObjectiveRating.objects.create(objective=one, meeting=early, progress=2)
    ObjectiveRating.objects.create(objective=one, meeting=late, progress=5)
    Relationship.objects.filter(pk=practice.relationship.pk).update(
        status=Relationship.Status.CLOSED, closed_at=timezone.now()
    )

    response = client_for(practice.client.user).post(_url(practice), _form(practice))

    assert response.status_code == 302
    closing = {
        r.objective_id: r.progress for r in ObjectiveRating.objects.filter(meeting__isnull=True)
    }
    assert closing == {one.pk: 8, two.pk: 6}
    engagement = Engagement.objects.get(pk=practice.engagement.pk)
    assert engagement.closing_reviewed_at is not None
    assert engagement.closing_summary == "I lead the team with much more confidence."
    one.refresh_from_db()
    assert one.outcome == "Every weekly meeting now ends with written decisions."
    told = Notification.objects.get(user=practice.coach.user, kind="coaching_closing_reviewed")
    assert told.url == _url(practice)
    page = client_for(practice.coach.user).get(_url(practice)).content.decode()
    row = page.split("Run a weekly team meeting")[1].split("</tr>")[0]
    assert "2/10" in row and "5/10" in row and "8/10" in row
    assert "Every weekly meeting now ends with written decisions." in row
    assert "2.5 of 6.0 hours used" in page
    assert "Save the closing review" not in page


def test_the_client_may_change_the_review_and_there_is_one_closing_rating(
    practice: Practice,
) -> None:
    _near_the_end(practice)
    client = client_for(practice.client.user)
    client.post(_url(practice), _form(practice))
    one = practice.engagement.objectives.first()
    assert one is not None
    client.post(_url(practice), _form(practice, **{f"objective_{one.pk}": "9"}))
    assert ObjectiveRating.objects.get(objective=one, meeting=None).progress == 9
    assert Notification.objects.filter(kind="coaching_closing_reviewed").count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("objective_one", "11", "Select a valid choice"),
        ("objective_one", "", "This field is required"),
        ("outcome_one", "x" * 2001, "at most 2000 characters"),
        ("summary", "", "This field is required"),
        ("summary", "x" * 5001, "at most 5000 characters"),
    ],
)
def test_a_bad_closing_review_is_refused(
    practice: Practice, field: str, value: str, message: str
) -> None:
    _near_the_end(practice)
    one = practice.engagement.objectives.first()
    assert one is not None
    name = field.replace("one", str(one.pk))
    response = client_for(practice.client.user).post(
        _url(practice), _form(practice, **{name: value})
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ObjectiveRating.objects.exists()
    assert Engagement.objects.get(pk=practice.engagement.pk).closing_reviewed_at is None


def test_the_coach_reads_it_adds_nothing_and_may_ask_for_it(practice: Practice) -> None:
    _near_the_end(practice)
    coach = client_for(practice.coach.user)
    page = coach.get(_url(practice)).content.decode()
    assert "Save the closing review" not in page
    response = coach.post(_url(practice), _form(practice))
    assert response.status_code == 200
    assert not ObjectiveRating.objects.exists()
    with pytest.raises(DomainError, match="client writes the closing review"):
        services.closing_review_save(
            engagement=practice.engagement,
            by=practice.coach.user,
            ratings={},
            outcomes={},
            summary="Good work.",
        )

    coach.post(reverse("coaching:closing_review_ask", args=[practice.engagement.pk]))
    coach.post(reverse("coaching:closing_review_ask", args=[practice.engagement.pk]))
    asked = Notification.objects.filter(user=practice.client.user, kind="coaching_closing_asked")
    assert asked.count() == 1


def test_the_closing_review_waits_while_the_engagement_has_months_to_run(
    practice: Practice,
) -> None:
    engagement = running(practice)  # ends in about three months, no session held yet
    opens = engagement.ends_on - datetime.timedelta(days=14)
    client = client_for(practice.client.user)
    coach = client_for(practice.coach.user)

    page = client.get(_url(practice)).content.decode()
    response = client.post(_url(practice), _form(practice))
    coach_page = coach.get(_url(practice)).content.decode()
    coach.post(reverse("coaching:closing_review_ask", args=[engagement.pk]))

    explained = f"The closing review opens on {opens:%-d %B %Y}, two weeks before"
    assert explained in page and "Save the closing review" not in page
    assert response.status_code == 200 and explained in response.content.decode()
    assert explained in coach_page and "for the closing review</button>" not in coach_page
    assert not ObjectiveRating.objects.exists()
    assert Engagement.objects.get(pk=engagement.pk).closing_reviewed_at is None
    assert not Notification.objects.filter(kind="coaching_closing_asked").exists()
    for person in (practice.client.user, practice.coach.user):
        with pytest.raises(DomainError, match="The closing review opens on"):
            if person == practice.client.user:
                services.closing_review_save(
                    engagement=engagement, by=person, ratings={}, outcomes={}, summary="x"
                )
            else:
                services.closing_review_ask(engagement=engagement, by=person)


@pytest.mark.parametrize("why", ["two weeks left", "every session held", "closed early"])
def test_the_closing_review_opens_near_the_end_or_when_the_work_is_done(
    practice: Practice, why: str
) -> None:
    engagement = running(practice)
    if why == "two weeks left":
        engagement.ends_on = timezone.localdate() + datetime.timedelta(days=14)
        engagement.save(update_fields=["ends_on"])
    elif why == "every session held":
        for days in range(engagement.sessions_contracted):
            held(practice, days_ago=days + 1)
    else:
        Relationship.objects.filter(pk=practice.relationship.pk).update(
            status=Relationship.Status.CLOSED, closed_at=timezone.now()
        )
        practice.relationship.refresh_from_db()
    assert (
        "Save the closing review"
        in client_for(practice.client.user).get(_url(practice)).content.decode()
    )
    client_for(practice.coach.user).post(
        reverse("coaching:closing_review_ask", args=[engagement.pk])
    )
    assert Notification.objects.filter(
        user=practice.client.user, kind="coaching_closing_asked"
    ).exists()

    client_for(practice.client.user).post(_url(practice), _form(practice))

    assert Engagement.objects.get(pk=engagement.pk).closing_reviewed_at is not None
    assert ObjectiveRating.objects.filter(meeting=None).count() == 2


def test_the_engagement_page_asks_for_the_review_once_the_end_date_passed(
    practice: Practice,
) -> None:
    engagement = running(practice, days_ago=130)
    engagement.ends_on = timezone.localdate() - datetime.timedelta(days=1)
    engagement.save(update_fields=["ends_on"])
    page = client_for(practice.client.user).get(
        reverse("coaching:engagement", args=[engagement.pk])
    )
    assert "Write the closing review" in page.content.decode()
    assert services.engagement_has_ended(engagement)


@pytest.mark.parametrize("who", ["sponsor", "admin", "outsider"])
def test_nobody_else_reads_the_closing_review(practice: Practice, who: str, world: Any) -> None:
    running(practice)
    person = {"sponsor": practice.sponsor, "admin": practice.admin, "outsider": world.outsider}
    assert client_for(person[who]).get(_url(practice)).status_code == 404

import datetime

from django.urls import reverse
from django.utils import timezone

from tandem.coaching.models import ObjectiveRating
from tandem.coaching.selectors.progress import engagement_progress
from tandem.relationships.models import Meeting
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for


def _held(practice: Practice, days_ago: int, minutes: int) -> Meeting:
    return Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        duration_minutes=minutes,
        status=Meeting.Status.HELD,
    )


def test_progress_counts_held_sessions_and_follows_each_objective(practice: Practice) -> None:
    practice.start()
    first, second = _held(practice, 20, 60), _held(practice, 6, 90)
    Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        duration_minutes=60,
    )
    one, two = practice.engagement.objectives.all()
    ObjectiveRating.objects.create(objective=one, meeting=first, progress=2)
    ObjectiveRating.objects.create(objective=one, meeting=second, progress=5)
    ObjectiveRating.objects.create(objective=one, meeting=None, progress=8)

    progress = engagement_progress(practice.engagement)

    assert (progress.sessions_held, progress.sessions_contracted) == (2, 6)
    assert str(progress.hours_used) == "2.5" and str(progress.hours_left) == "3.5"
    assert not progress.over_hours
    rows = {p.objective.pk: p for p in progress.objectives}
    assert (rows[one.pk].first, rows[one.pk].latest, rows[one.pk].closing) == (2, 5, 8)
    assert rows[two.pk].latest is None and rows[two.pk].ratings == 0
    assert progress.average_latest == 8


def test_progress_of_a_new_engagement_is_empty(practice: Practice) -> None:
    progress = engagement_progress(practice.engagement)
    assert progress.sessions_held == 0 and progress.hours_used == 0
    assert progress.average_latest is None


def test_hours_left_reads_the_same_at_the_limit_and_says_how_far_over(
    practice: Practice,
) -> None:
    practice.start()
    url = reverse("coaching:engagement", args=[practice.engagement.pk])
    coach = client_for(practice.coach.user)
    _held(practice, 20, 180)
    _held(practice, 13, 180)
    at_limit = engagement_progress(practice.engagement)
    assert (str(at_limit.hours_left), str(at_limit.hours_over)) == ("0.0", "0.0")
    page = coach.get(url).content.decode()
    assert "<strong>0.0</strong><span>hours left</span>" in page
    assert "hours over the contract" not in page

    _held(practice, 6, 100)

    over = engagement_progress(practice.engagement)
    assert (str(over.hours_left), str(over.hours_over)) == ("0.0", "1.7")
    page = coach.get(url).content.decode()
    assert '<strong class="warn-text">1.7</strong><span>hours over the contract</span>' in page
    assert "hours left" not in page

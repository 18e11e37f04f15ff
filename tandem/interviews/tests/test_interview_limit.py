"""The monthly limit: requests beyond it are declined for the host, kindly, at once."""

import datetime

from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.interviews import services
from tandem.interviews.models import Interview
from tandem.interviews.tests.conftest import ask
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment
from tandem.relationships.tests.conftest import complete
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import World


def _asker(world: World, name: str) -> Enrollment:
    user = UserFactory.create(full_name=name)
    membership = MembershipFactory.create(user=user, organization=world.org)
    enrollment = EnrollmentFactory.create(program=world.program, user=user, membership=membership)
    return complete(enrollment, world, "focus")


def test_a_request_beyond_the_monthly_number_is_declined_kindly_for_the_host(iv: World) -> None:
    first = ask(iv)
    second = ask(iv, asker=_asker(iv, "Sam Reyes"))
    third = ask(iv, asker=_asker(iv, "Lee Park"))
    assert [i.status for i in (first, second)] == [Interview.Status.ASKED] * 2
    third.refresh_from_db()
    assert third.status == Interview.Status.DECLINED
    assert third.declined_for_limit
    assert "offers 2 conversations a month" in third.reply
    assert "nothing to do with you" in third.reply
    # The host hears of the two within the limit only; the third asker reads the note.
    assert Notification.objects.filter(user=iv.mentor, kind="interview_asked").count() == 2
    told = Notification.objects.get(user=third.asker.user, kind="interview_declined")
    assert told.body == third.reply


def test_the_note_names_when_next_months_open_on_the_askers_clock(iv: World) -> None:
    # Mo's month turns at midnight UTC: in Los Angeles that is the afternoon before.
    Membership.objects.filter(user=iv.mentor).update(time_zone="UTC")
    Membership.objects.filter(user=iv.mentee).update(time_zone="America/Los_Angeles")
    ask(iv, asker=_asker(iv, "Sam Reyes"))
    ask(iv, asker=_asker(iv, "Lee Park"))
    third = ask(iv)
    now = timezone.now().astimezone(datetime.UTC)
    opens = (
        now.replace(day=1, hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=32)
    ).replace(day=1)
    day_before = opens - datetime.timedelta(days=1)
    assert third.declined_for_limit
    assert f"ask again from {day_before.day} {day_before:%B}, when" in third.reply


def test_a_declined_request_frees_its_place_and_last_month_does_not_count(iv: World) -> None:
    first = ask(iv)
    ask(iv, asker=_asker(iv, "Sam Reyes"))
    services.interview_decline(interview=first, by=iv.mentor)
    assert services.interviews_taken_this_month(iv.mentor_enrollment) == 1
    third = ask(iv, asker=_asker(iv, "Lee Park"))
    assert third.status == Interview.Status.ASKED
    # Last month's conversations are last month's.
    Interview.objects.update(created_at=timezone.now() - datetime.timedelta(days=40))
    assert services.interviews_taken_this_month(iv.mentor_enrollment) == 0
    fourth = ask(iv, asker=_asker(iv, "Kim Cho"))
    assert fourth.status == Interview.Status.ASKED

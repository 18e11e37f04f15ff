"""Logging sessions, the session page, ratings, private notes and the scope concern."""

import datetime
import zoneinfo
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.coaching.models import ObjectiveRating, SessionNote
from tandem.coaching.services import sessions as services
from tandem.coaching.tests.sessions_setup import held, running
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.notifications.when import local_datetime
from tandem.relationships.models import Concern, Meeting, Relationship
from tandem.testing.coaching import Practice
from tandem.testing.fixtures import client_for


def _session_url(practice: Practice, meeting: Meeting) -> str:
    return reverse("coaching:session", args=[practice.engagement.pk, meeting.pk])


def _log_form(**changes: Any) -> dict[str, Any]:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    return {"day": yesterday.isoformat(), "start": "09:30", "duration_minutes": "75"} | changes


def test_coach_logs_a_held_session_at_the_time_on_their_own_clock(practice: Practice) -> None:
    running(practice)
    Membership.objects.filter(user=practice.coach.user).update(time_zone="America/New_York")

    response = client_for(practice.coach.user).post(
        reverse("coaching:session_new", args=[practice.engagement.pk]), _log_form()
    )

    meeting = Meeting.objects.get(relationship=practice.relationship)
    assert response.status_code == 302 and response["Location"] == _session_url(practice, meeting)
    assert meeting.status == Meeting.Status.HELD and meeting.duration_minutes == 75
    local = meeting.starts_at.astimezone(zoneinfo.ZoneInfo("America/New_York"))
    assert (local.date(), local.hour, local.minute) == (
        timezone.localdate() - datetime.timedelta(days=1),
        9,
        30,
    )
    practice.relationship.refresh_from_db()
    assert practice.relationship.last_met_at == meeting.starts_at


def test_the_same_log_sent_twice_records_one_session(practice: Practice) -> None:
    running(practice)
    client = client_for(practice.coach.user)
    url = reverse("coaching:session_new", args=[practice.engagement.pk])
    form = _log_form(submission_key="a" * 32)
    client.post(url, form)
    client.post(url, form)
    assert Meeting.objects.filter(relationship=practice.relationship).count() == 1


def test_only_the_coach_logs_a_session_the_client_is_refused(practice: Practice) -> None:
    running(practice)
    client = client_for(practice.client.user)
    url = reverse("coaching:session_new", args=[practice.engagement.pk])
    overview = client.get(reverse("coaching:engagement", args=[practice.engagement.pk]))
    assert "Log a session" not in overview.content.decode()
    assert "Your coach logs each session" in overview.content.decode()
    coach_overview = client_for(practice.coach.user).get(
        reverse("coaching:engagement", args=[practice.engagement.pk])
    )
    assert "Log a session" in coach_overview.content.decode()

    response = client.post(url, _log_form())
    response_again = client.post(url, _log_form())

    assert response.status_code == 200 and response_again.status_code == 200
    assert "Your coach logs each session" in response.content.decode()
    assert "Log the session" not in response.content.decode()
    assert not Meeting.objects.filter(relationship=practice.relationship).exists()
    with pytest.raises(DomainError, match="Your coach logs each session"):
        services.session_log(
            engagement=practice.engagement,
            by=practice.client.user,
            starts_at=timezone.now() - datetime.timedelta(hours=3),
            duration_minutes=60,
        )
    assert not Meeting.objects.filter(relationship=practice.relationship).exists()


def test_a_session_overlapping_another_is_refused_naming_its_date(practice: Practice) -> None:
    running(practice)
    first = services.session_log(
        engagement=practice.engagement,
        by=practice.coach.user,
        starts_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=60,
    )
    planned = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(hours=5),
        duration_minutes=60,
    )
    for starts_at, duration in (
        (first.starts_at, 60),  # the same start
        (first.starts_at + datetime.timedelta(minutes=30), 60),  # starts inside it
        (first.starts_at - datetime.timedelta(minutes=30), 45),  # runs into it
        (planned.starts_at - datetime.timedelta(minutes=20), 30),  # runs into a planned one
    ):
        with pytest.raises(DomainError, match="This overlaps the session") as error:
            services.session_log(
                engagement=practice.engagement,
                by=practice.coach.user,
                starts_at=starts_at,
                duration_minutes=duration,
            )
        assert error.value.field == "starts_at"
    assert Meeting.objects.filter(relationship=practice.relationship).count() == 2
    # Right after the first one ends is no overlap.
    services.session_log(
        engagement=practice.engagement,
        by=practice.coach.user,
        starts_at=first.starts_at + datetime.timedelta(minutes=60),
        duration_minutes=30,
    )
    assert Meeting.objects.filter(relationship=practice.relationship).count() == 3


def test_the_page_refuses_logging_the_same_time_twice(practice: Practice) -> None:
    running(practice)
    coach = client_for(practice.coach.user)
    url = reverse("coaching:session_new", args=[practice.engagement.pk])
    assert coach.post(url, _log_form(submission_key="a" * 32)).status_code == 302

    response = coach.post(url, _log_form(submission_key="b" * 32))

    assert response.status_code == 200
    logged = Meeting.objects.get(relationship=practice.relationship)
    when = local_datetime(
        practice.coach.user,
        logged.starts_at,
        organization_id=practice.relationship.program.organization_id,
    )
    assert f"This overlaps the session held on {when}" in response.content.decode()
    assert logged.status == Meeting.Status.HELD


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_minutes": "-30"}, "greater than or equal to 10"),
        ({"duration_minutes": "600"}, "less than or equal to 240"),
        ({"duration_minutes": "long"}, "Enter a whole number"),
        ({"day": "not a day"}, "Enter a valid date"),
        ({"start": "25:99"}, "Enter a valid time"),
        ({"day": "2001-01-01"}, "from the engagement"),
        ({"day": "2099-01-01"}, "once it took place"),
    ],
)
def test_a_bad_session_log_is_refused_with_a_clear_error(
    practice: Practice, changes: dict[str, str], message: str
) -> None:
    running(practice)
    response = client_for(practice.coach.user).post(
        reverse("coaching:session_new", args=[practice.engagement.pk]), _log_form(**changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.filter(relationship=practice.relationship).exists()


def test_sessions_wait_for_the_signed_contract_and_stop_at_the_close(practice: Practice) -> None:
    moment = timezone.now() - datetime.timedelta(hours=2)
    with pytest.raises(DomainError, match="Sign the contract"):
        services.session_log(
            engagement=practice.engagement,
            by=practice.coach.user,
            starts_at=moment,
            duration_minutes=60,
        )
    running(practice)
    Relationship.objects.filter(pk=practice.relationship.pk).update(
        status=Relationship.Status.CLOSED
    )
    practice.relationship.refresh_from_db()
    with pytest.raises(DomainError, match="ended"):
        services.session_log(
            engagement=practice.engagement,
            by=practice.coach.user,
            starts_at=moment,
            duration_minutes=60,
        )


def test_a_session_past_the_contract_is_logged_and_both_are_warned(practice: Practice) -> None:
    engagement = running(practice)
    engagement.sessions_contracted = 2
    engagement.save(update_fields=["sessions_contracted"])
    held(practice, days_ago=20)
    held(practice, days_ago=10)

    response = client_for(practice.coach.user).post(
        reverse("coaching:session_new", args=[engagement.pk]), _log_form(), follow=True
    )

    assert Meeting.objects.filter(relationship=practice.relationship).count() == 3
    assert "session 3 of 2 contracted" in response.content.decode()
    third = Meeting.objects.filter(relationship=practice.relationship).latest("starts_at")
    for person in (practice.coach.user, practice.client.user):
        page = client_for(person).get(_session_url(practice, third)).content.decode()
        assert "beyond the contract" in page
        overview = client_for(person).get(reverse("coaching:engagement", args=[engagement.pk]))
        assert "Beyond the contract" in overview.content.decode()
    first = Meeting.objects.filter(relationship=practice.relationship).earliest("starts_at")
    first_page = client_for(practice.coach.user).get(_session_url(practice, first))
    assert "beyond the contract" not in first_page.content.decode()


def test_a_planned_session_is_marked_held_with_its_real_length(practice: Practice) -> None:
    running(practice)
    planned = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
        duration_minutes=45,
    )
    response = client_for(practice.coach.user).post(
        reverse("coaching:session_held", args=[practice.engagement.pk, planned.pk]),
        {"duration_minutes": "50"},
    )
    assert response.status_code == 302
    planned.refresh_from_db()
    assert (planned.status, planned.duration_minutes) == (Meeting.Status.HELD, 50)


def test_we_met_is_offered_only_once_the_session_started(practice: Practice) -> None:
    running(practice)
    ahead = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() + datetime.timedelta(days=2),
        duration_minutes=60,
    )
    begun = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(minutes=20),
        duration_minutes=60,
    )
    for person in (practice.coach.user, practice.client.user):
        page = client_for(person).get(_session_url(practice, ahead)).content.decode()
        assert "We met: mark as held" not in page
        assert "Once it has started, either of you can mark it as held here." in page
        assert "We met: mark as held" in (
            client_for(person).get(_session_url(practice, begun)).content.decode()
        )
    ahead.refresh_from_db()
    assert ahead.status == Meeting.Status.PLANNED


def test_the_session_page_shows_shared_notes_and_assignments_to_both(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    meeting.notes = "We mapped the team's decisions."
    meeting.save(update_fields=["notes"])
    services.assignment_set(
        engagement=practice.engagement,
        meeting=meeting,
        by=practice.coach.user,
        text="Write the agenda for Monday",
        due_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    for person in (practice.coach.user, practice.client.user):
        page = client_for(person).get(_session_url(practice, meeting)).content.decode()
        assert "We mapped the team&#x27;s decisions." in page
        assert "Write the agenda for Monday" in page
        assert "Only you can read this" in page


def test_either_of_them_edits_the_shared_notes(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    client_for(practice.client.user).post(
        reverse("coaching:session_notes", args=[practice.engagement.pk, meeting.pk]),
        {"notes": "Decisions go at the top."},
    )
    meeting.refresh_from_db()
    assert meeting.notes == "Decisions go at the top."


def test_someone_elses_session_is_not_found(practice: Practice) -> None:
    running(practice)
    other = practice_for_other(practice)
    theirs = Meeting.objects.create(
        relationship=other.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        status=Meeting.Status.HELD,
    )
    coach = client_for(practice.coach.user)
    assert coach.get(_session_url(practice, theirs)).status_code == 404
    their_url = reverse("coaching:session", args=[other.engagement.pk, theirs.pk])
    assert coach.get(their_url).status_code == 404
    mine = held(practice, days_ago=2)
    assert client_for(practice.sponsor).get(_session_url(practice, mine)).status_code == 404
    assert client_for(practice.admin).get(_session_url(practice, mine)).status_code == 404
    assert coach.get(f"/coaching/{practice.engagement.pk}/sessions/99999999/").status_code == 404


def practice_for_other(practice: Practice) -> Practice:
    """A second engagement in the same program, with another coach and client."""
    from tandem.coaching.models import Engagement, Objective
    from tandem.relationships.services.agreements import agreement_start
    from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory

    world = practice.world
    people = []
    for name in ("Olga Other", "Otto Client"):
        user = UserFactory.create(full_name=name)
        membership = MembershipFactory.create(user=user, organization=world.org)
        people.append(
            EnrollmentFactory.create(
                program=practice.program, user=user, membership=membership, is_coach=True
            )
        )
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=people[0],
        mentee=people[1],
        focus=world.topic("Public speaking"),
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
        started_at=timezone.now() - datetime.timedelta(days=40),
    )
    agreement_start(relationship=relationship)
    engagement, _ = Engagement.objects.update_or_create(
        relationship=relationship,
        defaults={
            "starts_on": timezone.localdate() - datetime.timedelta(days=40),
            "ends_on": timezone.localdate() + datetime.timedelta(days=40),
        },
    )
    Objective.objects.get_or_create(engagement=engagement, text="Delegate", measure="Weekly")
    return Practice(
        world=world,
        program=practice.program,
        coach=people[0],
        client=people[1],
        sponsor=practice.sponsor,
        relationship=relationship,
        engagement=engagement,
    )


def _ratings_url(practice: Practice, meeting: Meeting) -> str:
    return reverse("coaching:session_ratings", args=[practice.engagement.pk, meeting.pk])


def test_the_client_rates_each_objective_once_a_session_and_may_change_it(
    practice: Practice,
) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    one, two = practice.engagement.objectives.all()
    client = client_for(practice.client.user)
    url = _ratings_url(practice, meeting)

    client.post(url, {f"objective_{one.pk}": "3", f"objective_{two.pk}": "5"})
    client.post(url, {f"objective_{one.pk}": "4"})

    rows = {r.objective_id: r.progress for r in ObjectiveRating.objects.filter(meeting=meeting)}
    assert rows == {one.pk: 4, two.pk: 5}
    page = client.get(_session_url(practice, meeting)).content.decode()
    assert 'value="4"' in page and "checked" in page


@pytest.mark.parametrize("value", ["11", "-1", "ten", "3.5"])
def test_a_rating_off_the_scale_is_refused(practice: Practice, value: str) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    one = practice.engagement.objectives.first()
    assert one is not None
    response = client_for(practice.client.user).post(
        _ratings_url(practice, meeting), {f"objective_{one.pk}": value}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not ObjectiveRating.objects.exists()


def test_the_coach_never_rates_and_the_service_checks_the_scale(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    one = practice.engagement.objectives.first()
    assert one is not None
    response = client_for(practice.coach.user).post(
        _ratings_url(practice, meeting), {f"objective_{one.pk}": "9"}
    )
    assert response.status_code == 200
    assert "Only the client rates progress" in response.content.decode()
    with pytest.raises(DomainError) as error:
        services.objective_ratings_save(
            engagement=practice.engagement,
            meeting=meeting,
            by=practice.client.user,
            ratings={one.pk: 11},
        )
    assert error.value.field == f"objective_{one.pk}"
    other = practice_for_other(practice).engagement.objectives.get()
    with pytest.raises(DomainError, match="not part of this engagement"):
        services.objective_ratings_save(
            engagement=practice.engagement,
            meeting=meeting,
            by=practice.client.user,
            ratings={other.pk: 5},
        )
    assert not ObjectiveRating.objects.exists()


def test_a_planned_session_is_not_rated(practice: Practice) -> None:
    running(practice)
    planned = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() + datetime.timedelta(days=3),
    )
    one = practice.engagement.objectives.first()
    assert one is not None
    with pytest.raises(DomainError, match="took place"):
        services.objective_ratings_save(
            engagement=practice.engagement,
            meeting=planned,
            by=practice.client.user,
            ratings={one.pk: 5},
        )


def test_a_private_session_note_is_read_by_its_author_alone(practice: Practice) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    url = reverse("coaching:session_note", args=[practice.engagement.pk, meeting.pk])
    client_for(practice.coach.user).post(url, {"body": "Cal avoids conflict; go slowly."})
    client_for(practice.client.user).post(url, {"body": "I felt heard today."})

    assert SessionNote.objects.get(author=practice.coach.user).body.startswith("Cal avoids")
    coach_page = client_for(practice.coach.user).get(_session_url(practice, meeting))
    client_page = client_for(practice.client.user).get(_session_url(practice, meeting))
    assert "Cal avoids conflict" in coach_page.content.decode()
    assert "I felt heard today." not in coach_page.content.decode()
    assert "I felt heard today." in client_page.content.decode()
    assert "Cal avoids conflict" not in client_page.content.decode()
    for outsider in (practice.sponsor, practice.admin):
        response = client_for(outsider).get(_session_url(practice, meeting))
        assert response.status_code == 404

    client_for(practice.coach.user).post(url, {"body": "  "})
    assert not SessionNote.objects.filter(author=practice.coach.user).exists()
    too_long = client_for(practice.client.user).post(url, {"body": "x" * 10_001})
    assert "at most 10000 characters" in too_long.content.decode()
    assert SessionNote.objects.get(author=practice.client.user).body == "I felt heard today."


def _concern_link(practice: Practice) -> str:
    return reverse("relationships:concern_new", args=[practice.relationship.pk]) + (
        "?kind=beyond_scope"
    )


def test_the_client_raises_a_scope_concern_from_a_session_and_the_coach_is_not_told(
    practice: Practice,
) -> None:
    running(practice)
    meeting = held(practice, days_ago=3)
    client = client_for(practice.client.user)
    page = client.get(_session_url(practice, meeting)).content.decode()
    link = _concern_link(practice)
    assert link in page
    engagement_page = client.get(reverse("coaching:engagement", args=[practice.engagement.pk]))
    assert link in engagement_page.content.decode()
    form = client.get(link).content.decode()
    assert 'value="beyond_scope" id="id_kind_1" checked' in form

    response = client.post(
        link,
        {"kind": "beyond_scope", "body": "We spent the session on my marriage, not my team."},
    )

    concern = Concern.objects.get()
    assert response.status_code == 302
    assert concern.kind == Concern.Kind.BEYOND_SCOPE and concern.reporter == practice.client.user
    assert not Notification.objects.filter(user=practice.coach.user).exists()
    told = Notification.objects.get(user=practice.admin, kind="concern_raised")
    assert "beyond the agreed scope" in told.title
    admin_list = client_for(practice.admin).get(
        reverse("relationships:program", args=[practice.program.pk])
    )
    assert "The work went beyond the agreed scope" in admin_list.content.decode()
    coach_page = client_for(practice.coach.user).get(_session_url(practice, meeting))
    assert "beyond_scope" not in coach_page.content.decode()


def test_a_concern_of_an_unknown_kind_is_refused(practice: Practice) -> None:
    running(practice)
    response = client_for(practice.client.user).post(
        reverse("relationships:concern_new", args=[practice.relationship.pk]),
        {"kind": "gossip", "body": "Something happened that worried me."},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Concern.objects.exists()
    with pytest.raises(DomainError) as error:
        from tandem.relationships.services import concern_raise

        concern_raise(
            relationship=practice.relationship,
            reporter=practice.coach.user,
            body="Something happened that worried me.",
            kind="gossip",
        )
    assert error.value.field == "kind"


def test_a_coach_raises_a_general_concern(practice: Practice) -> None:
    running(practice)
    client_for(practice.coach.user).post(
        reverse("relationships:concern_new", args=[practice.relationship.pk]),
        {"body": "The client asked me to report on a colleague."},
    )
    assert Concern.objects.get().kind == Concern.Kind.GENERAL


def test_the_engagement_page_is_for_coach_and_client_only(
    practice: Practice, django_assert_max_num_queries: Any
) -> None:
    running(practice)
    for days in (21, 14, 7):
        meeting = held(practice, days_ago=days)
        for objective in practice.engagement.objectives.all():
            ObjectiveRating.objects.create(objective=objective, meeting=meeting, progress=days // 3)
        services.assignment_set(
            engagement=practice.engagement,
            meeting=meeting,
            by=practice.coach.user,
            text=f"Try it, week {days}",
            due_on=timezone.localdate() + datetime.timedelta(days=days),
        )
    url = reverse("coaching:engagement", args=[practice.engagement.pk])
    client = client_for(practice.client.user)
    client.get(url)
    with django_assert_max_num_queries(12):
        response = client.get(url)
    page = response.content.decode()
    assert "3 / 6" in page and "3.0 / 6.0" in page
    assert "Run a weekly team meeting" in page and "Try it, week 7" in page
    assert page.count(f"/coaching/{practice.engagement.pk}/sessions/") >= 3
    assert "Log a session" not in page and "Your hours log" not in page
    assert "Your hours log" in client_for(practice.coach.user).get(url).content.decode()
    for outsider in (practice.sponsor, practice.admin, practice.world.outsider):
        assert client_for(outsider).get(url).status_code == 404
    relationship_page = client.get(reverse("relationships:detail", args=[practice.relationship.pk]))
    assert url in relationship_page.content.decode()
    assert url in client.get(reverse("relationships:list")).content.decode()


def test_the_relationship_page_outside_coaching_has_no_engagement_link(
    practice: Practice,
) -> None:
    type(practice.program).objects.filter(pk=practice.program.pk).update(format="one_to_one")
    page = client_for(practice.client.user).get(
        reverse("relationships:detail", args=[practice.relationship.pk])
    )
    assert "/coaching/" not in page.content.decode()


def test_bad_shared_notes_and_a_bad_length_when_marking_held_are_refused(
    practice: Practice,
) -> None:
    running(practice)
    meeting = held(practice, days_ago=2)
    coach = client_for(practice.coach.user)
    response = coach.post(
        reverse("coaching:session_notes", args=[practice.engagement.pk, meeting.pk]),
        {"notes": "x" * 10_001},
    )
    assert "at most 10000 characters" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.notes == ""
    planned = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    held_url = reverse("coaching:session_held", args=[practice.engagement.pk, planned.pk])
    for bad in ("-5", "0", "999", "soon"):
        response = coach.post(held_url, {"duration_minutes": bad})
        assert response.status_code == 200
    planned.refresh_from_db()
    assert planned.status == Meeting.Status.PLANNED
    with pytest.raises(DomainError) as error:
        services.session_mark_held(
            engagement=practice.engagement,
            meeting=planned,
            by=practice.client.user,
            duration_minutes=-30,
        )
    assert error.value.field == "duration_minutes"


def test_a_session_is_not_logged_on_someone_elses_engagement(practice: Practice) -> None:
    running(practice)
    other = practice_for_other(practice)
    response = client_for(practice.coach.user).post(
        reverse("coaching:session_new", args=[other.engagement.pk]), _log_form()
    )
    assert response.status_code == 404
    assert not Meeting.objects.exists()
    with pytest.raises(DomainError, match="Only the coach and the client"):
        services.session_log(
            engagement=other.engagement,
            by=practice.coach.user,
            starts_at=timezone.now() - datetime.timedelta(hours=3),
            duration_minutes=60,
        )
    with pytest.raises(DomainError) as error:
        services.session_log(
            engagement=practice.engagement,
            by=practice.coach.user,
            starts_at=timezone.now() - datetime.timedelta(hours=3),
            duration_minutes=-60,
        )
    assert error.value.field == "duration_minutes"


def test_the_client_learns_of_a_logged_session_on_their_own_clock(practice: Practice) -> None:
    running(practice)
    Membership.objects.filter(user=practice.client.user).update(time_zone="Pacific/Kiritimati")
    moment = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)

    meeting = services.session_log(
        engagement=practice.engagement,
        by=practice.coach.user,
        starts_at=moment,
        duration_minutes=50,
    )

    news = Notification.objects.get(user=practice.client.user, kind="coaching_session_logged")
    here = moment.astimezone(zoneinfo.ZoneInfo("Pacific/Kiritimati"))
    assert f"{here:%-d} {here:%B}, {here:%H:%M}" in news.title
    assert "50 minutes count towards" in news.body
    assert news.url == reverse("coaching:session", args=[practice.engagement.pk, meeting.pk])
    assert not Notification.objects.filter(
        user=practice.coach.user, kind="coaching_session_logged"
    ).exists()

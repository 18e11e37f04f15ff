import datetime
import zoneinfo
from dataclasses import dataclass

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.core.errors import DomainError
from tandem.insights.models import Nudge
from tandem.insights.stalled.selectors import default_weeks
from tandem.insights.stalled.services import nudge_send
from tandem.notifications.models import Notification
from tandem.programs.models import Cadence
from tandem.relationships.models import (
    CheckIn,
    JournalEntry,
    MentorshipRequest,
    Proposal,
    Relationship,
)
from tandem.relationships.services.requests import requests_remind
from tandem.relationships.services.rhythm import meetings_remind
from tandem.security.models import SecurityEvent
from tandem.testing.fixtures import World, client_for

from .builders import meeting, pair, person, proposal, request

CANARY = "CANARY-7f3e private words"


def _url(world: World, **query: object) -> str:
    url = reverse("insights:stalled", args=[world.program.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


@dataclass
class Stalled:
    quiet: Relationship
    unsigned: Relationship
    proposal: Proposal
    request: MentorshipRequest


@pytest.fixture
def stalled(world: World) -> Stalled:
    """One item of each kind waiting, and one of each kind that is fine."""
    world.program.default_cadence = Cadence.WEEKLY  # stalled after 3 weeks without a meeting
    world.program.save()
    mentor = world.mentor_enrollment
    quiet = pair(world, mentor, world.mentee_enrollment, started_days_ago=60)
    meeting(quiet, days_ago=40)
    lively = pair(world, mentor, person(world, "Lively Lu"), started_days_ago=60)
    meeting(lively, days_ago=3)
    unsigned = pair(
        world,
        mentor,
        person(world, "Unsigned Una"),
        status=Relationship.Status.AGREEING,
        created_days_ago=12,
        started_days_ago=None,
    )
    pair(
        world,
        mentor,
        person(world, "Fresh Fay"),
        status=Relationship.Status.AGREEING,
        created_days_ago=2,
        started_days_ago=None,
    )
    waiting = proposal(world, mentor, person(world, "Proposed Pia"), days_ago=9)
    waiting.mentee_answer = "yes"
    waiting.save()
    near = request(world, mentor, person(world, "Asking Ada"), expires_in_days=1)
    request(world, mentor, person(world, "Early Eve"), expires_in_days=10)
    for author in (world.mentor, world.mentee):
        JournalEntry.objects.create(author=author, relationship=quiet, body=CANARY, title=CANARY)
        CheckIn.objects.create(
            relationship=quiet, author=author, going=1, meeting_goals=1, comment=CANARY
        )
    return Stalled(quiet=quiet, unsigned=unsigned, proposal=waiting, request=near)


def test_default_weeks_follow_the_program_rhythm(world: World) -> None:
    world.program.default_cadence = Cadence.WEEKLY
    assert default_weeks(world.program) == 3
    world.program.default_cadence = Cadence.MONTHLY
    assert default_weeks(world.program) == 13


def test_admin_sees_each_kind_of_stalled_item_and_not_the_fine_ones(
    world: World, stalled: Stalled
) -> None:
    response = client_for(world.admin).get(_url(world))
    assert response.status_code == 200
    keys = [item.key for item in response.context["items"]]
    assert sorted(keys) == sorted(
        [
            f"no_meeting:{stalled.quiet.pk}",
            f"agreement:{stalled.unsigned.pk}",
            f"proposal:{stalled.proposal.pk}",
            f"request:{stalled.request.pk}",
        ]
    )
    page = response.content.decode()
    assert "Mia Santos" in page and "Lively Lu" not in page and "Fresh Fay" not in page
    assert CANARY not in page and "PRIVATE-REQUEST-MESSAGE" not in page
    # Sorted by how long each has waited: the quiet pair (40 days) comes first.
    assert keys[0] == f"no_meeting:{stalled.quiet.pk}"


def test_a_proposal_shows_before_it_lapses_when_it_lives_shorter_than_the_threshold(
    world: World,
) -> None:
    # Proposals here live a week, the default threshold: they show in their last days.
    mentor = world.mentor_enrollment
    lapsing = proposal(world, mentor, person(world, "Lapsing Lea"), days_ago=5, expires_in_days=2)
    proposal(world, mentor, person(world, "New Nia"), days_ago=1, expires_in_days=6)
    keys = [item.key for item in client_for(world.admin).get(_url(world)).context["items"]]
    assert keys == [f"proposal:{lapsing.pk}"]


def test_thresholds_chosen_on_the_page_apply(world: World, stalled: Stalled) -> None:
    client = client_for(world.admin)
    items = client.get(_url(world, weeks=8, days=20)).context["items"]
    assert [i.kind for i in items] == ["request"]
    items = client.get(_url(world, kind="agreement", days=1)).context["items"]
    assert [i.mentee for i in items] == ["Fresh Fay", "Unsigned Una"][::-1] or len(items) == 2


@pytest.mark.parametrize(
    "query",
    [
        {"weeks": "abc"},
        {"weeks": "-3"},
        {"weeks": "99999999999999999999"},
        {"days": "0"},
        {"kind": "everything"},
        {"sort": "password"},
        {"page": "zzz"},
        {"page": "99999"},
    ],
)
def test_bad_parameters_fall_back_to_the_defaults(
    world: World, stalled: Stalled, query: dict[str, str]
) -> None:
    response = client_for(world.admin).get(_url(world, **query))
    assert response.status_code == 200
    assert len(response.context["items"]) == 4
    if set(query) - {"page"}:
        assert "were not understood" in response.content.decode()


@pytest.mark.parametrize("who", ["mentor", "mentee", "member", "outsider"])
def test_people_who_do_not_run_the_program_get_404(
    world: World, stalled: Stalled, who: str
) -> None:
    client = client_for(getattr(world, who))
    assert client.get(_url(world)).status_code == 404
    assert (
        client.get(reverse("insights:stalled_export", args=[world.program.pk, "csv"])).status_code
        == 404
    )
    nudge = reverse("insights:stalled_nudge", args=[world.program.pk])
    assert client.post(nudge, {"one": f"no_meeting:{stalled.quiet.pk}"}).status_code == 404
    assert not Nudge.objects.exists()


def test_nudge_tells_both_people_kindly_without_private_content_or_who_is_behind(
    world: World, stalled: Stalled, django_capture_on_commit_callbacks
) -> None:
    quiet = stalled.quiet
    client = client_for(world.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insights:stalled_nudge", args=[world.program.pk]),
            {"one": f"no_meeting:{quiet.pk}", "weeks": "3"},
        )
    assert response.status_code == 302
    assert response["Location"].endswith("?weeks=3")
    nudge = Nudge.objects.get()
    assert (nudge.kind, nudge.object_id, nudge.sent_by, nudge.recipients) == (
        "no_meeting",
        quiet.pk,
        world.admin,
        2,
    )
    sent = Notification.objects.filter(kind="nudge")
    assert {n.user for n in sent} == {world.mentor, world.mentee}
    assert len({(n.title, n.body) for n in sent}) == 1  # the same words to each
    assert sorted(m.to[0] for m in mail.outbox) == sorted([world.mentor.email, world.mentee.email])
    for text in [m.body for m in mail.outbox]:
        assert CANARY not in text and "Shared notes" not in text
    for note in sent:
        # Nobody is named and nobody singled out: the words say "you", to each of them.
        assert "Mia" not in note.title + note.body and "Mo" not in note.title + note.body
    page = client.get(_url(world)).content.decode()
    assert "nudged today by Ada Okafor" in page


def test_a_second_nudge_within_a_week_is_refused_by_page_and_service(
    world: World, stalled: Stalled
) -> None:
    quiet = stalled.quiet
    nudge_send(program=world.program, admin=world.admin, kind="no_meeting", object_id=quiet.pk)
    with pytest.raises(DomainError, match="one nudge a week"):
        nudge_send(
            program=world.program,
            admin=world.admin,
            kind="no_meeting",
            object_id=quiet.pk,
            now=timezone.now() + datetime.timedelta(days=6, hours=23),
        )
    client = client_for(world.admin)
    response = client.post(
        reverse("insights:stalled_nudge", args=[world.program.pk]),
        {"one": f"no_meeting:{quiet.pk}"},
        follow=True,
    )
    assert "one nudge a week is plenty" in response.content.decode()
    assert Nudge.objects.count() == 1
    assert Notification.objects.filter(kind="nudge").count() == 2
    # A week later the item may be nudged again.
    nudge_send(
        program=world.program,
        admin=world.admin,
        kind="no_meeting",
        object_id=quiet.pk,
        now=timezone.now() + datetime.timedelta(days=7, minutes=1),
    )
    assert Nudge.objects.count() == 2


def _heard(user_id: int) -> list[str]:
    return list(Notification.objects.filter(user_id=user_id).values_list("kind", flat=True))


def test_a_nudge_counts_as_the_schedulers_reminder_of_the_request(
    world: World, stalled: Stalled
) -> None:
    near = stalled.request
    nudge_send(program=world.program, admin=world.admin, kind="request", object_id=near.pk)
    assert requests_remind() == 0
    # The mentor heard of the request once, from the program, and will not hear it again.
    assert _heard(world.mentor.pk) == ["nudge"]
    near.refresh_from_db()
    assert near.reminder_sent_at is not None
    assert requests_remind() == 0 and _heard(world.mentor.pk) == ["nudge"]


def test_a_nudge_days_ago_leaves_the_schedulers_reminder_to_go(
    world: World, stalled: Stalled
) -> None:
    near = stalled.request
    earlier = timezone.now() - datetime.timedelta(days=2, minutes=1)
    nudge_send(
        program=world.program, admin=world.admin, kind="request", object_id=near.pk, now=earlier
    )
    assert requests_remind() == 1
    assert sorted(_heard(world.mentor.pk)) == ["nudge", "request_reminder"]


def test_a_reminder_just_sent_refuses_the_nudge_and_says_so(world: World, stalled: Stalled) -> None:
    near = stalled.request
    assert requests_remind() == 1
    response = client_for(world.admin).post(
        reverse("insights:stalled_nudge", args=[world.program.pk]),
        {"one": f"request:{near.pk}"},
        follow=True,
    )
    assert "A reminder about this went out" in response.content.decode()
    assert "a nudge now would say it twice" in response.content.decode()
    assert not Nudge.objects.exists()
    assert _heard(world.mentor.pk) == ["request_reminder"]
    # Two days on, the program may nudge the mentor itself.
    nudge_send(
        program=world.program,
        admin=world.admin,
        kind="request",
        object_id=near.pk,
        now=timezone.now() + datetime.timedelta(days=2, minutes=1),
    )
    assert sorted(_heard(world.mentor.pk)) == ["nudge", "request_reminder"]


def test_the_reminder_of_a_coming_meeting_refuses_a_no_meeting_nudge(
    world: World, stalled: Stalled
) -> None:
    quiet = stalled.quiet
    meeting(quiet, days_ago=-0.5, held=False)
    assert meetings_remind() == 1
    with pytest.raises(DomainError, match="A reminder about this went out"):
        nudge_send(program=world.program, admin=world.admin, kind="no_meeting", object_id=quiet.pk)
    assert not Nudge.objects.exists()
    assert "nudge" not in _heard(world.mentor.pk) + _heard(world.mentee.pk)


def test_proposal_nudge_goes_only_to_who_has_not_answered(world: World, stalled: Stalled) -> None:
    waiting = stalled.proposal
    nudge_send(program=world.program, admin=world.admin, kind="proposal", object_id=waiting.pk)
    assert list(Notification.objects.filter(kind="nudge").values_list("user", flat=True)) == [
        world.mentor.pk
    ]
    body = Notification.objects.get(kind="nudge").body
    assert "Proposed Pia" not in body and "yes" not in body.lower().split("yes and no")[0]


def test_request_nudge_goes_to_the_mentor_without_the_message(
    world: World, stalled: Stalled
) -> None:
    near = stalled.request
    nudge_send(program=world.program, admin=world.admin, kind="request", object_id=near.pk)
    note = Notification.objects.get(kind="nudge")
    assert note.user == world.mentor
    assert "PRIVATE-REQUEST-MESSAGE" not in note.body and "Asking Ada" not in note.body


def test_a_nudge_names_the_day_to_answer_by_in_each_readers_own_zone(
    world: World, stalled: Stalled
) -> None:
    # 03:00 UTC is still the day before in Los Angeles, and already that day in Tokyo.
    due = (timezone.now() + datetime.timedelta(days=1)).replace(
        hour=3, minute=0, second=0, microsecond=0
    )
    MentorshipRequest.objects.filter(pk=stalled.request.pk).update(expires_at=due)
    Proposal.objects.filter(pk=stalled.proposal.pk).update(expires_at=due, mentee_answer="")
    pia = stalled.proposal.mentee.user
    for user, zone in ((world.mentor, "America/Los_Angeles"), (pia, "Asia/Tokyo")):
        Membership.objects.filter(user=user).update(time_zone=zone)
    west = f"{due.astimezone(zoneinfo.ZoneInfo('America/Los_Angeles')):%-d %B}"
    east = f"{due.astimezone(zoneinfo.ZoneInfo('Asia/Tokyo')):%-d %B}"
    assert west != east

    nudge_send(
        program=world.program, admin=world.admin, kind="request", object_id=stalled.request.pk
    )
    nudge_send(
        program=world.program, admin=world.admin, kind="proposal", object_id=stalled.proposal.pk
    )
    bodies = {(n.user_id, n.title[-30:]): n.body for n in Notification.objects.filter(kind="nudge")}
    mentor_bodies = [body for (user, _), body in bodies.items() if user == world.mentor.pk]
    assert len(mentor_bodies) == 2
    assert all(f"{west}." in body and "{day}" not in body for body in mentor_bodies)
    [pia_body] = [body for (user, _), body in bodies.items() if user == pia.pk]
    assert f"give yours by {east}." in pia_body


def test_bulk_nudge_sends_the_selected_and_says_which_were_left(
    world: World, stalled: Stalled
) -> None:
    quiet, unsigned = stalled.quiet, stalled.unsigned
    nudge_send(program=world.program, admin=world.admin, kind="no_meeting", object_id=quiet.pk)
    response = client_for(world.admin).post(
        reverse("insights:stalled_nudge", args=[world.program.pk]),
        {
            "item": [f"no_meeting:{quiet.pk}", f"agreement:{unsigned.pk}", "bogus", "request:x"],
            "bulk": "1",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Nudge sent for 1 item." in page and "one nudge a week" in page
    assert Nudge.objects.filter(kind="agreement", object_id=unsigned.pk).exists()


def test_nudging_another_programs_item_or_a_finished_one_is_refused(
    world: World, stalled: Stalled
) -> None:
    quiet = stalled.quiet
    with pytest.raises(DomainError):
        nudge_send(
            program=world.other_program, admin=world.outsider, kind="no_meeting", object_id=quiet.pk
        )
    Relationship.objects.filter(pk=quiet.pk).update(status=Relationship.Status.PAUSED)
    with pytest.raises(DomainError, match="no longer waiting"):
        nudge_send(program=world.program, admin=world.admin, kind="no_meeting", object_id=quiet.pk)
    with pytest.raises(DomainError):
        nudge_send(
            program=world.program,
            admin=world.mentor,
            kind="agreement",
            object_id=stalled.unsigned.pk,
        )
    assert not Nudge.objects.exists()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_lists_the_items_and_is_logged(
    world: World, stalled: Stalled, file_format: str
) -> None:
    response = client_for(world.admin).get(
        reverse("insights:stalled_export", args=[world.program.pk, file_format])
        + "?kind=no_meeting"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{file_format}"')
    if file_format == "csv":
        text = response.content.decode("utf-8-sig")
        assert "Mia Santos" in text and "Una" not in text and CANARY not in text
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.EXPORT)
    assert event.detail["what"] == "stalled-pairs" and event.detail["rows"] == 1


def test_export_of_an_unknown_format_is_404(world: World) -> None:
    response = client_for(world.admin).get(
        reverse("insights:stalled_export", args=[world.program.pk, "pdf"])
    )
    assert response.status_code == 404


def test_list_query_count_does_not_grow_with_rows(
    world: World, stalled: Stalled, django_assert_max_num_queries
) -> None:
    client = client_for(world.admin)
    client.get(_url(world))  # warm the session
    for n in range(30):
        quiet = pair(
            world, world.mentor_enrollment, person(world, f"Quiet {n}"), started_days_ago=90
        )
        nudge_send(program=world.program, admin=world.admin, kind="no_meeting", object_id=quiet.pk)
    with django_assert_max_num_queries(16):
        response = client.get(_url(world))
    assert len(response.context["items"]) == 34


def test_admin_home_says_how_many_are_stalled_and_links_the_list(
    world: World, stalled: Stalled
) -> None:
    page = client_for(world.admin).get(reverse("home")).content.decode()
    # Under what needs the admin now, not among what is coming up.
    now = page.index(">Needs you now</h3>")
    listed = page.index("4 stalled pairs")
    assert now < listed and page.find("</ul>", now) > listed
    assert f'<a href="{_url(world)}">4 stalled pairs</a>' in page
    assert "stalled pair" not in client_for(world.mentor).get(reverse("home")).content.decode()


def test_admin_home_counts_stay_one_query_whatever_the_programs(
    world: World, stalled: Stalled, django_assert_max_num_queries
) -> None:
    from tandem.insights.stalled.selectors import stalled_counts
    from tandem.policy.access import programs_administered_by
    from tandem.testing.factories import ProgramFactory

    for n in range(5):
        ProgramFactory.create(organization=world.org, name=f"Extra {n}").admins.add(world.admin)
    with django_assert_max_num_queries(1):
        counts = stalled_counts(programs=programs_administered_by(world.admin))
    assert counts == {(world.program.pk, world.program.name): 4}

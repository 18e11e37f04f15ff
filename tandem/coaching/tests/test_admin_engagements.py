"""A coaching program's admins: every engagement's numbers, ending one, proposing a new coach."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tandem.coaching.models import Assignment, Engagement, SessionNote
from tandem.coaching.selectors.progress import engagement_progress, hours_of
from tandem.coaching.services.admin import engagement_coach_propose
from tandem.core.errors import DomainError
from tandem.notifications.models import Notification
from tandem.programs.models import Enrollment
from tandem.relationships.models import Concern, Meeting, Proposal, Reflection, Relationship
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory
from tandem.testing.fixtures import client_for

BOUNDARY = "canary-boundary-concern-5e2f-marten"
NOTE = "canary-session-note-8b1d-crake"
ASSIGNMENT = "canary-assignment-0c7a-tern"


def _coach(practice: Practice, name: str) -> Enrollment:
    user = UserFactory.create(full_name=name)
    return EnrollmentFactory.create(
        program=practice.program,
        user=user,
        membership=MembershipFactory.create(user=user, organization=practice.world.org),
        is_mentee=False,
        is_coach=True,
        capacity=3,
        accepting_now=True,
        profile_completed_at=timezone.now(),
    )


def _engagement(practice: Practice, *, coach: Enrollment, minutes: int) -> Engagement:
    client = EnrollmentFactory.create(program=practice.program)
    relationship = Relationship.objects.create(
        program=practice.program,
        mentor=coach,
        mentee=client,
        focus=practice.relationship.focus,
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
        started_at=timezone.now(),
    )
    Meeting.objects.create(
        relationship=relationship,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        duration_minutes=minutes,
        status=Meeting.Status.HELD,
    )
    return Engagement.objects.create(
        relationship=relationship,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
    )


def _with_boundary_concern(practice: Practice) -> Engagement:
    engagement = practice.start()
    held = Meeting.objects.create(
        relationship=practice.relationship,
        starts_at=timezone.now() - datetime.timedelta(days=5),
        duration_minutes=75,
        status=Meeting.Status.HELD,
    )
    SessionNote.objects.create(meeting=held, author=practice.coach.user, body=NOTE)
    Assignment.objects.create(
        engagement=engagement, text=ASSIGNMENT, due_on=timezone.localdate(), meeting=held
    )
    Concern.objects.create(
        relationship=practice.relationship,
        reporter=practice.client.user,
        kind=Concern.Kind.BEYOND_SCOPE,
        body=BOUNDARY,
    )
    Concern.objects.create(
        relationship=practice.relationship,
        reporter=practice.client.user,
        body="canary-general-concern",
        status=Concern.Status.RESOLVED,
    )
    return engagement


def _overview(practice: Practice) -> str:
    url = reverse("coaching:admin_engagements", args=[practice.program.pk])
    response = client_for(practice.admin).get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_admin_sees_each_engagement_and_the_totals_without_content(
    practice: Practice,
) -> None:
    _with_boundary_concern(practice)
    _engagement(practice, coach=_coach(practice, "Bea Bridge"), minutes=45)

    page = _overview(practice)

    assert "Cal Client" in page and "Cora Coach" in page and "Bea Bridge" in page
    assert "1.3 of 6.0" in page  # 75 minutes of Cal's six hours, to a tenth, half up
    assert "0.8 of 6.0" in page
    # Both engagements together: two sessions, two hours of 12, one open concern.
    assert "2 of 12" in page and "2.0 of 12.0" in page
    assert "1 beyond scope" in page
    assert "open concern, 1 beyond the agreed scope" in page
    for secret in (BOUNDARY, NOTE, ASSIGNMENT, "canary-general-concern"):
        assert secret not in page
    for objective in practice.engagement.objectives.values_list("text", flat=True):
        assert objective not in page


def test_the_manage_page_links_to_the_engagements_of_a_coaching_program(
    practice: Practice,
) -> None:
    page = client_for(practice.admin).get(reverse("programs:manage", args=[practice.program.pk]))

    assert reverse("coaching:admin_engagements", args=[practice.program.pk]) in (
        page.content.decode()
    )


def test_only_the_programs_admins_see_the_overview(practice: Practice) -> None:
    url = reverse("coaching:admin_engagements", args=[practice.program.pk])
    for person in (practice.sponsor, practice.coach.user, practice.client.user):
        assert client_for(person).get(url).status_code == 404
    mentoring = reverse("coaching:admin_engagements", args=[practice.world.program.pk])
    assert client_for(practice.admin).get(mentoring).status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_overview_costs_the_same_queries_for_more_engagements(practice: Practice) -> None:
    _with_boundary_concern(practice)
    url = reverse("coaching:admin_engagements", args=[practice.program.pk])
    client = client_for(practice.admin)
    client.get(url)
    one = _queries(client, url)

    for name in ("Bea Bridge", "Ben Bright", "Bo Brook"):
        _engagement(practice, coach=_coach(practice, name), minutes=60)

    assert _queries(client, url) == one


def test_the_admin_ends_an_engagement_after_a_boundary_concern_and_proposes_a_coach(
    practice: Practice,
) -> None:
    engagement = _with_boundary_concern(practice)
    dana = _coach(practice, "Dana Different")
    admin = client_for(practice.admin)

    ended = admin.post(
        reverse("relationships:admin_end", args=[practice.relationship.pk]),
        {"body": "The sessions went beyond the agreed scope."},
    )

    assert ended.status_code == 302
    practice.relationship.refresh_from_db()
    assert practice.relationship.status == Relationship.Status.CLOSED
    assert practice.relationship.close_reason == Relationship.CloseReason.ENDED_BY_ADMIN
    told = set(
        Notification.objects.filter(kind="relationship_closed").values_list("user", flat=True)
    )
    assert told == {practice.coach.user_id, practice.client.user_id}
    assert Notification.objects.filter(user=practice.sponsor, kind="engagement_closed").exists()

    propose_url = reverse("coaching:admin_propose", args=[practice.program.pk, engagement.pk])
    form = admin.get(propose_url).content.decode()
    assert "Dana Different" in form and "Propose another coach" in _overview(practice)

    proposed = admin.post(propose_url, {"coach": dana.pk})

    assert proposed.status_code == 302
    proposal = Proposal.objects.get(program=practice.program, mentee=practice.client)
    assert proposal.mentor == dana and proposal.status == Proposal.Status.PENDING
    assert proposal.focus == practice.relationship.focus
    asked = set(
        Notification.objects.filter(url__contains=f"/proposals/{proposal.pk}/").values_list(
            "user", flat=True
        )
    )
    assert asked == {dana.user_id, practice.client.user_id}


def test_a_coach_is_proposed_only_once_the_engagement_has_ended(practice: Practice) -> None:
    engagement = practice.start()
    dana = _coach(practice, "Dana Different")
    url = reverse("coaching:admin_propose", args=[practice.program.pk, engagement.pk])

    response = client_for(practice.admin).post(url, {"coach": dana.pk})

    assert response.status_code == 200
    assert "End this engagement before proposing another coach." in response.content.decode()
    assert not Proposal.objects.filter(mentee=practice.client).exists()


def test_the_same_coach_is_not_offered_again(practice: Practice) -> None:
    engagement = practice.start()
    _coach(practice, "Dana Different")
    Relationship.objects.filter(pk=practice.relationship.pk).update(
        status=Relationship.Status.CLOSED,
        closed_at=timezone.now(),
        close_reason=Relationship.CloseReason.ENDED_BY_ADMIN,
    )
    url = reverse("coaching:admin_propose", args=[practice.program.pk, engagement.pk])
    admin = client_for(practice.admin)

    offered = admin.get(url).content.decode()
    response = admin.post(url, {"coach": practice.coach.pk})

    assert "Dana Different" in offered
    assert f'name="coach" value="{practice.coach.pk}"' not in offered
    assert response.status_code == 200
    assert "Choose one of the coaches listed." in response.content.decode()
    assert not Proposal.objects.exists()


def test_a_client_who_found_no_fit_reflects_and_is_proposed_another_coach(
    practice: Practice,
) -> None:
    engagement = practice.start()
    dana = _coach(practice, "Dana Different")
    cal = client_for(practice.client.user)

    closed = cal.post(
        reverse("relationships:close", args=[practice.relationship.pk]),
        {"reason": Relationship.CloseReason.NOT_A_FIT, "message": ""},
    )
    assert closed.status_code == 302
    assert Notification.objects.filter(user=practice.client.user, kind="rematch_offered").exists()
    reflected = cal.post(
        reverse("relationships:reflect", args=[practice.relationship.pk]),
        {"different": "Someone who keeps to the agreed topics."},
    )
    assert reflected.status_code == 302
    assert Reflection.objects.get(relationship=practice.relationship).different.startswith(
        "Someone who keeps"
    )

    proposed = client_for(practice.admin).post(
        reverse("coaching:admin_propose", args=[practice.program.pk, engagement.pk]),
        {"coach": dana.pk},
    )

    assert proposed.status_code == 302
    assert Proposal.objects.get(mentee=practice.client).mentor == dana


def test_the_overview_hours_agree_with_each_engagement_and_the_exact_minutes(
    practice: Practice,
) -> None:
    coach = _coach(practice, "Cleo Coach")
    first = _engagement(practice, coach=coach, minutes=50)
    second = _engagement(practice, coach=coach, minutes=50)

    page = (
        client_for(practice.admin)
        .get(reverse("coaching:admin_engagements", args=[practice.program.pk]))
        .content.decode()
    )

    for engagement in (first, second):
        progress = engagement_progress(engagement)
        assert str(progress.hours_used) == "0.8"
        assert f"{progress.hours_used} of {progress.hours_contracted}" in page
    # 100 exact minutes are 1.7 hours, though the two rounded rows add up to 1.6.
    every = Engagement.objects.filter(relationship__program=practice.program)
    contracted = sum(e.hours_contracted for e in every)
    assert f"<strong>{hours_of(100)} of {contracted:.1f}</strong><span>hours used" in page
    assert "the total above is from the exact minutes" in page


def test_no_coach_is_proposed_to_a_client_who_already_has_a_new_one(practice: Practice) -> None:
    engagement = practice.start()
    dana = _coach(practice, "Dana Different")
    erin = _coach(practice, "Erin Else")
    Relationship.objects.filter(pk=practice.relationship.pk).update(
        status=Relationship.Status.CLOSED,
        closed_at=timezone.now(),
        close_reason=Relationship.CloseReason.ENDED_BY_ADMIN,
    )
    Relationship.objects.create(
        program=practice.program,
        mentor=dana,
        mentee=practice.client,
        focus=practice.relationship.focus,
        origin=Relationship.Origin.ADMIN,
        status=Relationship.Status.ACTIVE,
        started_at=timezone.now(),
    )
    url = reverse("coaching:admin_propose", args=[practice.program.pk, engagement.pk])
    admin = client_for(practice.admin)

    overview = _overview(practice)
    page = admin.get(url).content.decode()
    response = admin.post(url, {"coach": erin.pk})

    assert url not in overview and "Coached again" in overview
    assert "already has an open coaching relationship in this program" in page
    assert "No other coach of this program can take this client now" not in page
    assert response.status_code == 200
    assert not Proposal.objects.filter(mentee=practice.client).exists()
    engagement.relationship.refresh_from_db()
    with pytest.raises(DomainError, match="already has an open coaching relationship"):
        engagement_coach_propose(engagement=engagement, admin=practice.admin, coach=erin)
    assert not Proposal.objects.filter(mentee=practice.client).exists()

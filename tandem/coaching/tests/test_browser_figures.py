"""In Chromium: a sponsor reads their engagement's numbers; an admin ends one and proposes
another coach, then reads the program's figures."""

import datetime
from typing import Any

import pytest
from django.utils import timezone

from tandem.coaching.models import ObjectiveRating, SessionNote
from tandem.relationships.models import Concern, Meeting, Proposal, Relationship
from tandem.testing.browser import AxeChecker, sign_in
from tandem.testing.coaching import Practice
from tandem.testing.factories import PASSWORD, EnrollmentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "canary-browser-session-note-4c2a"


def _worked(practice: Practice) -> None:
    practice.start()
    one, two = practice.engagement.objectives.all()
    for days, minutes, progress in ((20, 60, 3), (6, 80, 6)):
        held = Meeting.objects.create(
            relationship=practice.relationship,
            starts_at=timezone.now() - datetime.timedelta(days=days),
            duration_minutes=minutes,
            status=Meeting.Status.HELD,
        )
        ObjectiveRating.objects.create(objective=one, meeting=held, progress=progress)
    ObjectiveRating.objects.create(objective=two, meeting=held, progress=4)
    SessionNote.objects.create(meeting=held, author=practice.coach.user, body=NOTE)
    Concern.objects.create(
        relationship=practice.relationship,
        reporter=practice.client.user,
        kind=Concern.Kind.BEYOND_SCOPE,
        body="The coach asked about my marriage.",
    )


def test_a_sponsor_reads_numbers_and_an_admin_proposes_another_coach(
    practice: Practice, new_page: Any, axe: AxeChecker
) -> None:
    _worked(practice)
    dana_user = UserFactory.create(full_name="Dana Different")
    dana = EnrollmentFactory.create(
        program=practice.program,
        user=dana_user,
        membership=MembershipFactory.create(user=dana_user, organization=practice.world.org),
        is_mentee=False,
        is_coach=True,
        capacity=3,
        accepting_now=True,
        profile_completed_at=timezone.now(),
    )
    sid, ada = new_page(), new_page()
    sign_in(sid, practice.sponsor.email, PASSWORD)
    sign_in(ada, practice.admin.email, PASSWORD)

    # Sid finds the engagement he sponsors from his home page.
    sid.goto("/")
    sid.get_by_role("link", name="Sponsored coaching").click()
    sid.get_by_role("link", name="Cal Client").click()
    sid.get_by_text("What you do not see, and why").wait_for()
    axe.check(sid, "c-figures-01-sponsor-view")
    body = sid.content()
    assert "2 of 6" in body and "2.3 of 6.0" in body and "5.0 / 10" in body
    assert NOTE not in body and "marriage" not in body

    # Ada opens the program's engagements, ends this one and proposes Dana.
    ada.goto(f"/programs/{practice.program.pk}/manage/")
    ada.get_by_role("link", name="Engagements").click()
    ada.get_by_text("1 beyond scope").wait_for()
    axe.check(ada, "c-figures-02-admin-overview")
    assert "marriage" not in ada.content()
    ada.get_by_role("link", name="End the engagement of Cal Client").click()
    ada.get_by_label("Message to both people").fill("The sessions went beyond the agreed scope.")
    ada.get_by_role("button", name="End it and tell both").click()
    ada.get_by_text("Ended; both people are told.").wait_for()
    ada.goto(f"/coaching/programs/{practice.program.pk}/engagements/")
    ada.get_by_role("link", name="Propose another coach to Cal Client").click()
    ada.get_by_label("Dana Different").check()
    axe.check(ada, "c-figures-03-propose")
    ada.get_by_role("button", name="Propose").click()
    ada.get_by_text("Proposed; the client and the coach are both asked.").wait_for()

    practice.relationship.refresh_from_db()
    assert practice.relationship.status == Relationship.Status.CLOSED
    assert Proposal.objects.get(mentee=practice.client).mentor == dana

    # The program's health page counts what the coaching gave, small counts hidden.
    ada.goto(f"/insights/programs/{practice.program.pk}/health/")
    ada.get_by_text("every format together").wait_for()
    axe.check(ada, "c-figures-04-health")
    assert axe.problems == [], axe.problems

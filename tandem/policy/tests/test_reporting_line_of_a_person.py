"""A reporting line belongs to a person, through any of their memberships."""

import pytest
from django.utils import timezone

from tandem.core.errors import DomainError
from tandem.matching.models import MatchingRound
from tandem.matching.services import round_start
from tandem.policy.eligibility import pair_refusal
from tandem.programs.models import Enrollment, EnrollmentTopic, Program, Topic
from tandem.programs.services import enrollment_create
from tandem.relationships import services
from tandem.relationships.models import Relationship
from tandem.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    ProgramFactory,
    UserFactory,
)
from tandem.testing.rounds import round_create_default

MESSAGE = "I would value your view on budgeting: I am new to it and want to learn from you."


def _finish(enrollment: Enrollment, topic: Topic, kind: str) -> Enrollment:
    EnrollmentTopic.objects.create(enrollment=enrollment, topic=topic, kind=kind, level=3)
    enrollment.profile_completed_at = timezone.now()
    enrollment.goals = "Get better at budgeting."
    enrollment.accepting_now = True
    enrollment.save()
    return enrollment


@pytest.fixture
def partners(db: None):
    """Mo joined a home program as a mentor; at the partner organization he manages Yara."""
    home = OrganizationFactory.create(name="Home")
    partner = OrganizationFactory.create(name="Partner")
    home.partners.add(partner)
    topic = Topic.objects.create(organization=home, name="Budgeting", slug="budgeting")
    program = ProgramFactory.create(
        organization=home,
        audience=Program.Audience.PARTNERS,
        matching_mode=Program.MatchingMode.BOTH,
    )
    program.partner_organizations.add(partner)
    mo = UserFactory.create(full_name="Mo Boss")
    MembershipFactory.create(user=mo, organization=home)
    mo_at_partner = MembershipFactory.create(user=mo, organization=partner)
    yara = UserFactory.create(full_name="Yara Report")
    MembershipFactory.create(user=yara, organization=partner, manager=mo_at_partner)
    mentor = _finish(
        enrollment_create(program=program, user=mo, roles=["mentor"]), topic, "expertise"
    )
    mentee = _finish(
        enrollment_create(program=program, user=yara, roles=["mentee"]), topic, "focus"
    )
    return program, topic, mentor, mentee


def test_a_manager_through_another_organization_cannot_be_asked(partners) -> None:
    program, topic, mentor, mentee = partners
    assert mentor.membership.organization_id == program.organization_id  # his home membership
    with pytest.raises(DomainError, match="reporting line"):
        services.request_send(mentee=mentee, mentor=mentor, focus=topic, message=MESSAGE)
    assert not Relationship.objects.exists()


def test_a_round_never_pairs_a_manager_through_another_organization(
    partners, django_capture_on_commit_callbacks
) -> None:
    program, _topic, mentor, mentee = partners
    created = round_create_default(program=program, by=mentor.user)
    with django_capture_on_commit_callbacks(execute=True):
        round_start(matching_round=created)
    created.refresh_from_db()
    assert created.status == MatchingRound.Status.READY
    assert not created.pairs.filter(mentee=mentee, mentor=mentor).exists()


def test_a_line_made_after_joining_counts(db: None) -> None:
    org = OrganizationFactory.create()
    topic = Topic.objects.create(organization=org, name="Budgeting", slug="budgeting")
    program = ProgramFactory.create(organization=org, matching_mode=Program.MatchingMode.BOTH)
    boss = UserFactory.create(full_name="Boss")
    boss_membership = MembershipFactory.create(user=boss, organization=org)
    mentor = _finish(
        enrollment_create(program=program, user=boss, roles=["mentor"]), topic, "expertise"
    )
    newcomer = UserFactory.create(full_name="Newcomer")
    # Joined by invitation, with no membership; hired later, reporting to the boss.
    mentee = _finish(
        Enrollment.objects.create(program=program, user=newcomer, is_mentee=True), topic, "focus"
    )
    MembershipFactory.create(user=newcomer, organization=org, manager=boss_membership)
    refusal = pair_refusal(seeker=mentee, giver=mentor, focus=topic)
    assert refusal is not None and refusal.code == "reporting_line"


def test_a_refusal_never_says_how_a_relationship_elsewhere_ended(partners) -> None:
    program, topic, _mentor, _mentee = partners
    other = ProgramFactory.create(organization=program.partner_organizations.get())
    elsewhere = Topic.objects.create(organization=other.organization, name="Budgeting", slug="b")
    ann, ben = UserFactory.create(full_name="Ann"), UserFactory.create(full_name="Ben")
    for user in (ann, ben):
        MembershipFactory.create(user=user, organization=other.organization)
    Relationship.objects.create(
        program=other,
        mentor=Enrollment.objects.create(program=other, user=ben, is_mentor=True),
        mentee=Enrollment.objects.create(program=other, user=ann, is_mentee=True),
        focus=elsewhere,
        status=Relationship.Status.CLOSED,
        close_reason=Relationship.CloseReason.NOT_A_FIT,
    )
    seeker = _finish(enrollment_create(program=program, user=ann, roles=["mentee"]), topic, "focus")
    giver = _finish(
        enrollment_create(program=program, user=ben, roles=["mentor"]), topic, "expertise"
    )
    refusal = pair_refusal(seeker=seeker, giver=giver, focus=topic)
    assert refusal is not None and refusal.code == "not_a_fit"
    assert "fit" not in refusal.message and "ended" not in refusal.message

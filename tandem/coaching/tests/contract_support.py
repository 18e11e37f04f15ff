"""People who join the practice's coaching program in the contract and pairing tests."""

from django.utils import timezone

from tandem.accounts.models import Membership
from tandem.programs.models import Enrollment, EnrollmentTopic
from tandem.relationships.tests.conftest import complete
from tandem.testing.coaching import Practice
from tandem.testing.factories import EnrollmentFactory, MembershipFactory, UserFactory


def joins(
    practice: Practice,
    name: str,
    *,
    coach: bool = False,
    manager: Enrollment | None = None,
    topic: str = "Public speaking",
) -> Enrollment:
    """Enroll a new member of the organization as a client or a coach, profile complete."""
    email = name.lower().replace(" ", ".") + "@northwind.test"
    user = UserFactory.create(full_name=name, email=email)
    membership = MembershipFactory.create(user=user, organization=practice.world.org)
    if manager is not None and manager.membership is not None:
        Membership.objects.filter(pk=membership.pk).update(manager=manager.membership)
    enrollment = EnrollmentFactory.create(
        program=practice.program,
        user=user,
        membership=membership,
        is_mentee=not coach,
        is_coach=coach,
        capacity=2 if coach else 0,
        accepting_now=coach,
        goals="" if coach else "Present to the board with calm and a clear ask.",
        profile_completed_at=timezone.now(),
    )
    kind = EnrollmentTopic.Kind.EXPERTISE if coach else EnrollmentTopic.Kind.FOCUS
    return complete(enrollment, practice.world, kind, topic)

"""What a coaching program's admins do to an engagement beyond what relationships offer."""

from django.db import transaction

from tandem.accounts.models import User
from tandem.coaching.models import Engagement
from tandem.coaching.selectors.admin import client_coached_elsewhere
from tandem.core.errors import DomainError
from tandem.policy.access import user_administers_program
from tandem.programs.models import Enrollment
from tandem.relationships.models import Proposal, Relationship
from tandem.relationships.services.proposals import proposal_create


@transaction.atomic
def engagement_coach_propose(*, engagement: Engagement, admin: User, coach: Enrollment) -> Proposal:
    """Propose another coach to the client of an ended engagement; both answer as for any match.

    An engagement ended after a boundary concern leaves the client without a coach: the
    program proposes another, through the same proposal and pairing policy as a round.
    """
    relationship = engagement.relationship
    program = relationship.program
    if not user_administers_program(user=admin, program=program):
        raise DomainError("Only the program's admins can propose a coach.")
    if relationship.status != Relationship.Status.CLOSED:
        raise DomainError("End this engagement before proposing another coach.")
    if client_coached_elsewhere(engagement):
        raise DomainError(
            f"{relationship.mentee.user.full_name or 'The client'} already has an open coaching "
            "relationship in this program: propose another coach only once it has ended."
        )
    if coach.program_id != program.pk or not coach.is_coach:
        raise DomainError("Choose a coach of this program.", field="coach")
    if coach.pk == relationship.mentor_id:
        raise DomainError(
            "Choose a coach other than the one whose engagement ended.", field="coach"
        )
    return proposal_create(
        program=program,
        mentor=coach,
        mentee=relationship.mentee,
        focus=relationship.focus,
        score=0.0,
        reasons=[
            f"The program proposes {coach.user.full_name or coach.user.email} as your next "
            f"coach on {relationship.focus}, after your last engagement ended."
        ],
    )

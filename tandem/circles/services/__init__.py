"""Every write of a circle's life, one module per part, re-exported here."""

from tandem.circles.services.agreements import (
    circle_agreement_sign,
    circle_agreement_template,
    circle_agreement_write,
    circle_check_agreed,
)
from tandem.circles.services.changes import (
    circle_close,
    circle_leave,
    circle_member_remove,
    circle_pause,
    circle_replacement_add,
    circle_resume,
)
from tandem.circles.services.checkins import circle_checkin_record
from tandem.circles.services.forming import (
    ProposedGroup,
    ProposedMember,
    circle_approve,
    circle_form,
    circle_join_approve,
    circle_join_refuse,
    circle_join_request,
    circle_membership_answer,
    circles_propose,
)

__all__ = [
    "ProposedGroup",
    "ProposedMember",
    "circle_agreement_sign",
    "circle_agreement_template",
    "circle_agreement_write",
    "circle_approve",
    "circle_check_agreed",
    "circle_checkin_record",
    "circle_close",
    "circle_form",
    "circle_join_approve",
    "circle_join_refuse",
    "circle_join_request",
    "circle_leave",
    "circle_member_remove",
    "circle_membership_answer",
    "circle_pause",
    "circle_replacement_add",
    "circle_resume",
    "circles_propose",
]

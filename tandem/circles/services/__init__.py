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
from tandem.circles.services.commitments import (
    circle_commitment_follow_up,
    circle_commitment_make,
)
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
from tandem.circles.services.hot_seats import (
    hot_seat_swap_answer,
    hot_seat_swap_offer,
    hot_seat_swap_withdraw,
    hot_seats_assign,
)
from tandem.circles.services.sessions import (
    circle_absence_say,
    circle_absence_take_back,
    circle_question_post,
    circle_question_withdraw,
    circle_session_cancel,
    circle_session_hold,
    circle_session_notes_write,
    circle_sessions_plan,
)

__all__ = [
    "ProposedGroup",
    "ProposedMember",
    "circle_absence_say",
    "circle_absence_take_back",
    "circle_agreement_sign",
    "circle_agreement_template",
    "circle_agreement_write",
    "circle_approve",
    "circle_check_agreed",
    "circle_checkin_record",
    "circle_close",
    "circle_commitment_follow_up",
    "circle_commitment_make",
    "circle_form",
    "circle_join_approve",
    "circle_join_refuse",
    "circle_join_request",
    "circle_leave",
    "circle_member_remove",
    "circle_membership_answer",
    "circle_pause",
    "circle_question_post",
    "circle_question_withdraw",
    "circle_replacement_add",
    "circle_resume",
    "circle_session_cancel",
    "circle_session_hold",
    "circle_session_notes_write",
    "circle_sessions_plan",
    "circles_propose",
    "hot_seat_swap_answer",
    "hot_seat_swap_offer",
    "hot_seat_swap_withdraw",
    "hot_seats_assign",
]

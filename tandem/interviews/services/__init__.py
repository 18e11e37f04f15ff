"""Every write of informational interviews: asking, answering, the time, and what follows."""

from tandem.interviews.services.after import (
    interview_continue_answer,
    interview_has_happened,
    interview_note_write,
    interviews_follow_up,
    interviews_remind,
)
from tandem.interviews.services.asking import (
    KIND_DECLINE,
    interview_ask,
    interview_decline,
    interview_offer_set,
    interview_pick_time,
    interview_propose_times,
    interview_withdraw,
    interviews_taken_this_month,
)

__all__ = [
    "KIND_DECLINE",
    "interview_ask",
    "interview_continue_answer",
    "interview_decline",
    "interview_has_happened",
    "interview_note_write",
    "interview_offer_set",
    "interview_pick_time",
    "interview_propose_times",
    "interview_withdraw",
    "interviews_follow_up",
    "interviews_remind",
    "interviews_taken_this_month",
]

"""Every write on the board, re-exported from one module per part of it."""

from tandem.board.services.digest import board_digests_send
from tandem.board.services.moderation import (
    answer_edit_by_moderator,
    answer_moderate,
    question_edit_by_moderator,
    question_moderate,
    report_dismiss,
    report_file,
)
from tandem.board.services.posts import (
    answer_mark_helpful,
    answer_post,
    organization_board_set,
    question_ask,
    question_bring_back,
    question_url,
)

__all__ = [
    "answer_edit_by_moderator",
    "answer_mark_helpful",
    "answer_moderate",
    "answer_post",
    "board_digests_send",
    "organization_board_set",
    "question_ask",
    "question_bring_back",
    "question_edit_by_moderator",
    "question_moderate",
    "question_url",
    "report_dismiss",
    "report_file",
]

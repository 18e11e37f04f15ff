"""Every write of warm introductions: asking, suggesting, agreeing, and what follows."""

from tandem.introductions.services.asking import (
    NO_MATCH,
    Suggested,
    introduction_ask,
    introduction_decline,
    introduction_suggest,
    suggestion_answer,
)
from tandem.introductions.services.connections import (
    connection_start_interview,
    connection_start_request,
)
from tandem.introductions.services.expiry import (
    suggestion_expires_at,
    suggestions_expire,
    suggestions_remind,
)

__all__ = [
    "NO_MATCH",
    "Suggested",
    "connection_start_interview",
    "connection_start_request",
    "introduction_ask",
    "introduction_decline",
    "introduction_suggest",
    "suggestion_answer",
    "suggestion_expires_at",
    "suggestions_expire",
    "suggestions_remind",
]

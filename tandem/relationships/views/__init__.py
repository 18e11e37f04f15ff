"""Relationship pages, one module per part of the lifecycle, re-exported here."""

from tandem.relationships.views.endings import (
    admin_end,
    close,
    concern_detail,
    concern_new,
    pause,
    program_relationships,
    reflect,
    resume,
)
from tandem.relationships.views.journal import (
    journal,
    journal_entry,
)
from tandem.relationships.views.requests import (
    mentor_directory,
    proposal_detail,
    request_detail,
    request_new,
    request_withdraw,
)
from tandem.relationships.views.together import (
    agenda_revisit,
    agreement,
    agreement_renegotiate,
    agreement_sign,
    checkin,
    commitment_done,
    commitment_new,
    meeting_cancel,
    meeting_detail,
    meeting_held,
    meeting_new,
    relationship_detail,
    relationship_list,
)

__all__ = [
    "admin_end",
    "agenda_revisit",
    "agreement",
    "agreement_renegotiate",
    "agreement_sign",
    "checkin",
    "close",
    "commitment_done",
    "commitment_new",
    "concern_detail",
    "concern_new",
    "journal",
    "journal_entry",
    "meeting_cancel",
    "meeting_detail",
    "meeting_held",
    "meeting_new",
    "mentor_directory",
    "pause",
    "program_relationships",
    "proposal_detail",
    "reflect",
    "relationship_detail",
    "relationship_list",
    "request_detail",
    "request_new",
    "request_withdraw",
    "resume",
]

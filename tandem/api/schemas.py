"""What the API reads and writes: explicit input and output schemas, no model dumps.

Outputs name only what the matching page shows the same reader (the board's bylines
included: an anonymous asker is named to moderators only). Private journal entries,
check-in answers, reflections, self-described identity and a person's private reasons for
saying no are in no schema at all.
"""

import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator

from tandem.accounts.models import User
from tandem.board import selectors as board
from tandem.board.models import Question, Report
from tandem.board.services.moderation import NOTE_MAX, REASON_MAX
from tandem.board.services.posts import ANSWER_MAX, BODY_MAX, TITLE_MAX
from tandem.programs.models import Enrollment, MeetingMode, Program
from tandem.relationships.models import (
    Agreement,
    Commitment,
    Meeting,
    MentorshipRequest,
    Proposal,
    Relationship,
)


class InSchema(Schema):
    """What a caller sends: text without NUL characters, which no database column can keep."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text may not hold a NUL character (\\u0000).")
        return value


class PersonOut(Schema):
    id: int
    name: str
    display_name: str

    @staticmethod
    def of(user: User) -> "PersonOut":
        return PersonOut(id=user.pk, name=user.full_name, display_name=user.display_name)


class TopicOut(Schema):
    id: int
    name: str


class TokenOut(Schema):
    name: str
    kind: str = Field(description="personal or service")
    scope: str = Field(description="read or write")
    expires_at: datetime.datetime | None
    organization_id: int | None


class MeOut(Schema):
    id: int
    name: str
    display_name: str
    email: str | None = Field(description="The person's address; none for a service token.")
    token: TokenOut


class ProgramOut(Schema):
    id: int
    organization_id: int
    name: str
    tagline: str
    description: str
    format: str
    status: str
    audience: str
    matching_mode: str
    mentors_per_mentee: int
    enrollment_opens_on: datetime.date | None
    enrollment_closes_on: datetime.date | None

    @staticmethod
    def of(program: Program) -> "ProgramOut":
        return ProgramOut(
            id=program.pk,
            organization_id=program.organization_id,
            name=program.name,
            tagline=program.tagline,
            description=program.description,
            format=program.format,
            status=program.status,
            audience=program.audience,
            matching_mode=program.matching_mode,
            mentors_per_mentee=program.mentors_per_mentee,
            enrollment_opens_on=program.enrollment_opens_on,
            enrollment_closes_on=program.enrollment_closes_on,
        )


class EnrollmentOut(Schema):
    """A profile, as the profile page shows it to the person, fellow participants and admins."""

    id: int
    program_id: int
    person: PersonOut
    status: str
    roles: list[str]
    goals: str
    mentors_wanted: int
    what_i_bring: str
    why_i_mentor: str
    capacity: int
    accepting_now: bool
    meeting_modes: list[str]
    preferred_cadence: str
    languages: list[str]
    focus_areas: list[TopicOut]
    expertise: list[TopicOut]
    profile_complete: bool

    @staticmethod
    def of(enrollment: Enrollment) -> "EnrollmentOut":
        # topics__topic is prefetched by the caller: a list costs no query per profile.
        topics = list(enrollment.topics.all())
        return EnrollmentOut(
            id=enrollment.pk,
            program_id=enrollment.program_id,
            person=PersonOut.of(enrollment.user),
            status=enrollment.status,
            roles=list(enrollment.roles),
            goals=enrollment.goals,
            mentors_wanted=enrollment.mentors_wanted,
            what_i_bring=enrollment.what_i_bring,
            why_i_mentor=enrollment.why_i_mentor,
            capacity=enrollment.capacity,
            accepting_now=enrollment.accepting_now,
            meeting_modes=list(enrollment.meeting_modes),
            preferred_cadence=enrollment.preferred_cadence,
            languages=list(enrollment.languages),
            focus_areas=[
                TopicOut(id=t.topic_id, name=t.topic.name) for t in topics if t.kind == "focus"
            ],
            expertise=[
                TopicOut(id=t.topic_id, name=t.topic.name) for t in topics if t.kind == "expertise"
            ],
            profile_complete=enrollment.profile_completed_at is not None,
        )


class RequestIn(InSchema):
    mentor_enrollment_id: int = Field(ge=1, le=2**62)
    focus_id: int = Field(ge=1, le=2**62, description="One of your own focus areas.")
    message: str = Field(max_length=3000)


class RequestAnswerIn(InSchema):
    reply: str = Field("", max_length=2000, description="Words the mentee reads.")


class RequestOut(Schema):
    id: int
    program_id: int
    mentee_enrollment_id: int
    mentor_enrollment_id: int
    mentee: PersonOut
    mentor: PersonOut
    focus: TopicOut
    message: str
    status: str
    reply: str
    expires_at: datetime.datetime
    answered_at: datetime.datetime | None
    relationship_id: int | None = None

    @staticmethod
    def of(ask: MentorshipRequest, relationship_id: int | None = None) -> "RequestOut":
        return RequestOut(
            id=ask.pk,
            program_id=ask.program_id,
            mentee_enrollment_id=ask.mentee_id,
            mentor_enrollment_id=ask.mentor_id,
            mentee=PersonOut.of(ask.mentee.user),
            mentor=PersonOut.of(ask.mentor.user),
            focus=TopicOut(id=ask.focus_id, name=ask.focus.name),
            message=ask.message,
            status=ask.status,
            reply=ask.reply,
            expires_at=ask.expires_at,
            answered_at=ask.answered_at,
            relationship_id=relationship_id,
        )


class ProposalAnswerIn(InSchema):
    private_reason: str = Field(
        "", max_length=2000, description="If you say no: why. Only you ever see it."
    )


class ProposalOut(Schema):
    id: int
    program_id: int
    mentor: PersonOut
    mentee: PersonOut
    focus: TopicOut
    reasons: list[str]
    status: str
    expires_at: datetime.datetime
    my_side: str
    my_answer: str
    relationship_id: int | None

    @staticmethod
    def of(proposal: Proposal, *, user_id: int) -> "ProposalOut":
        side = proposal.side_of(user_id)
        return ProposalOut(
            id=proposal.pk,
            program_id=proposal.program_id,
            mentor=PersonOut.of(proposal.mentor.user),
            mentee=PersonOut.of(proposal.mentee.user),
            focus=TopicOut(id=proposal.focus_id, name=proposal.focus.name),
            reasons=[str(r) for r in proposal.reasons],
            status=proposal.status,
            expires_at=proposal.expires_at,
            my_side=side,
            my_answer=getattr(proposal, f"{side}_answer"),
            relationship_id=proposal.relationship_id,
        )


class PairStateOut(Schema):
    """Who is paired and the state: what a program admin sees, never the content.

    Not why a pair ended: the health page shows reasons only where five or more share
    one, so that nobody's can be worked out; a row per pair would give each away.
    """

    id: int
    program_id: int
    mentor: PersonOut
    mentee: PersonOut
    focus: TopicOut
    origin: str = Field(
        description="How it began. One of: " + ", ".join(Relationship.Origin.values)
    )
    status: str
    started_at: datetime.datetime | None
    paused_at: datetime.datetime | None
    closed_at: datetime.datetime | None

    @staticmethod
    def of(relationship: Relationship) -> "PairStateOut":
        return PairStateOut(**_pair_state(relationship))


def _pair_state(relationship: Relationship) -> dict[str, Any]:
    return {
        "id": relationship.pk,
        "program_id": relationship.program_id,
        "mentor": PersonOut.of(relationship.mentor.user),
        "mentee": PersonOut.of(relationship.mentee.user),
        "focus": TopicOut(id=relationship.focus_id, name=relationship.focus.name),
        "origin": relationship.origin,
        "status": relationship.status,
        "started_at": relationship.started_at,
        "paused_at": relationship.paused_at,
        "closed_at": relationship.closed_at,
    }


class RelationshipStateOut(PairStateOut):
    """A relationship's state as one of its two people sees it, with why it ended."""

    close_reason: str

    @staticmethod
    def of(relationship: Relationship) -> "RelationshipStateOut":
        return RelationshipStateOut(
            **_pair_state(relationship), close_reason=relationship.close_reason
        )


class AgreementOut(Schema):
    version: int
    goals: str
    topics_welcome: str
    topics_off_limits: str
    setting: str
    cadence: str
    meeting_minutes: int
    channels: list[str]
    texting_ok: bool
    response_time: str
    introductions: str
    personal_sharing: str
    confidentiality: str
    accountability: str
    derailers: str
    review_on: datetime.date
    exit_clause: str
    mentor_signed_at: datetime.datetime | None
    mentee_signed_at: datetime.datetime | None

    @staticmethod
    def of(agreement: Agreement) -> "AgreementOut":
        return AgreementOut(
            **{name: getattr(agreement, name) for name in AgreementOut.model_fields}
        )


class RelationshipOut(RelationshipStateOut):
    """A relationship as one of its two people sees it, with its agreement in force."""

    my_role: str
    agreement: AgreementOut | None


class MeetingIn(InSchema):
    starts_at: AwareDatetime = Field(description="With its offset, e.g. 2027-01-04T10:00:00Z.")
    duration_minutes: int = Field(ge=10, le=240)
    mode: str = Field(description="One of: " + ", ".join(MeetingMode.values))
    agenda: str = Field("", max_length=5000)

    @field_validator("mode")
    @classmethod
    def _known_mode(cls, value: str) -> str:
        if value not in MeetingMode.values:
            raise ValueError("Choose one of: " + ", ".join(MeetingMode.values) + ".")
        return value


class MeetingOut(Schema):
    id: int
    relationship_id: int
    starts_at: datetime.datetime
    duration_minutes: int
    mode: str
    agenda: str
    notes: str
    status: str

    @staticmethod
    def of(meeting: Meeting) -> "MeetingOut":
        return MeetingOut(
            id=meeting.pk,
            relationship_id=meeting.relationship_id,
            starts_at=meeting.starts_at,
            duration_minutes=meeting.duration_minutes,
            mode=meeting.mode,
            agenda=meeting.agenda,
            notes=meeting.notes,
            status=meeting.status,
        )


class CommitmentIn(InSchema):
    text: str = Field(max_length=300)
    due_on: datetime.date


class CommitmentOut(Schema):
    id: int
    relationship_id: int
    owner: PersonOut
    text: str
    due_on: datetime.date
    done_at: datetime.datetime | None

    @staticmethod
    def of(commitment: Commitment) -> "CommitmentOut":
        return CommitmentOut(
            id=commitment.pk,
            relationship_id=commitment.relationship_id,
            owner=PersonOut.of(commitment.owner),
            text=commitment.text,
            due_on=commitment.due_on,
            done_at=commitment.done_at,
        )


class MentorCardOut(Schema):
    """A mentor as the directory lists them to one mentee: fit, reasons, places left."""

    enrollment: EnrollmentOut
    score: int = Field(description="The fit for you, 0 to 100, as the directory shows it.")
    reasons: list[str]
    places_left: int
    can_ask: bool = Field(description="Whether you may send this mentor a request now.")


# The question board.

BOARD_ID_MAX = 2**62
SEARCH_MAX = 200


class BylineOut(Schema):
    """Who wrote a post, as this reader may know it."""

    name: str = Field(description="As the page shows it: a name, or “Anonymous participant”.")
    person: PersonOut | None = Field(
        description="The author; none when they asked anonymously and you may not know them."
    )
    hidden_from_others: bool = Field(
        description="The name is hidden from participants: you see it as a moderator or author."
    )
    is_you: bool

    @staticmethod
    def of(byline: board.Byline, author: User) -> "BylineOut":
        return BylineOut(
            name=byline.name,
            person=PersonOut.of(author) if byline.names_author else None,
            hidden_from_others=byline.hidden_from_others,
            is_you=byline.is_you,
        )


class QuestionOut(Schema):
    id: int
    organization_id: int
    program_id: int | None = Field(description="None on the organization's board.")
    title: str
    body: str
    topics: list[TopicOut]
    state: str = Field(description="open, locked or hidden")
    is_anonymous: bool
    asked_by: BylineOut
    answer_count: int
    helpful_count: int
    created_at: datetime.datetime
    last_activity_at: datetime.datetime
    edited_at: datetime.datetime | None

    @staticmethod
    def of(question: Any, *, viewer: User, is_moderator: bool) -> "QuestionOut":
        # topics are prefetched by the caller: a list costs no query per question.
        byline = board.question_byline(question, viewer=viewer, is_moderator=is_moderator)
        return QuestionOut(
            id=question.pk,
            organization_id=question.organization_id,
            program_id=question.program_id,
            title=question.title,
            body=question.body,
            topics=[TopicOut(id=t.pk, name=t.name) for t in question.topics.all()],
            state=question.state,
            is_anonymous=question.is_anonymous,
            asked_by=BylineOut.of(byline, question.author),
            answer_count=question.answer_count,
            helpful_count=question.helpful_count,
            created_at=question.created_at,
            last_activity_at=question.last_activity_at,
            edited_at=question.edited_at,
        )


class AnswerOut(Schema):
    id: int
    question_id: int
    body: str
    author: BylineOut
    is_hidden: bool = Field(description="Hidden by a moderator: seen by moderators and author.")
    helpful: bool = Field(description="The asker found it helpful.")
    reported_by_me: bool
    created_at: datetime.datetime
    edited_at: datetime.datetime | None

    @staticmethod
    def of(answer: Any, question: Question) -> "AnswerOut":
        # answer comes from selectors.question_answers, with its byline and marks.
        return AnswerOut(
            id=answer.pk,
            question_id=question.pk,
            body=answer.body,
            author=BylineOut.of(answer.byline, answer.author),
            is_hidden=answer.is_hidden,
            helpful=answer.helpful,
            reported_by_me=answer.my_report,
            created_at=answer.created_at,
            edited_at=answer.edited_at,
        )


class ModerationOut(Schema):
    """What a moderator did, and why: shown to the board's moderators."""

    action: str
    answer_id: int | None
    moderator: PersonOut | None
    reason: str
    created_at: datetime.datetime


class QuestionDetailOut(QuestionOut):
    answers: list[AnswerOut]
    reported_by_me: bool
    moderation: list[ModerationOut] = Field(description="Empty unless you moderate the board.")


class QuestionIn(InSchema):
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=BODY_MAX)
    topic_ids: list[Annotated[int, Field(ge=1, le=BOARD_ID_MAX)]] = Field(
        max_length=20, description="One to three of the organization's topics."
    )
    is_anonymous: bool = Field(
        False,
        description="Other participants will not see who asked; the moderators always can.",
    )


class AnswerIn(InSchema):
    body: str = Field(max_length=ANSWER_MAX)


class HelpfulIn(InSchema):
    helpful: bool = Field(True, description="false takes the mark back.")


class ReportIn(InSchema):
    reason: Literal["unkind", "private", "off_topic", "unsafe", "other"]
    note: str = Field("", max_length=NOTE_MAX, description="The author never learns who reported.")


class ReportOut(Schema):
    id: int
    question_id: int
    answer_id: int | None
    reason: str
    note: str
    created_at: datetime.datetime
    resolved_at: datetime.datetime | None = Field(description="When a moderator closed it.")

    @staticmethod
    def of(report: Report) -> "ReportOut":
        return ReportOut(
            id=report.pk,
            question_id=report.question_id,
            answer_id=report.answer_id,
            reason=report.reason,
            note=report.note,
            created_at=report.created_at,
            resolved_at=report.resolved_at,
        )


class QuestionModerateIn(InSchema):
    action: Literal["hide", "unhide", "lock", "unlock"]
    reason: str = Field(max_length=REASON_MAX, description="The author reads it.")


class AnswerModerateIn(InSchema):
    action: Literal["hide", "unhide"]
    reason: str = Field(max_length=REASON_MAX, description="The author reads it.")


class QuestionEditIn(InSchema):
    title: str = Field(max_length=TITLE_MAX)
    body: str = Field(max_length=BODY_MAX)
    reason: str = Field(max_length=REASON_MAX, description="The author reads it.")


class AnswerEditIn(InSchema):
    body: str = Field(max_length=ANSWER_MAX)
    reason: str = Field(max_length=REASON_MAX, description="The author reads it.")


class BoardFilters(InSchema):
    # An address with a NUL character is refused before it reaches the API (core.middleware).
    q: str = Field(
        "",
        max_length=SEARCH_MAX,
        pattern="^[^\\x00]*$",
        description="Words in questions or answers.",
    )
    topic_id: int | None = Field(None, ge=1, le=BOARD_ID_MAX)
    sort: Literal["recent", "helpful", "unanswered"] = "recent"

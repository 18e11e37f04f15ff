"""What the API reads and writes: explicit input and output schemas, no model dumps.

Outputs name only what the matching page shows the same reader. Private journal entries,
check-in answers, reflections, self-described identity and a person's private reasons for
saying no are in no schema at all.
"""

import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import AwareDatetime, field_validator

from tandem.accounts.models import User
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


class RelationshipStateOut(Schema):
    """Who is paired and the state: what a program admin sees, never the content."""

    id: int
    program_id: int
    mentor: PersonOut
    mentee: PersonOut
    focus: TopicOut
    origin: str
    status: str
    started_at: datetime.datetime | None
    paused_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    close_reason: str

    @staticmethod
    def of(relationship: Relationship) -> "RelationshipStateOut":
        return RelationshipStateOut(
            id=relationship.pk,
            program_id=relationship.program_id,
            mentor=PersonOut.of(relationship.mentor.user),
            mentee=PersonOut.of(relationship.mentee.user),
            focus=TopicOut(id=relationship.focus_id, name=relationship.focus.name),
            origin=relationship.origin,
            status=relationship.status,
            started_at=relationship.started_at,
            paused_at=relationship.paused_at,
            closed_at=relationship.closed_at,
            close_reason=relationship.close_reason,
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

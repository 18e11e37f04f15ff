import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from tandem.accounts.models import Membership, Organization
from tandem.core.models import TimeStampedModel


class Topic(models.Model):
    """A subject people want help with or can offer, in one organization's vocabulary."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="topics")
    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80)
    category = models.CharField(max_length=60, blank=True)
    synonyms = models.JSONField(
        default=list, blank=True, help_text="Other words people use for this topic."
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "slug"], name="topic_slug_unique_in_org"
            ),
            models.UniqueConstraint(
                "organization", Lower("name"), name="topic_name_unique_in_org_ci"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone"
    VIDEO = "video", "Video call"
    CHAT = "chat", "Text or chat"


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    BIMONTHLY = "bimonthly", "Every two months"


CADENCE_DAYS: dict[str, int] = {
    Cadence.WEEKLY: 7,
    Cadence.FORTNIGHTLY: 14,
    Cadence.MONTHLY: 30,
    Cadence.BIMONTHLY: 61,
}


class Language(models.TextChoices):
    EN = "en", "English"
    ES = "es", "Spanish"
    FR = "fr", "French"
    DE = "de", "German"
    PT = "pt", "Portuguese"
    IT = "it", "Italian"
    PL = "pl", "Polish"
    UK = "uk", "Ukrainian"
    AR = "ar", "Arabic"
    HI = "hi", "Hindi"
    ZH = "zh", "Chinese"
    JA = "ja", "Japanese"
    KO = "ko", "Korean"
    VI = "vi", "Vietnamese"
    TL = "tl", "Tagalog"
    ASL = "ase", "American Sign Language"


class IdentityAttribute(models.TextChoices):
    """Self-described attributes a person may let the matching engine use (`IdentityUse`)."""

    WOMAN = "woman", "Woman"
    NON_BINARY = "non_binary", "Non-binary"
    LGBTQ = "lgbtq", "LGBTQ+"
    PARENT_CARER = "parent_carer", "Parent or caregiver"
    FIRST_GENERATION = "first_generation", "First in my family at university"
    CAREER_CHANGER = "career_changer", "Changed careers"
    VETERAN = "veteran", "Military veteran"
    DISABILITY = "disability", "Living with a disability"
    IMMIGRANT = "immigrant", "Moved countries for work"
    RETURNER = "returner", "Returned to work after a long break"


class IdentityUse(models.TextChoices):
    """Whether a person lets the matching engine use their self-described attributes."""

    PRIVATE = "private", "Private: never used"
    MATCH = (
        "match",
        "Use it to match me with people who ask for this; "
        "people who ask for it may learn that I share it",
    )


# The sizes a circle may be set to: smaller is a conversation, larger leaves too little time
# for each member's hot seat.
CIRCLE_SMALLEST = 3
CIRCLE_LARGEST = 10
# How many circles one person may be in at once, at most.
CIRCLES_PER_MEMBER_MOST = 3


class Program(TimeStampedModel):
    """A mentoring or coaching program that one organization runs."""

    class Format(models.TextChoices):
        ONE_TO_ONE = "one_to_one", "One-to-one mentoring"
        PEER = "peer", "Peer co-mentoring"
        CIRCLES = "circles", "Group circles"
        COACHING = "coaching", "Coaching"
        INFORMATIONAL = "informational", "Informational interviews"

    # Formats the product can run end to end today; the others are modelled ahead.
    AVAILABLE_FORMATS = (Format.ONE_TO_ONE, Format.PEER, Format.CIRCLES, Format.COACHING)

    class Audience(models.TextChoices):
        ORGANIZATION = "organization", "Members of the organization"
        PARTNERS = "partners", "Members of the organization and its partner organizations"
        ALUMNI = "alumni", "Alumni of the organization"
        INVITATION = "invitation", "Invited people only"

    class MatchingMode(models.TextChoices):
        ROUNDS = "rounds", "Admins run matching rounds"
        CHOICE = "choice", "Mentees choose their mentors"
        BOTH = "both", "Both: rounds, and mentees may also choose"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        ARCHIVED = "archived", "Archived"

    class ProfileField(models.TextChoices):
        WHAT_I_BRING = "what_i_bring", "What I bring"
        WHY_I_MENTOR = "why_i_mentor", "Why I mentor"
        MEETING_MODES = "meeting_modes", "Meeting modes"
        LANGUAGES = "languages", "Languages"
        PREFERRED_CADENCE = "preferred_cadence", "Preferred rhythm"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="programs"
    )
    name = models.CharField(max_length=120)
    tagline = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.ONE_TO_ONE)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    audience = models.CharField(
        max_length=20, choices=Audience.choices, default=Audience.ORGANIZATION
    )
    partner_organizations = models.ManyToManyField(
        Organization, blank=True, related_name="partner_programs"
    )
    admins = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="administered_programs"
    )
    enrollment_opens_on = models.DateField(null=True, blank=True)
    enrollment_closes_on = models.DateField(null=True, blank=True)
    matching_mode = models.CharField(
        max_length=10, choices=MatchingMode.choices, default=MatchingMode.ROUNDS
    )
    mentors_per_mentee = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    default_cadence = models.CharField(
        max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    default_length_months = models.PositiveSmallIntegerField(
        default=6, validators=[MinValueValidator(1), MaxValueValidator(36)]
    )
    required_profile_fields = models.JSONField(default=list, blank=True)
    # Rules of the relationship lifecycle (see tandem.relationships).
    max_open_requests = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text="How many requests a mentee may have waiting at once.",
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        default=14,
        validators=[MinValueValidator(2), MaxValueValidator(60)],
        help_text="Days a mentor has to answer a request; a reminder goes out before.",
    )
    proposal_response_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Days both people have to accept or decline a proposed match.",
    )
    checkin_interval_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="How often each person is asked for a short private check-in.",
    )
    max_pause_days = models.PositiveSmallIntegerField(
        default=60,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
        help_text="A relationship paused longer than this closes gently as inactive.",
    )
    # Circles (tandem.circles): how many people a circle holds, and how many circles one
    # person may be in at once in this program.
    circle_min_size = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(CIRCLE_SMALLEST), MaxValueValidator(CIRCLE_LARGEST)],
        help_text="A circle starts once this many members have accepted.",
    )
    circle_max_size = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(CIRCLE_SMALLEST), MaxValueValidator(CIRCLE_LARGEST)],
        help_text="Nobody joins a circle that has this many members.",
    )
    circles_per_member = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(CIRCLES_PER_MEMBER_MOST)],
        help_text="How many circles one person may be in at once.",
    )
    history = HistoricalRecords(m2m_fields=[admins, partner_organizations])

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(enrollment_opens_on__isnull=True)
                | models.Q(enrollment_closes_on__isnull=True)
                | models.Q(enrollment_closes_on__gte=models.F("enrollment_opens_on")),
                name="program_enrollment_window_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(mentors_per_mentee__gte=1, mentors_per_mentee__lte=5),
                name="program_mentors_per_mentee_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    circle_min_size__gte=CIRCLE_SMALLEST,
                    circle_max_size__lte=CIRCLE_LARGEST,
                    circle_min_size__lte=models.F("circle_max_size"),
                ),
                name="program_circle_size_bounds",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    circles_per_member__gte=1, circles_per_member__lte=CIRCLES_PER_MEMBER_MOST
                ),
                name="program_circles_per_member_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_peer(self) -> bool:
        return self.format == self.Format.PEER

    @property
    def is_circles(self) -> bool:
        return self.format == self.Format.CIRCLES

    @property
    def is_coaching(self) -> bool:
        return self.format == self.Format.COACHING

    @property
    def giver_noun(self) -> str:
        """Name the people who give help here: coaches in coaching, mentors elsewhere."""
        return "coach" if self.is_coaching else "mentor"

    @property
    def givers_noun(self) -> str:
        return "coaches" if self.is_coaching else "mentors"

    @property
    def seekers_noun(self) -> str:
        return "clients" if self.is_coaching else "mentees"

    @property
    def seeker_noun(self) -> str:
        """Name the people who are helped here: clients in coaching, mentees elsewhere."""
        return "client" if self.is_coaching else "mentee"

    @property
    def matching_mode_text(self) -> str:
        """Describe how people are matched here, in the program's own nouns."""
        seekers = self.seekers_noun
        if self.matching_mode == self.MatchingMode.CHOICE:
            return f"{seekers.capitalize()} choose their {self.givers_noun}"
        if self.matching_mode == self.MatchingMode.BOTH:
            return f"Both: rounds, and {seekers} may also choose"
        return self.get_matching_mode_display()

    def clean(self) -> None:
        super().clean()
        if (
            self.circle_min_size is not None
            and self.circle_max_size is not None
            and self.circle_min_size > self.circle_max_size
        ):
            raise ValidationError(
                {
                    "circle_max_size": (
                        f"The largest circle ({self.circle_max_size}) cannot be smaller than "
                        f"the smallest ({self.circle_min_size})."
                    )
                }
            )

    def enrollment_is_open(self, today: datetime.date) -> bool:
        if self.status != self.Status.ACTIVE:
            return False
        if self.enrollment_opens_on and today < self.enrollment_opens_on:
            return False
        return not (self.enrollment_closes_on and today > self.enrollment_closes_on)


class Enrollment(TimeStampedModel):
    """One person in one program, in one or more roles, with the profile they wrote for it."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WITHDRAWN = "withdrawn", "Withdrawn"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments"
    )
    membership = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrollments",
        help_text="The organization membership through which the person joined.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_mentee = models.BooleanField(default=False)
    is_mentor = models.BooleanField(default=False)
    is_coach = models.BooleanField(default=False)
    is_peer = models.BooleanField(default=False)

    # What they want ("get clear first").
    goals = models.TextField(blank=True)
    mentors_wanted = models.PositiveSmallIntegerField(default=1)
    # What they give.
    what_i_bring = models.TextField(blank=True)
    why_i_mentor = models.TextField(blank=True)
    capacity = models.PositiveSmallIntegerField(
        default=0, help_text="How many mentees at once; 0 for people who do not mentor."
    )
    accepting_now = models.BooleanField(default=False)
    # How they like to work.
    meeting_modes = models.JSONField(default=list, blank=True)
    preferred_cadence = models.CharField(max_length=12, choices=Cadence.choices, blank=True)
    languages = models.JSONField(default=list, blank=True)
    # Opt-in, self-described; seen only by the person. The matching engine reads
    # identity_attributes only while identity_use is MATCH (see matching/loading.py).
    identity_attributes = models.JSONField(default=list, blank=True)
    identity_use = models.CharField(
        max_length=10, choices=IdentityUse.choices, default=IdentityUse.PRIVATE
    )
    requested_attributes = models.JSONField(default=list, blank=True)
    # What she asks of her next match after one that was not a fit (programs/next_match.py).
    next_match_asks = models.JSONField(default=dict, blank=True)
    # Hours of the week in the person's own time zone when they can meet a circle: 0 is
    # Monday 00:00, 167 Sunday 23:00. A circles round reads them in UTC.
    free_hours = models.JSONField(default=list, blank=True)
    profile_completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["program", "user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user"], name="enrollment_unique_per_program"
            ),
            models.CheckConstraint(
                condition=models.Q(is_mentee=True)
                | models.Q(is_mentor=True)
                | models.Q(is_coach=True)
                | models.Q(is_peer=True),
                name="enrollment_has_a_role",
            ),
            models.CheckConstraint(
                condition=models.Q(capacity__lte=20), name="enrollment_capacity_at_most_20"
            ),
        ]
        indexes = [
            models.Index(fields=["program", "status", "is_mentor"]),
            models.Index(fields=["program", "status", "is_mentee"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.program}"

    @property
    def roles(self) -> list[str]:
        names = [
            ("is_mentee", "mentee"),
            ("is_mentor", "mentor"),
            ("is_coach", "coach"),
            ("is_peer", "peer"),
        ]
        return [label for field, label in names if getattr(self, field)]

    @property
    def role_labels(self) -> list[str]:
        """Name this person's roles as the program names them: a coaching mentee is a client."""
        seeker = self.program.seeker_noun
        return [seeker if role == "mentee" else role for role in self.roles]

    @property
    def meeting_mode_labels(self) -> list[str]:
        return [MeetingMode(m).label for m in self.meeting_modes if m in MeetingMode.values]

    @property
    def language_labels(self) -> list[str]:
        return [Language(code).label for code in self.languages if code in Language.values]

    @property
    def gives(self) -> bool:
        """Whether this person offers help (mentors, coaches, peers) in the program."""
        return self.is_mentor or self.is_coach or self.is_peer

    @property
    def seeks(self) -> bool:
        return self.is_mentee or self.is_peer

    @property
    def consented_identity(self) -> frozenset[str]:
        """Return the self-described attributes matching may use: none without consent."""
        return consented_identity(self.identity_use, self.identity_attributes)


def consented_identity(use: str, attributes: list[str]) -> frozenset[str]:
    """Return the attributes matching may use, given an enrollment's consent and its list."""
    if use != IdentityUse.MATCH:
        return frozenset()
    return frozenset(a for a in attributes if a in IdentityAttribute.values)


class EnrollmentTopic(models.Model):
    """A topic on a profile: a focus area someone wants help with, or expertise they offer."""

    class Kind(models.TextChoices):
        FOCUS = "focus", "Focus area"
        EXPERTISE = "expertise", "Expertise"

    class Level(models.IntegerChoices):
        ONE = 1, "1"
        TWO = 2, "2"
        THREE = 3, "3"

    FOCUS_LEVEL_LABELS = {1: "Nice to have", 2: "Important", 3: "Top priority"}
    EXPERTISE_LEVEL_LABELS = {1: "Some experience", 2: "Solid experience", 3: "Deep expertise"}

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.TWO)

    class Meta:
        ordering = ["-level", "topic__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "topic", "kind"], name="enrollment_topic_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="enrollment_topic_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.get_kind_display()})"

    @property
    def level_label(self) -> str:
        labels = (
            self.FOCUS_LEVEL_LABELS if self.kind == self.Kind.FOCUS else self.EXPERTISE_LEVEL_LABELS
        )
        return labels[self.level]

from collections.abc import Iterator
from typing import Any

from django import forms

from tandem.accounts.models import Organization
from tandem.accounts.time_zones import time_zone_choices
from tandem.programs.models import (
    CIRCLE_LARGEST,
    CIRCLE_SMALLEST,
    CIRCLES_PER_MEMBER_MOST,
    Cadence,
    Enrollment,
    EnrollmentTopic,
    IdentityAttribute,
    IdentityUse,
    Language,
    MeetingMode,
    Program,
    Topic,
)
from tandem.programs.services import program_roles

ROLE_LABELS = {
    "mentee": ("Mentee", "I want support with something specific."),
    "mentor": ("Mentor", "I can give time and share what I have learned."),
    "coach": ("Coach", "I work with clients on concrete changes."),
    "peer": ("Peer", "I want to support and learn from someone at a similar stage."),
}
# In a coaching program the person helped is the coach's client.
COACHING_ROLE_LABELS = {
    "mentee": ("Client", "I want a coach to work with me on concrete changes, for agreed hours."),
    "coach": ("Coach", "I coach clients on concrete changes, within a firm scope."),
}


class JoinForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="How do you want to take part?",
        widget=forms.CheckboxSelectMultiple,
        help_text="You can take more than one role; each has its own profile answers.",
    )

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = program_roles(program)
        field = self.fields["roles"]
        assert isinstance(field, forms.MultipleChoiceField)
        labels = {**ROLE_LABELS, **COACHING_ROLE_LABELS} if program.is_coaching else ROLE_LABELS
        field.choices = [(r, f"{labels[r][0]} — {labels[r][1]}") for r in roles]
        if len(roles) == 1:
            field.initial = roles
            field.help_text = ""


class TopicLevelsMixin(forms.Form):
    """Add one level select per topic; the template groups them by category."""

    topic_kind: str = EnrollmentTopic.Kind.FOCUS
    topic_limit = 5
    # Carries the errors about the topic choice as a whole, shown inside the picker.
    topics = forms.CharField(required=False, widget=forms.HiddenInput)

    def add_topic_fields(self, topics: list[Topic], current: dict[int, int]) -> None:
        labels = (
            EnrollmentTopic.FOCUS_LEVEL_LABELS
            if self.topic_kind == EnrollmentTopic.Kind.FOCUS
            else EnrollmentTopic.EXPERTISE_LEVEL_LABELS
        )
        choices = [("", "—"), *[(str(level), label) for level, label in labels.items()]]
        self._topics = topics
        for topic in topics:
            self.fields[self._topic_field(topic)] = forms.TypedChoiceField(
                label=topic.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.get(topic.pk, ""),
            )

    def _topic_field(self, topic: Topic) -> str:
        return f"{self.topic_kind}_{topic.pk}"

    def topic_groups(self) -> Iterator[tuple[str, list[tuple[Topic, forms.BoundField]], bool]]:
        """Yield (category, [(topic, bound field)], whether any is chosen) for the template."""
        groups: dict[str, list[Topic]] = {}
        for topic in self._topics:
            groups.setdefault(topic.category or "Other", []).append(topic)
        for category in sorted(groups):
            pairs = [(t, self[self._topic_field(t)]) for t in groups[category]]
            chosen = any(field.value() not in (None, "") for _, field in pairs)
            yield category, pairs, chosen

    def other_fields(self) -> list[forms.BoundField]:
        """Return the form's fields that are not topic levels, in order."""
        names = {self._topic_field(t) for t in self._topics}
        return [field for field in self.visible_fields() if field.name not in names]

    def chosen_topics(self) -> dict[Topic, int]:
        return {
            topic: level
            for topic in self._topics
            if (level := self.cleaned_data.get(self._topic_field(topic)))
        }

    def check_topic_choice(self, empty_message: str) -> None:
        chosen = len(self.chosen_topics())
        if not chosen:
            self.add_error("topics", empty_message)
        elif chosen > self.topic_limit:
            self.add_error(
                "topics",
                f"You chose {chosen}; choose at most {self.topic_limit}. Fewer, sharper topics "
                "match better.",
            )


class GoalsForm(TopicLevelsMixin):
    topic_kind = EnrollmentTopic.Kind.FOCUS
    goals = forms.CharField(
        label="What do you want from this, in your own words?",
        help_text=(
            "A few sentences are plenty. What would be different by the end of the program "
            "if this went well? Your partner will read this."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
    )
    mentors_wanted = forms.IntegerField(label="How many mentors would you like?", min_value=1)

    def __init__(self, *args: Any, enrollment: Enrollment, topics: list[Topic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment
        current = {
            t.topic_id: t.level
            for t in enrollment.topics.all()
            if t.kind == EnrollmentTopic.Kind.FOCUS
        }
        self.fields["goals"].initial = enrollment.goals
        if enrollment.program.is_coaching:
            self.fields["goals"].help_text = (
                "A few sentences are plenty. What would be different by the end of the "
                "engagement if this went well? Your coach reads this before agreeing objectives."
            )
        most = enrollment.program.mentors_per_mentee
        if most > 1 and enrollment.is_mentee:
            field = self.fields["mentors_wanted"]
            assert isinstance(field, forms.IntegerField)
            field.max_value = most
            field.initial = enrollment.mentors_wanted
            field.help_text = (
                f"Up to {most}. Several mentors can each help with one thing; "
                "you can add more later."
            )
            if enrollment.program.is_coaching:
                field.label = "How many coaches would you like?"
                field.help_text = f"Up to {most}. Each coach works with you on one thing."
            field.widget.attrs.update({"min": 1, "max": most})
        else:
            del self.fields["mentors_wanted"]
        self.add_topic_fields(topics, current)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.check_topic_choice("Choose at least one focus area, and how much it matters.")
        return cleaned


class OfferForm(TopicLevelsMixin):
    topic_kind = EnrollmentTopic.Kind.EXPERTISE
    topic_limit = 8
    what_i_bring = forms.CharField(
        label="What do you bring?",
        help_text="Experience, perspective, contacts, curiosity: everybody brings something.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )
    why_i_mentor = forms.CharField(
        label="Why do you want to mentor?",
        help_text="Mentees read this when they choose; it helps them ask with confidence.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    capacity = forms.IntegerField(
        label="How many people can you support at once?",
        min_value=1,
        max_value=20,
        help_text="Be generous with yourself: one relationship done well beats three rushed.",
    )
    accepting_now = forms.BooleanField(
        label="I am accepting new people now",
        required=False,
        help_text="Turn this off when you are busy; your current relationships are not affected.",
    )

    def __init__(self, *args: Any, enrollment: Enrollment, topics: list[Topic], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.enrollment = enrollment
        required = set(enrollment.program.required_profile_fields)
        self.fields["what_i_bring"].initial = enrollment.what_i_bring
        self.fields["what_i_bring"].required = Program.ProfileField.WHAT_I_BRING in required
        if not enrollment.gives:
            for name in ("why_i_mentor", "capacity", "accepting_now"):
                del self.fields[name]
            self._topics = []
            return
        if enrollment.program.is_coaching:
            self.fields[
                "what_i_bring"
            ].help_text = "Your experience as a coach and the changes you help clients make."
            self.fields["why_i_mentor"].label = "Why do you coach?"
            self.fields["why_i_mentor"].help_text = "Clients read this when they choose a coach."
            self.fields["capacity"].label = "How many clients can you coach at once?"
            self.fields[
                "capacity"
            ].help_text = "Each client takes a place until the engagement ends."
        elif enrollment.is_peer:
            self.fields["why_i_mentor"].label = "Why do you want to co-mentor?"
            self.fields["why_i_mentor"].help_text = "Your partner reads this before you meet."
            self.fields["capacity"].label = "How many peers can you pair with at once?"
        elif enrollment.program.matching_mode == Program.MatchingMode.ROUNDS:
            self.fields["why_i_mentor"].help_text = "Your mentee reads this before you meet."
        self.fields["why_i_mentor"].initial = enrollment.why_i_mentor
        self.fields["why_i_mentor"].required = Program.ProfileField.WHY_I_MENTOR in required
        self.fields["capacity"].initial = enrollment.capacity or 1
        self.fields["accepting_now"].initial = enrollment.accepting_now
        current = {
            t.topic_id: t.level
            for t in enrollment.topics.all()
            if t.kind == EnrollmentTopic.Kind.EXPERTISE
        }
        self.add_topic_fields(topics, current)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.enrollment.gives:
            self.check_topic_choice("Choose at least one topic you can help with.")
        return cleaned


class PracticalitiesForm(forms.Form):
    meeting_modes = forms.MultipleChoiceField(
        label="How do you like to meet?",
        choices=MeetingMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    preferred_cadence = forms.ChoiceField(
        label="How often would you like to meet?",
        choices=Cadence.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label="Languages you are happy to meet in",
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "columns"}),
        required=False,
    )
    time_zone = forms.ChoiceField(
        label="Your time zone",
        choices=time_zone_choices,
        help_text="So that partners and reminders use your local time.",
    )
    identity_attributes = forms.MultipleChoiceField(
        label="About you (optional, private)",
        choices=IdentityAttribute.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "columns"}),
        required=False,
        help_text=(
            "Only you see these: never on your profile, never in a list, never to admins "
            "one by one. Below, you decide whether matching may use them."
        ),
    )
    identity_use = forms.ChoiceField(
        label="May matching use what you chose above?",
        choices=IdentityUse.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=(
            "If you let it, someone who asks for “a mentor who has also changed careers” can "
            "be ranked and proposed with you, and can tell from that that you share it. "
            "Program admins see only counts over groups of five or more people. If you keep "
            "it private, matching never reads it and nobody can tell it is there."
        ),
    )
    requested_attributes = forms.MultipleChoiceField(
        label="Would you like a partner who shares any of these? (optional)",
        choices=IdentityAttribute.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "columns"}),
        required=False,
        help_text=(
            "Only people who let matching use the same thing count; others are never revealed."
        ),
    )

    def __init__(self, *args: Any, enrollment: Enrollment, **kwargs: Any):
        super().__init__(*args, **kwargs)
        required = set(enrollment.program.required_profile_fields)
        for name in ("meeting_modes", "preferred_cadence", "languages"):
            self.fields[name].initial = getattr(enrollment, name)
            self.fields[name].required = name in required
        self.fields["identity_attributes"].initial = enrollment.identity_attributes
        self.fields["identity_use"].initial = enrollment.identity_use
        self.fields["requested_attributes"].initial = enrollment.requested_attributes
        if enrollment.membership is not None:
            self.fields["time_zone"].initial = enrollment.membership.time_zone
        else:
            del self.fields["time_zone"]
        if not enrollment.seeks:
            del self.fields["requested_attributes"]

    def clean_identity_use(self) -> str:
        # Saying nothing is saying no.
        return str(self.cleaned_data.get("identity_use") or IdentityUse.PRIVATE)


CIRCLE_FIELDS = ("circle_min_size", "circle_max_size", "circles_per_member")


class ProgramForm(forms.ModelForm):
    # Declared here so the browser and the server agree on the limits.
    mentors_per_mentee = forms.IntegerField(
        label="Mentors per mentee, at most",
        min_value=1,
        max_value=5,
        initial=1,
        help_text="In a coaching program: coaches per client.",
    )
    default_length_months = forms.IntegerField(
        label="Default length (months)", min_value=1, max_value=36, initial=6
    )
    circle_min_size = forms.IntegerField(
        required=False,
        label="Smallest circle (people)",
        min_value=CIRCLE_SMALLEST,
        max_value=CIRCLE_LARGEST,
        initial=4,
        help_text="Group circles only. A circle starts once this many members have accepted.",
    )
    circle_max_size = forms.IntegerField(
        required=False,
        label="Largest circle (people)",
        min_value=CIRCLE_SMALLEST,
        max_value=CIRCLE_LARGEST,
        initial=6,
        help_text="Group circles only. Each member takes the hot seat in turn, so keep it small.",
    )
    circles_per_member = forms.IntegerField(
        required=False,
        label="Circles per person, at most",
        min_value=1,
        max_value=CIRCLES_PER_MEMBER_MOST,
        initial=1,
        help_text="Group circles only. How many circles one person may be in at once.",
    )
    partner_organizations = forms.ModelMultipleChoiceField(
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="For association programs: members of these organizations may join too.",
    )
    required_profile_fields = forms.MultipleChoiceField(
        label="Also require these profile answers",
        choices=Program.ProfileField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=(
            "Goals and focus areas (for mentees) and expertise and capacity (for mentors) "
            "are always required: nobody is matched before they are clear."
        ),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "tagline",
            "description",
            "format",
            "status",
            "audience",
            "partner_organizations",
            "enrollment_opens_on",
            "enrollment_closes_on",
            "matching_mode",
            "mentors_per_mentee",
            "default_cadence",
            "default_length_months",
            "required_profile_fields",
            "circle_min_size",
            "circle_max_size",
            "circles_per_member",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "format": forms.RadioSelect,
            "audience": forms.RadioSelect,
            "matching_mode": forms.RadioSelect,
            "enrollment_opens_on": forms.DateInput(attrs={"type": "date"}),
            "enrollment_closes_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {
            "default_length_months": "Default length (months)",
            "mentors_per_mentee": "Mentors per mentee, at most",
            "default_cadence": "Default meeting rhythm",
        }
        help_texts = {
            "tagline": "One line that tells people why to join.",
            "enrollment_opens_on": "Leave empty to open as soon as the program is active.",
            "enrollment_closes_on": "Leave empty to keep enrollment open.",
            "status": "Participants see active programs only.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        opens, closes = cleaned.get("enrollment_opens_on"), cleaned.get("enrollment_closes_on")
        if opens and closes and closes < opens:
            self.add_error("enrollment_closes_on", "Enrollment must close after it opens.")
        # Circle sizes matter to circles programs alone: left empty, they stay as they are.
        for name in CIRCLE_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = getattr(self.instance, name)
        # The model's clean() checks that the smallest circle is not larger than the largest.
        return cleaned

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any):
        super().__init__(*args, **kwargs)
        format_field = self.fields["format"]
        assert isinstance(format_field, forms.ChoiceField)
        format_field.choices = [
            (value, label)
            for value, label in Program.Format.choices
            if value in Program.AVAILABLE_FORMATS
        ]
        partners = self.fields["partner_organizations"]
        assert isinstance(partners, forms.ModelMultipleChoiceField)
        partners.queryset = organization.partners.order_by("name")
        if not partners.queryset.exists():
            partners.help_text = (
                "Your organization has no partner organizations yet; site staff record a "
                "partnership once both organizations agree."
            )
        if self.instance.pk:
            partners.initial = list(self.instance.partner_organizations.all())


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="E-mail addresses",
        help_text="One per line, or separated by commas. Each person gets their own link.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(",", "\n").split()
        validator = forms.EmailField()
        emails: list[str] = []
        bad: list[str] = []
        for item in raw:
            try:
                emails.append(validator.clean(item).lower())
            except forms.ValidationError:
                bad.append(item)
        if bad:
            raise forms.ValidationError(f"These are not e-mail addresses: {', '.join(bad)}")
        if len(emails) > 200:
            raise forms.ValidationError("Invite at most 200 people at a time.")
        return sorted(set(emails))


class TopicForm(forms.Form):
    name = forms.CharField(max_length=80)
    category = forms.CharField(
        max_length=60, required=False, help_text="Topics are grouped by category in profiles."
    )
    synonyms = forms.CharField(
        required=False,
        max_length=600,
        help_text="Other words people use for it, separated by commas. Search finds these.",
    )

    def clean_synonyms(self) -> list[str]:
        return [s for s in self.cleaned_data["synonyms"].split(",") if s.strip()]

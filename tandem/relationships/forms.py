import datetime
from typing import Any

from django import forms
from django.utils import timezone

from tandem.coaching.terms import COACHING_CHOICE_REASONS, COACHING_CHOICES
from tandem.core.submissions import submission_key_field
from tandem.policy.eligibility import focuses_taken
from tandem.programs.models import Cadence, Enrollment, MeetingMode, Topic
from tandem.programs.next_match import MAX_WORDS, NextMatchAsks
from tandem.relationships.models import Agreement, Concern, Relationship
from tandem.relationships.services import DECLINE_TEMPLATES

MESSAGE_GUIDANCE = (
    "A good first message says who you are, what you want help with and why this {giver}: "
    "something in their profile that made you think of them. Mention how often you hope to "
    "meet. Three or four sentences are plenty."
)


class RequestForm(forms.Form):
    focus = forms.ModelChoiceField(
        queryset=Topic.objects.none(), label="What is it about?", empty_label=None
    )
    message = forms.CharField(
        label="Your message",
        help_text=MESSAGE_GUIDANCE.format(giver="mentor"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 7}),
    )

    def __init__(self, *args: Any, mentee: Enrollment, mentor: Enrollment, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # Each mentor helps with a different focus: offer only those still without one.
        taken = focuses_taken(mentee)
        mine = [
            t.topic_id for t in mentee.topics.all() if t.kind == "focus" and t.topic_id not in taken
        ]
        theirs = {t.topic_id for t in mentor.topics.all() if t.kind == "expertise"}
        # Shared topics first: those are what this mentor can help with.
        ordered = sorted(mine, key=lambda pk: pk not in theirs)
        field = self.fields["focus"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Topic.objects.filter(pk__in=mine)
        if ordered:
            field.initial = ordered[0]
        givers = mentee.program.givers_noun
        field.help_text = f"One request is about one focus; you can have several {givers}."
        self.fields["message"].help_text = MESSAGE_GUIDANCE.format(giver=mentee.program.giver_noun)


class ReplyForm(forms.Form):
    TEMPLATE_CHOICES = [
        ("capacity", "My time is fully taken right now"),
        ("fit", "Someone else would help you more"),
        ("timing", "The timing does not work"),
        ("own", "I will write my own words"),
    ]
    decision = forms.ChoiceField(
        choices=[("accept", "Accept"), ("decline", "Decline")],
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose Accept or Decline.",
            "invalid_choice": "Choose Accept or Decline.",
        },
    )
    template = forms.ChoiceField(
        choices=TEMPLATE_CHOICES, required=False, widget=forms.RadioSelect, label="A kind answer"
    )
    reply = forms.CharField(
        label="Your words to them",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When you accept, a line of welcome. When you decline, they read this, "
        "never a bare “no”.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        template = cleaned.get("template")
        if cleaned.get("decision") == "decline" and not cleaned.get("reply") and template:
            cleaned["reply"] = DECLINE_TEMPLATES.get(template, "")
        return cleaned


class AgreementForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(
        choices=MeetingMode.choices,
        widget=forms.CheckboxSelectMultiple,
        label="How you will meet and talk",
    )

    class Meta:
        model = Agreement
        fields = list(Agreement.TERMS)
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 3}),
            "topics_welcome": forms.Textarea(attrs={"rows": 2}),
            "topics_off_limits": forms.Textarea(attrs={"rows": 2}),
            "confidentiality": forms.Textarea(attrs={"rows": 2}),
            "accountability": forms.Textarea(attrs={"rows": 2}),
            "derailers": forms.Textarea(attrs={"rows": 2}),
            "exit_clause": forms.Textarea(attrs={"rows": 2}),
            "setting": forms.RadioSelect,
            "introductions": forms.RadioSelect,
            "personal_sharing": forms.RadioSelect,
            "review_on": forms.DateInput(attrs={"type": "date"}),
        }
        labels = {
            "goals": "What we are working towards",
            "topics_welcome": "Topics welcome",
            "topics_off_limits": "Topics off-limits",
            "setting": "Where we meet",
            "cadence": "How often",
            "meeting_minutes": "How long (minutes)",
            "texting_ok": "Texting each other is fine",
            "response_time": "How quickly we answer messages",
            "introductions": "Introductions to contacts",
            "personal_sharing": "How much personal life we share",
            "confidentiality": "Confidentiality, and its exceptions",
            "accountability": "How the mentee wants to be held accountable",
            "derailers": "What could derail this, and what we will do then",
            "review_on": "When we review this agreement",
            "exit_clause": "Ending without blame",
        }
        help_texts = {
            "accountability": "For example: “ask me at the start of each meeting what I did "
            "about last time's commitments”.",
            "derailers": "Busy seasons, cancelled meetings, a topic that gets heated: say now "
            "how you will handle it.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.relationship.program.is_coaching:
            self._as_coaching()

    def _as_coaching(self) -> None:
        """Speak of the client and of scope, and offer only the choices coaching takes."""
        self.fields["accountability"].label = "How the client wants to be held accountable"
        self.fields["topics_off_limits"].label = "Topics out of scope"
        for term, allowed in COACHING_CHOICES.items():
            field = self.fields[term]
            assert isinstance(field, forms.ChoiceField)
            field.choices = list(allowed.items())
            field.help_text = COACHING_CHOICE_REASONS[term]


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your own time zone.",
    )
    duration_minutes = forms.IntegerField(label="Minutes", min_value=10, max_value=240)
    mode = forms.ChoiceField(choices=MeetingMode.choices, label="How")
    agenda = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Shared agenda",
        max_length=5000,
    )
    submission_key = submission_key_field()


class RescheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="When",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="In your own time zone.",
    )
    duration_minutes = forms.IntegerField(label="Minutes", min_value=10, max_value=240)
    mode = forms.ChoiceField(choices=MeetingMode.choices, label="How")


class NotesForm(forms.Form):
    agenda = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Shared agenda",
        max_length=5000,
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Shared notes",
        max_length=20000,
        help_text="Both of you can edit these notes.",
    )


class CommitmentForm(forms.Form):
    text = forms.CharField(label="I will…", max_length=300)
    due_on = forms.DateField(label="by", widget=forms.DateInput(attrs={"type": "date"}))
    submission_key = submission_key_field()

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=7)


SCALE = [(str(n), str(n)) for n in range(1, 6)]


class CheckInForm(forms.Form):
    going = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        label="How is it going? (1 not well, 5 very well)",
    )
    meeting_goals = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        label="Is it helping with your goals? (1 not at all, 5 very much)",
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="Anything to add? (only you see this)",
    )


class PauseForm(forms.Form):
    until = forms.DateField(
        required=False,
        label="Back on (optional)",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty if you do not know yet.",
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        choices=[
            (v, label)
            for v, label in Relationship.CloseReason.choices
            if v in ("completed", "not_a_fit", "other")
        ],
        widget=forms.RadioSelect,
        label="Why are you closing?",
    )
    private_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="A private note (optional)",
        help_text="Kept in your journal. Your partner and the admins never see it.",
    )
    message = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        label="A message to your partner (optional)",
        help_text="If you are the mentee, your mentor also keeps these words on their impact "
        "page, without your name; you can take them back at any time.",
    )


class ConcernForm(forms.Form):
    kind = forms.ChoiceField(
        required=False,
        choices=Concern.Kind.choices,
        initial=Concern.Kind.GENERAL,
        widget=forms.RadioSelect,
        label="What is it about?",
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        label="What happened?",
        help_text="Only the program admins read this. Your partner is not told that you "
        "raised it, unless the admins decide it is needed and tell you first.",
    )
    submission_key = submission_key_field()

    def clean_kind(self) -> str:
        return self.cleaned_data.get("kind") or Concern.Kind.GENERAL


class ConcernUpdateForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("open", "Received"), ("in_review", "Being looked at"), ("resolved", "Resolved")]
    )
    response = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What to tell the person who raised it",
    )
    name_reporter = forms.BooleanField(
        required=False, label="Tell the partner who raised this concern"
    )


class ReflectionForm(forms.Form):
    keep = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What worked, that you want to keep?",
    )
    different = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="What should be different next time?"
    )
    my_part = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What could you do differently yourself?",
    )
    share_with_next = forms.BooleanField(
        required=False,
        label="Share this reflection with my next mentor",
        help_text="Being open about what did not work helps a new relationship start well.",
    )
    share_keep_with_mentor = forms.BooleanField(
        required=False,
        label="Tell the mentor you are leaving what worked",
        help_text="Only your answer to the first question is shown to them, on their impact "
        "page; you can take it back at any time.",
    )


class JournalForm(forms.Form):
    title = forms.CharField(required=False, max_length=140)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Your reflection",
        help_text="Private: only you can ever read this.",
    )
    relationship = forms.ModelChoiceField(
        queryset=Relationship.objects.none(),
        required=False,
        label="About a relationship (optional)",
    )
    enrollment = forms.ModelChoiceField(
        queryset=Enrollment.objects.none(),
        required=False,
        label="About my goals in a program (optional)",
    )
    submission_key = submission_key_field()

    def __init__(self, *args: Any, relationships: Any, enrollments: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["relationship"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = relationships
        goals = self.fields["enrollment"]
        assert isinstance(goals, forms.ModelChoiceField)
        goals.queryset = enrollments


class ProposalAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.HiddenInput,
        error_messages={"required": "Answer yes or no.", "invalid_choice": "Answer yes or no."},
    )
    private_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="If you say no: why? (optional, private)",
        help_text="Only you see this. It helps you, and it is never shown to the other person.",
    )


GAP_CHOICES = [
    ("", "No limit"),
    ("0", "In my time zone"),
    ("1", "Within 1 hour of mine"),
    ("2", "Within 2 hours of mine"),
    ("3", "Within 3 hours of mine"),
    ("4", "Within 4 hours of mine"),
    ("6", "Within 6 hours of mine"),
]
LEVEL_CHOICES = [("", "No minimum"), ("2", "Solid experience"), ("3", "Deep expertise")]


class NextMatchForm(forms.Form):
    """The asks for the next match: firm ones exclude mentors, soft ones rank them."""

    outside_own_department = forms.BooleanField(required=False)
    outside_departments = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Only mentors outside"
    )
    max_time_zone_gap = forms.TypedChoiceField(
        choices=GAP_CHOICES,
        coerce=float,
        empty_value=None,
        required=False,
        label="Time zone",
    )
    experience_topic = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="More experience in"
    )
    experience_level = forms.TypedChoiceField(
        choices=LEVEL_CHOICES, coerce=int, empty_value=None, required=False, label="At least"
    )
    cadence = forms.ChoiceField(
        choices=[("", "No preference"), *Cadence.choices],
        required=False,
        label="How often you would like to meet",
    )
    words = forms.CharField(
        required=False,
        max_length=MAX_WORDS,
        label="Words to look for in a mentor's profile",
        help_text="For example: asks questions, practical examples.",
    )

    FIRM = (
        "outside_own_department",
        "outside_departments",
        "max_time_zone_gap",
        "experience_topic",
        "experience_level",
    )
    SOFT = ("cadence", "words")

    def __init__(
        self,
        *args: Any,
        own_department: str | None,
        departments: list[str],
        topics: list[tuple[int, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        if own_department:
            self.fields[
                "outside_own_department"
            ].label = f"Only mentors outside my department ({own_department})"
        else:
            del self.fields["outside_own_department"]
        others = self.fields["outside_departments"]
        if departments:
            assert isinstance(others, forms.MultipleChoiceField)
            others.choices = [(name, name) for name in departments]
        else:
            del self.fields["outside_departments"]
        topic = self.fields["experience_topic"]
        assert isinstance(topic, forms.TypedChoiceField)
        topic.choices = [("", "No topic"), *((str(pk), name) for pk, name in topics)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("experience_level") and not data.get("experience_topic"):
            self.add_error("experience_topic", "Choose the topic you want more experience in.")
        return data

    def firm_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FIRM if name in self.fields]

    def soft_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SOFT]

    def asks(self) -> NextMatchAsks:
        data = self.cleaned_data
        topic, level = data.get("experience_topic"), data.get("experience_level")
        return NextMatchAsks(
            outside_own_department=bool(data.get("outside_own_department")),
            outside_departments=tuple(data.get("outside_departments") or ()),
            max_time_zone_gap=data.get("max_time_zone_gap"),
            cadence=data.get("cadence") or "",
            words=(data.get("words") or "").strip(),
            min_expertise={topic: level} if topic and level else {},
        )

    @staticmethod
    def initial_for(asks: NextMatchAsks) -> dict[str, Any]:
        """Return the form's starting values for these asks."""
        topic, level = next(iter(sorted(asks.min_expertise.items())), (None, None))
        gap = asks.max_time_zone_gap
        return {
            "outside_own_department": asks.outside_own_department,
            "outside_departments": list(asks.outside_departments),
            "max_time_zone_gap": "" if gap is None else f"{gap:g}",
            "experience_topic": "" if topic is None else str(topic),
            "experience_level": "" if level is None else str(level),
            "cadence": asks.cadence,
            "words": asks.words,
        }

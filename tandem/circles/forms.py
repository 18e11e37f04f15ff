"""The forms of a circle's pages: sessions, agreement, check-ins, forming, joining, leaving."""

from typing import Any

from django import forms

from tandem.accounts.time_zones import time_zone_choices
from tandem.circles.models import (
    Circle,
    CircleAgreement,
    CircleCommitment,
    CircleMembership,
    Weekday,
)
from tandem.circles.services.agreements import review_date_check
from tandem.circles.services.commitments import TEXT_MAX as COMMITMENT_MAX
from tandem.circles.services.sessions import MAX_PLANNED, NOTES_MAX, QUESTION_MAX
from tandem.core.errors import DomainError
from tandem.policy.eligibility import circle_place_takers
from tandem.programs.models import Enrollment, MeetingMode
from tandem.programs.services import HOURS_PER_WEEK
from tandem.relationships.forms import SCALE, AgreementForm

FOLLOW_UP_NOTE_MAX = 2_000


class SessionsPlanForm(forms.Form):
    count = forms.IntegerField(
        label="How many sessions", min_value=1, max_value=MAX_PLANNED, initial=4
    )


class QuestionForm(forms.Form):
    # The session page holds several forms with a "text" field: ids must differ.
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["auto_id"] = "question_%s"
        super().__init__(*args, **kwargs)

    text = forms.CharField(
        label="What you want to bring",
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A question, a decision or a problem. The hot seats' come first.",
    )


class NotesForm(forms.Form):
    notes = forms.CharField(
        label="What we said and decided",
        required=False,
        strip=False,
        max_length=NOTES_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Every member can edit them. Saving replaces what was there.",
    )


class AbsenceForm(forms.Form):
    note = forms.CharField(label="A word to the circle (optional)", required=False, max_length=300)


class CommitmentForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["auto_id"] = "commitment_%s"
        super().__init__(*args, **kwargs)

    text = forms.CharField(label="By next session I will…", max_length=COMMITMENT_MAX)


class FollowUpForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it go?",
        widget=forms.RadioSelect,
        choices=[
            (CircleCommitment.State.DONE, "Done"),
            (CircleCommitment.State.NOT_DONE, "Not done"),
            (CircleCommitment.State.CARRIED, "Still to do: carry it to the next session"),
        ],
    )
    note = forms.CharField(
        label="What happened (optional)",
        required=False,
        max_length=FOLLOW_UP_NOTE_MAX,
        help_text="Partly done? Say how far you got.",
    )


class SwapOfferForm(forms.Form):
    to = forms.ChoiceField(label="Offer my seat to")

    def __init__(self, *args: object, members: list[CircleMembership], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Any member who may take it"),
            *((str(m.pk), m.enrollment.user.display_name) for m in members),
        ]
        field.required = False
        self.members = {m.pk: m for m in members}

    def clean_to(self) -> CircleMembership | None:
        value = self.cleaned_data["to"]
        return self.members[int(value)] if value else None


# How the rhythm reads in every form that sets one: forming a circle, and its agreement.
RHYTHM_WIDGETS: dict[str, Any] = {
    "local_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    "hot_seats_per_session": forms.RadioSelect,
}
RHYTHM_LABELS = {
    "cadence_weeks": "Weeks between sessions",
    "weekday": "On which day",
    "local_time": "At what time",
    "time_zone": "In which time zone",
    "session_minutes": "How long (minutes)",
    "hot_seats_per_session": "Hot seats in each session",
}
RHYTHM_HELP = {
    "cadence_weeks": "1 to meet every week, 2 for every other week; at most 4.",
    "weekday": "Leave the day and the time empty until you settle them together.",
}
# The terms a circle's agreement shares with a pair's read and are entered the same way.
_SHARED_TERMS = (
    "topics_welcome",
    "topics_off_limits",
    "confidentiality",
    "accountability",
    "derailers",
    "review_on",
    "exit_clause",
)


class RhythmFields(forms.ModelForm):
    """The rhythm fields, with the day optional and the zone chosen from the list."""

    time_zone = forms.ChoiceField(choices=time_zone_choices, label=RHYTHM_LABELS["time_zone"])
    hot_seats_per_session = forms.TypedChoiceField(
        choices=[(1, "One"), (2, "Two")],
        coerce=int,
        initial=1,
        widget=forms.RadioSelect,
        label=RHYTHM_LABELS["hot_seats_per_session"],
    )
    weekday = forms.TypedChoiceField(
        choices=[("", "Not settled yet"), *Weekday.choices],
        coerce=int,
        empty_value=None,
        required=False,
        label=RHYTHM_LABELS["weekday"],
        help_text=RHYTHM_HELP["weekday"],
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (cleaned.get("weekday") is None) != (cleaned.get("local_time") is None) and not (
            self.has_error("weekday") or self.has_error("local_time")
        ):
            self.add_error("local_time", "Give both a day and a time, or neither.")
        return cleaned


class CircleFormForm(RhythmFields):
    """A member forms a circle of their own: a name and the rhythm it hopes to keep."""

    class Meta:
        model = Circle
        fields = ["name", *Circle.RHYTHM_FIELDS]
        widgets = RHYTHM_WIDGETS
        labels = {"name": "Name of the circle", **RHYTHM_LABELS}
        help_texts = {
            "name": "Something the members will recognise, such as “Tuesday leads”.",
            **RHYTHM_HELP,
        }


class CircleAgreementForm(RhythmFields):
    """Every term of a circle's agreement, written by its members."""

    channels = forms.MultipleChoiceField(
        choices=MeetingMode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="How we meet and talk",
    )

    class Meta:
        model = CircleAgreement
        fields = list(CircleAgreement.TERMS)
        widgets = {
            **{term: AgreementForm.Meta.widgets[term] for term in _SHARED_TERMS},
            **RHYTHM_WIDGETS,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "confidentiality": forms.Textarea(attrs={"rows": 3}),
            "attendance": forms.Textarea(attrs={"rows": 3}),
            "hot_seat": forms.Textarea(attrs={"rows": 3}),
            "exit_clause": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            **{term: AgreementForm.Meta.labels[term] for term in _SHARED_TERMS},
            **RHYTHM_LABELS,
            "purpose": "What the circle is for",
            "attendance": "Coming to sessions",
            "hot_seat": "How the hot seat works",
            "accountability": "How we follow up what each of us says we will do",
            "exit_clause": "Leaving gracefully",
        }
        help_texts = {
            **RHYTHM_HELP,
            "purpose": "In the members' words: what you come together for.",
            "confidentiality": "What stays in the circle, and what that means here.",
            "attendance": "Saying in advance when one cannot come, and what happens then.",
            "hot_seat": "Turns, swaps, and how long each hot seat has.",
            "exit_clause": "",
            "accountability": "For example: “ask at the start of each session what we did about "
            "last time's commitments”.",
            "derailers": AgreementForm.Meta.help_texts["derailers"],
        }

    def clean_review_on(self) -> Any:
        review_on = self.cleaned_data["review_on"]
        # The service's rule, shown next to the field with the form's other problems.
        try:
            review_date_check(review_on)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        return review_on


class CheckInForm(forms.Form):
    score = forms.TypedChoiceField(
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
        label="How is the circle going for you? (1 not well, 5 very well)",
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything to add? (only you see this)",
    )


class LeaveForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A word to the circle (optional)",
        help_text="The members read it on the circle's page. You can leave without one.",
    )


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Circle.CloseReason.choices, widget=forms.RadioSelect, label="Why it closes"
    )
    note = forms.CharField(
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="A word to the members (optional)",
    )


# Who is not offered a place: anyone in the circle or waiting on it, and anyone who
# declined it or whose request it turned down.
_HERE = [*CircleMembership.LIVE, CircleMembership.State.DECLINED]


class FullNameChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Enrollment) -> str:
        return obj.user.full_name or obj.user.display_name


class ReplacementForm(forms.Form):
    """Choose someone the circle may take, by full name, to offer a place to.

    Only people the eligibility policy would let take a place (``circle_place_takers``),
    not in the circle and not turned down by it or turning it down: the pair rules with its
    members are asked when the admin chooses.
    """

    enrollment = FullNameChoiceField(
        queryset=Enrollment.objects.none(),
        label="Who to invite",
        empty_label="Choose a person",
        help_text="They are asked whether they want to join; the program's rules are checked.",
    )

    def __init__(self, *args: Any, circle: Circle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["enrollment"]
        assert isinstance(field, forms.ModelChoiceField)
        candidates = (
            Enrollment.objects.filter(program=circle.program, status=Enrollment.Status.ACTIVE)
            .exclude(pk__in=circle.memberships.filter(state__in=_HERE).values("enrollment"))
            .select_related("user")
            .order_by("user__full_name", "pk")
        )
        takers = circle_place_takers(circle.program, list(candidates))
        field.queryset = candidates.filter(pk__in=[e.pk for e in takers])


def _hour_label(hour: int) -> str:
    return f"{Weekday(hour // 24).label} {hour % 24:02d}:00"


class FreeHoursForm(forms.Form):
    """The hours of the week, in one's own time, when one is free to meet a circle."""

    hours = forms.TypedMultipleChoiceField(
        choices=[(str(hour), _hour_label(hour)) for hour in range(HOURS_PER_WEEK)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="When you are free",
    )


def free_hours_grid(selected: set[int]) -> list[tuple[str, list[tuple[int, str, bool]]]]:
    """Return the week as rows of one hour each: (hour, [(value, label, checked)] per day)."""
    return [
        (
            f"{hour:02d}:00",
            [
                (day * 24 + hour, _hour_label(day * 24 + hour), day * 24 + hour in selected)
                for day in range(7)
            ],
        )
        for hour in range(24)
    ]

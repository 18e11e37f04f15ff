"""Forms of an engagement's sessions: each field labelled, each limit stated."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone

from tandem.coaching.models import PROGRESS_MOST, Objective
from tandem.coaching.services.sessions import (
    NOTE_LONGEST,
    OUTCOME_LONGEST,
    SESSION_LONGEST,
    SESSION_SHORTEST,
    SUMMARY_LONGEST,
)
from tandem.core.submissions import submission_key_field

_DATE = {"type": "date"}


def _duration_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Minutes",
        min_value=SESSION_SHORTEST,
        max_value=SESSION_LONGEST,
        initial=60,
        help_text=f"How long it lasted, {SESSION_SHORTEST} to {SESSION_LONGEST} minutes.",
    )


class SessionLogForm(forms.Form):
    day = forms.DateField(label="Date", widget=forms.DateInput(attrs=_DATE))
    start = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text="In your own time zone.",
    )
    duration_minutes = _duration_field()
    notes = forms.CharField(
        required=False,
        max_length=NOTE_LONGEST,
        label="Shared notes",
        help_text="Both of you can read and edit these.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    submission_key = submission_key_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["day"].initial = timezone.localdate()

    def starts_at(self) -> datetime.datetime:
        """Return the start on the person's own clock (the zone their pages use)."""
        naive = datetime.datetime.combine(self.cleaned_data["day"], self.cleaned_data["start"])
        return timezone.make_aware(naive, timezone.get_current_timezone())


class MarkHeldForm(forms.Form):
    duration_minutes = _duration_field()


class SharedNotesForm(forms.Form):
    notes = forms.CharField(
        required=False,
        max_length=NOTE_LONGEST,
        label="What you both want to remember",
        help_text="Both of you can read and edit these.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class SessionNoteForm(forms.Form):
    body = forms.CharField(
        required=False,
        max_length=NOTE_LONGEST,
        label="Your private note",
        help_text="Leave it empty to remove it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _progress_field(label: str, **kwargs: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        choices=[(str(n), str(n)) for n in range(PROGRESS_MOST + 1)],
        coerce=int,
        label=label,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
        **kwargs,
    )


class RatingsForm(forms.Form):
    """One rating of progress per objective, from 0 (not started) to 10 (achieved)."""

    def __init__(
        self, *args: Any, objectives: list[Objective], current: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for objective in objectives:
            self.fields[f"objective_{objective.pk}"] = _progress_field(
                objective.text,
                required=False,
                initial=current.get(objective.pk),
                help_text=f"0 not started, {PROGRESS_MOST} achieved. Measure: {objective.measure}",
            )

    def ratings(self) -> dict[int, int]:
        return {
            o.pk: self.cleaned_data[f"objective_{o.pk}"]
            for o in self.objectives
            if self.cleaned_data.get(f"objective_{o.pk}") not in (None, "")
        }


class AssignmentForm(forms.Form):
    text = forms.CharField(label="Assignment", max_length=300)
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs=_DATE))
    submission_key = submission_key_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].initial = timezone.localdate() + datetime.timedelta(days=7)


class AssignmentDoneForm(forms.Form):
    note = forms.CharField(
        required=False,
        max_length=NOTE_LONGEST,
        label="A word to your coach",
        help_text="What you did and what you noticed. Your coach reads it.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ClosingReviewForm(forms.Form):
    summary = forms.CharField(
        max_length=SUMMARY_LONGEST,
        label="What the coaching changed",
        help_text="Your coach reads this. Your sponsor sees only the ratings.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(
        self, *args: Any, objectives: list[Objective], closing: dict[int, int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        summary = self.fields.pop("summary")
        for objective in objectives:
            self.fields[f"objective_{objective.pk}"] = _progress_field(
                f"Closing rating: {objective.text}",
                initial=closing.get(objective.pk),
                help_text=f"0 not started, {PROGRESS_MOST} achieved. Measure: {objective.measure}",
            )
            self.fields[f"outcome_{objective.pk}"] = forms.CharField(
                required=False,
                max_length=OUTCOME_LONGEST,
                label=f"Outcome: {objective.text}",
                help_text="What actually happened.",
                initial=objective.outcome,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["summary"] = summary

    def ratings(self) -> dict[int, int]:
        return {o.pk: self.cleaned_data[f"objective_{o.pk}"] for o in self.objectives}

    def outcomes(self) -> dict[int, str]:
        return {o.pk: self.cleaned_data.get(f"outcome_{o.pk}", "") for o in self.objectives}

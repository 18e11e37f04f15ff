"""The forms of a circle's session pages: each one field or two, checked before the services."""

from typing import Any

from django import forms

from tandem.circles.models import CircleCommitment, CircleMembership
from tandem.circles.services.commitments import TEXT_MAX as COMMITMENT_MAX
from tandem.circles.services.sessions import MAX_PLANNED, NOTES_MAX, QUESTION_MAX

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

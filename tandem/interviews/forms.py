"""Forms of informational interviews: each field labelled, each limit stated."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import dateformat, timezone

from tandem.interviews.models import MAX_PER_MONTH, Interview, InterviewTime
from tandem.interviews.services import KIND_DECLINE
from tandem.interviews.services.after import MAX_NOTE
from tandem.interviews.services.asking import MAX_MESSAGE
from tandem.programs.models import Topic

_WHEN = {"type": "datetime-local"}
_FORMAT = "%Y-%m-%dT%H:%M"


class OfferForm(forms.Form):
    is_offering = forms.BooleanField(
        required=False,
        label="I offer informational interviews",
        help_text="People in this program can ask you for one conversation of 30 or 45 minutes.",
    )
    per_month = forms.IntegerField(
        label="How many a month",
        min_value=1,
        max_value=MAX_PER_MONTH,
        initial=2,
        help_text="Requests beyond this are declined for you, kindly, until next month.",
    )
    about = forms.CharField(
        required=False,
        max_length=300,
        label="What you are happy to talk about",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AskForm(forms.Form):
    topic = forms.ModelChoiceField(queryset=Topic.objects.none(), label="Topic")
    minutes = forms.TypedChoiceField(
        choices=Interview.Minutes.choices,
        coerce=int,
        label="How long",
        widget=forms.RadioSelect,
        initial=Interview.Minutes.SHORT,
    )
    message = forms.CharField(
        max_length=MAX_MESSAGE,
        label="A short message",
        help_text="Who you are and what you would like to learn. No expectations of more.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, topics: QuerySet[Topic], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = topics  # type: ignore[attr-defined]


class ProposeForm(forms.Form):
    time_1 = forms.DateTimeField(
        label="First time",
        widget=forms.DateTimeInput(attrs=_WHEN, format=_FORMAT),
        help_text="In your own time zone.",
    )
    time_2 = forms.DateTimeField(
        label="Second time", widget=forms.DateTimeInput(attrs=_WHEN, format=_FORMAT)
    )
    time_3 = forms.DateTimeField(
        required=False,
        label="Third time (optional)",
        widget=forms.DateTimeInput(attrs=_WHEN, format=_FORMAT),
    )

    def times(self) -> list[Any]:
        return [
            self.cleaned_data[name]
            for name in ("time_1", "time_2", "time_3")
            if self.cleaned_data.get(name)
        ]


class PickForm(forms.Form):
    time = forms.ModelChoiceField(
        queryset=InterviewTime.objects.none(),
        label="Pick a time",
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, interview: Interview, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time"]
        field.queryset = interview.times.all()  # type: ignore[attr-defined]
        # Each time on the reader's clock: the zone their pages use is the active one.
        field.label_from_instance = lambda t: dateformat.format(  # type: ignore[attr-defined]
            timezone.localtime(t.starts_at), "l j F, H:i"
        )


class DeclineForm(forms.Form):
    reply = forms.CharField(
        required=False,
        max_length=MAX_MESSAGE,
        label="Your words to them",
        help_text="No reason needed. Leave it as it is, or write your own.",
        initial=KIND_DECLINE,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_NOTE,
        label="Your private notes",
        help_text="Only you can read them.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    share_if_continuing = forms.BooleanField(
        required=False,
        label="Share these notes if we both decide to continue",
        help_text="They would start your mentoring agreement's goals.",
    )


class ContinueForm(forms.Form):
    continues = forms.TypedChoiceField(
        choices=[("yes", "Yes, I would like to continue"), ("no", "No, thank you")],
        coerce=lambda value: value == "yes",
        label="Would you like to continue as a mentoring relationship?",
        help_text="Your answer is private. Only if you both say yes is a relationship proposed.",
        widget=forms.RadioSelect,
    )

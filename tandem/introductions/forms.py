"""Forms of warm introductions: each field labelled, each limit stated."""

from typing import Any

from django import forms
from django.db.models import QuerySet

from tandem.core.http import id_from
from tandem.introductions.models import MAX_NEED, MAX_NOTE
from tandem.programs.models import Enrollment


class PersonField(forms.ModelChoiceField):
    """A choice of one person by id, refusing what no id column could hold."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if id_from(str(value)) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj: Enrollment) -> str:
        title = obj.membership.title if obj.membership else ""
        return f"{obj.user.full_name}, {title}" if title else obj.user.full_name


class AskForm(forms.Form):
    need = forms.CharField(
        max_length=MAX_NEED,
        label="Who might help you with what?",
        help_text="A few words your colleague can act on, such as “someone who has run a "
        "budget hearing”.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search by name")


class SuggestForm(forms.Form):
    person = PersonField(
        queryset=Enrollment.objects.none(),
        label="Who to suggest",
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="They are asked first. The asker learns nothing of them unless they agree.",
    )
    note = forms.CharField(
        max_length=MAX_NOTE,
        label="Your note to them",
        help_text="Why this introduction might help them both. Both will read it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, people: QuerySet[Enrollment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people


class AnswerForm(forms.Form):
    agrees = forms.TypedChoiceField(
        choices=[("yes", "Yes, introduce us"), ("no", "Not this time")],
        coerce=lambda value: value == "yes",
        label="Would you like to be introduced?",
        widget=forms.RadioSelect,
    )

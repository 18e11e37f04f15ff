from typing import Any

from django import forms

from tandem.programs.models import Enrollment


class CoachField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.full_name or obj.user.email)


class CoachChoiceForm(forms.Form):
    """Which coach of the program to propose to a client next."""

    coach = CoachField(
        queryset=Enrollment.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        label="Coach to propose",
        error_messages={"invalid_choice": "Choose one of the coaches listed."},
    )

    def __init__(self, *args: Any, coaches: list[Enrollment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["coach"]
        assert isinstance(field, CoachField)
        field.queryset = Enrollment.objects.filter(pk__in=[c.pk for c in coaches]).select_related(
            "user"
        )

"""Forms of the structure pages: departments, partners, program runners."""

from typing import Any

from django import forms

from tandem.accounts.models import Department


class DepartmentForm(forms.Form):
    name = forms.CharField(label="Name", max_length=120)


class DepartmentDeleteForm(forms.Form):
    """Where the department's members go before it is removed."""

    move_to = forms.ModelChoiceField(
        label="Move its members to",
        queryset=Department.objects.none(),
        required=False,
        empty_label="Choose a department",
    )

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        move_to = self.fields["move_to"]
        assert isinstance(move_to, forms.ModelChoiceField)
        move_to.queryset = department.organization.departments.exclude(pk=department.pk)


class PartnershipProposeForm(forms.Form):
    organization = forms.CharField(
        label="Organization",
        max_length=150,
        help_text="Its name or short name, exactly as its admins see it.",
    )
    message = forms.CharField(
        label="A note to its admins",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RunnerSearchForm(forms.Form):
    q = forms.CharField(label="Find a member by name or e-mail", max_length=100)

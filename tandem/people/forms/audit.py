"""Filters of the audit trail and the security log."""

from django import forms

from tandem.accounts.models import Organization, User
from tandem.people.selectors.audit import KIND_CHOICES
from tandem.security.models import SecurityEvent


class AuditFilterForm(forms.Form):
    """Which kind of object, and whose changes, read from the query string."""

    kind = forms.ChoiceField(
        label="Kind of object", required=False, choices=[("", "Everything"), *KIND_CHOICES]
    )
    person = forms.EmailField(
        label="Person's e-mail",
        required=False,
        help_text="Changes made by this person, and changes to their membership.",
    )
    # Set by the links of the imports list: only the rows one import wrote.
    reason = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)

    def __init__(self, *args: object, organization: Organization, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.organization = organization

    def clean_person(self) -> User | None:
        email = self.cleaned_data.get("person") or ""
        if not email:
            return None
        person = User.objects.filter(
            email__iexact=email, memberships__organization=self.organization
        ).first()
        if person is None:
            raise forms.ValidationError("Nobody in your organization has this address.")
        return person

    def filters(self) -> tuple[str, User | None, str]:
        if not self.is_valid():
            return "", None, ""
        return self.cleaned_data["kind"], self.cleaned_data["person"], self.cleaned_data["reason"]


class SecurityFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label="Event", required=False, choices=[("", "Every event"), *SecurityEvent.Kind.choices]
    )

    def kind_filter(self) -> str:
        return self.cleaned_data["kind"] if self.is_valid() else ""

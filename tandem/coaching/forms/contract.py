"""Forms of the contract page and of the coach's profile."""

from decimal import Decimal
from typing import Any

from django import forms

from tandem.coaching.models import HOURS_MOST, SESSIONS_MOST, CoachProfile, Engagement, Objective


class TermsForm(forms.Form):
    sessions_contracted = forms.IntegerField(label="Sessions", min_value=1, max_value=SESSIONS_MOST)
    hours_contracted = forms.DecimalField(
        label="Hours",
        min_value=Decimal("0.5"),
        max_value=HOURS_MOST,
        max_digits=5,
        decimal_places=1,
        help_text="All sessions together, in hours (halves allowed, e.g. 7.5).",
    )
    starts_on = forms.DateField(label="Starts", widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label="Ends", widget=forms.DateInput(attrs={"type": "date"}))
    paid_by = forms.ChoiceField(
        label="Who pays", choices=Engagement.Payer.choices, widget=forms.RadioSelect
    )
    budget_code = forms.CharField(
        label="Budget code",
        max_length=40,
        required=False,
        help_text="The cost centre or purchase order the hours are booked to, if any.",
    )
    sponsor = forms.CharField(
        label="Sponsor (optional)",
        max_length=254,
        required=False,
        help_text=(
            "A manager or someone in HR, by work e-mail address. A sponsor sees hours "
            "and objective ratings in aggregate, never notes or what is said in a session."
        ),
    )

    @classmethod
    def initial_for(cls, engagement: Engagement) -> dict[str, Any]:
        return {
            "sessions_contracted": engagement.sessions_contracted,
            "hours_contracted": engagement.hours_contracted,
            "starts_on": engagement.starts_on,
            "ends_on": engagement.ends_on,
            "paid_by": engagement.paid_by,
            "budget_code": engagement.budget_code,
            "sponsor": engagement.sponsor.email if engagement.sponsor else "",
        }


class ObjectiveForm(forms.Form):
    text = forms.CharField(
        label="Objective",
        max_length=200,
        help_text="Specific: what will be different, e.g. “Run meetings that end in decisions”.",
    )
    measure = forms.CharField(
        label="Measure",
        max_length=200,
        help_text="How both of you will know it happened, e.g. “Four meetings in a row …”.",
    )

    def __init__(self, *args: Any, compact: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if compact:
            # An objective already written needs no example under each of its fields.
            for field in self.fields.values():
                field.help_text = ""

    @classmethod
    def initial_for(cls, objective: Objective) -> dict[str, Any]:
        return {"text": objective.text, "measure": objective.measure}


class CoachProfileForm(forms.ModelForm):
    hourly_rate = forms.DecimalField(
        label="Hourly rate",
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        help_text="External coaches: what the organization pays per hour.",
    )
    currency = forms.CharField(
        label="Currency",
        required=False,
        max_length=3,
        help_text="The rate's three-letter code, e.g. EUR, USD, GBP.",
    )
    hours_per_client = forms.DecimalField(
        label="Hours per client",
        required=False,
        min_value=Decimal("0.5"),
        max_value=HOURS_MOST,
        max_digits=5,
        decimal_places=1,
        help_text="Internal coaches: the hours the program allocates to each client.",
    )

    class Meta:
        model = CoachProfile
        fields = [
            "kind",
            "credentials",
            "approach",
            "hourly_rate",
            "currency",
            "hours_per_client",
            "availability",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "credentials": forms.Textarea(attrs={"rows": 3}),
            "approach": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"kind": "How you coach here"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("credentials", "approach"):
            field = self.fields[name]
            assert isinstance(field, forms.CharField)
            field.max_length = 2000
            field.widget.attrs["maxlength"] = "2000"

from typing import Any

from django import forms

from tandem.matching.circle_selectors import CircleFilters
from tandem.matching.models import MatchingRound
from tandem.matching.selectors import ReviewFilters
from tandem.matching.services import DEFAULT_WEIGHTS, WEIGHT_LABELS


class RoundForm(forms.Form):
    name = forms.CharField(max_length=120, initial="Spring round")
    solver = forms.ChoiceField(
        choices=MatchingRound.Solver.choices,
        widget=forms.RadioSelect,
        initial=MatchingRound.Solver.OPTIMAL,
        help_text="Best total fit usually matches more people. Stable guarantees that no "
        "mentee and mentor would both rather be with each other than with their match; it "
        "typically reaches 94 to 97 % of the best total and matches a few fewer people.",
    )
    participation_first = forms.BooleanField(
        required=False,
        initial=True,
        label="Match as many people as possible first",
    )
    not_same_department = forms.BooleanField(required=False, label="Never from the same department")
    same_language = forms.BooleanField(required=False, label="Must share a language")
    same_location = forms.BooleanField(
        required=False, label="Must share a location (for in-person programs)"
    )
    max_utc_gap_hours = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=24,
        label="Largest time-zone gap (hours)",
        help_text="Leave empty for no limit.",
    )
    seed = forms.IntegerField(
        min_value=1,
        max_value=10**6,
        initial=1,
        help_text="The same seed and inputs always give the same result.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, value in DEFAULT_WEIGHTS.items():
            self.fields[f"w_{key}"] = forms.FloatField(
                label=WEIGHT_LABELS[key],
                min_value=0,
                max_value=1,
                initial=value,
                widget=forms.NumberInput(attrs={"step": "0.05"}),
            )

    def weights(self) -> dict[str, float]:
        return {key: self.cleaned_data[f"w_{key}"] for key in DEFAULT_WEIGHTS}

    def rules(self) -> dict[str, object]:
        rules: dict[str, object] = {
            key: self.cleaned_data[key]
            for key in ("not_same_department", "same_language", "same_location")
        }
        if self.cleaned_data.get("max_utc_gap_hours") is not None:
            rules["max_utc_gap_hours"] = float(self.cleaned_data["max_utc_gap_hours"])
        return rules


class ReviewForm(forms.Form):
    """The review page's query string; a value it does not understand falls back to the default."""

    show = forms.ChoiceField(
        required=False, choices=[("pairs", "Pairs"), ("unmatched", "Not matched")]
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[
            ("score", "Best fit first"),
            ("score_low", "Lowest fit first"),
            ("mentee", "Mentee's name"),
            ("mentor", "Mentor's name"),
            ("department", "Mentee's department"),
        ],
    )
    department = forms.IntegerField(required=False, min_value=1, max_value=10**18 - 1)
    flag = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All pairs"),
            ("low", "Low fit (under 50%)"),
            ("locked", "Locked"),
            ("same_department", "Both in one department"),
        ],
    )

    def filters(self) -> ReviewFilters:
        self.is_valid()
        clean = self.cleaned_data
        return ReviewFilters(
            show=clean.get("show") or "pairs",
            sort=clean.get("sort") or "score",
            department=clean.get("department"),
            flag=clean.get("flag") or "",
        )


class SwapSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True, label="Mentor's name")


class CircleRoundForm(forms.Form):
    """A circles round: the grouping engine's rules are the program's and the policy's."""

    name = forms.CharField(max_length=120, initial="Spring circles")
    seed = RoundForm.base_fields["seed"]


class CircleReviewForm(forms.Form):
    """A circles round's review query string; a value it does not understand is the default."""

    show = forms.ChoiceField(
        required=False, choices=[("circles", "Circles"), ("unplaced", "Not placed")]
    )
    sort = forms.ChoiceField(
        required=False,
        choices=[("fit", "Best fit first"), ("fit_low", "Lowest fit first"), ("name", "Name")],
    )
    flag = forms.ChoiceField(
        required=False,
        choices=[
            ("", "All circles"),
            ("low", "Low fit (under 50%)"),
            ("no_time", "No hour suits everyone"),
            ("locked", "Locked"),
            ("moved", "Changed by admins"),
        ],
    )
    q = forms.CharField(required=False, max_length=100, strip=True, label="Person or circle")

    def filters(self) -> CircleFilters:
        self.is_valid()
        clean = self.cleaned_data
        return CircleFilters(
            show=clean.get("show") or "circles",
            sort=clean.get("sort") or "fit",
            flag=clean.get("flag") or "",
            q=clean.get("q") or "",
        )


class PersonSearchForm(forms.Form):
    # Not "q": the review's own filter travels with the search to come back to it.
    name = forms.CharField(required=False, max_length=100, strip=True, label="Name")

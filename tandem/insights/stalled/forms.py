"""The stalled list's filters and the nudge buttons."""

from django import forms

from tandem.insights.models import Nudge
from tandem.insights.stalled.selectors import (
    DEFAULT_DAYS,
    DEFAULT_SORT,
    MAX_DAYS,
    MAX_WEEKS,
    Thresholds,
)

SORT_CHOICES = [
    ("waiting", "Waiting longest first"),
    ("recent", "Most recent first"),
    ("kind", "By kind"),
]


class StalledFilterForm(forms.Form):
    """How long counts as stalled, which kind, in what order; read from the query string."""

    weeks = forms.IntegerField(
        label="No meeting held for (weeks)",
        required=False,
        min_value=1,
        max_value=MAX_WEEKS,
        help_text="The default is three times the program's agreed rhythm.",
    )
    days = forms.IntegerField(
        label="Agreements and proposals waiting for (days)",
        required=False,
        min_value=1,
        max_value=MAX_DAYS,
    )
    kind = forms.ChoiceField(
        label="Show", required=False, choices=[("", "Everything"), *Nudge.Kind.choices]
    )
    sort = forms.ChoiceField(label="Order", required=False, choices=SORT_CHOICES)

    def __init__(self, *args: object, default_weeks: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.default_weeks = default_weeks
        self.fields["weeks"].widget.attrs["placeholder"] = str(default_weeks)
        self.fields["days"].widget.attrs["placeholder"] = str(DEFAULT_DAYS)

    def _value(self, name: str, default: object) -> object:
        # A bad value falls back to the default (the form shows why); good ones still apply.
        if not self.is_bound:
            return default
        self.is_valid()
        if name in self.errors:
            return default
        return self.cleaned_data.get(name) or default

    def thresholds(self) -> Thresholds:
        weeks = self._value("weeks", self.default_weeks)
        days = self._value("days", DEFAULT_DAYS)
        assert isinstance(weeks, int) and isinstance(days, int)
        return Thresholds(weeks=weeks, days=days)

    def kind_filter(self) -> str:
        return str(self._value("kind", ""))

    def sort_order(self) -> str:
        return str(self._value("sort", DEFAULT_SORT))


def parse_items(values: list[str]) -> list[tuple[str, int]]:
    """Read "kind:id" values from the nudge form; anything else is left out."""
    items = []
    for value in values:
        kind, _, raw_id = value.partition(":")
        if kind in Nudge.Kind.values and raw_id.isdigit() and len(raw_id) < 19:
            items.append((kind, int(raw_id)))
    return list(dict.fromkeys(items))

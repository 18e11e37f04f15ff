"""The forms an organization admin registers and changes a webhook endpoint with."""

from django import forms

from tandem.webhooks.models import Endpoint


class EndpointForm(forms.Form):
    url = forms.CharField(
        max_length=500,
        label="URL",
        help_text="The HTTPS address Tandem posts events to, such as "
        "https://hooks.example.com/tandem.",
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    description = forms.CharField(
        max_length=200,
        required=False,
        label="Description",
        help_text="What receives these events, for the people who manage them after you.",
    )
    events = forms.MultipleChoiceField(
        choices=Endpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        label="Events to send",
        error_messages={"required": "Choose at least one event to send."},
    )


class EndpointChangeForm(EndpointForm):
    enabled = forms.BooleanField(
        required=False,
        label="On",
        help_text="While it is off, Tandem sends nothing to this endpoint.",
    )

"""Form rendering shared by every app: one field layout with labels, hints and errors."""

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.forms.renderers import TemplatesSetting
from django.http import HttpRequest, QueryDict

from tandem.core.errors import DomainError

T = TypeVar("T")


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def posted(request: HttpRequest) -> QueryDict | None:
    """Return the POST data to bind a form to, or None on GET (even when the POST is empty)."""
    return request.POST if request.method == "POST" else None


def run_service(form: forms.BaseForm, service: Callable[..., T], **kwargs: Any) -> T | None:
    """Call a service; turn a DomainError into an error on the form and return None."""
    try:
        return service(**kwargs)
    except DomainError as error:
        field = error.field if error.field in form.fields else None
        form.add_error(field, error.message)
        return None


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id that refuses an id no database column could hold.

    SQLite cannot even bind an integer past 2**63 - 1, so such a value would end in a
    server error instead of "not one of the choices".
    """

    def clean(self, value: Any) -> Any:
        for item in value or []:
            text = str(item)
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text},
                )
        return super().clean(value)

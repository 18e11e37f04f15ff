"""A form sent twice (a double click, a page sent again) is saved once.

The form carries a random key in a hidden field, made when the page is drawn. The service
stores it on the row it creates, in a column unique per person, and a second POST with the
same key gets the row the first one made instead of a copy.
"""

import secrets
from typing import Any, TypeVar

from django import forms
from django.core.validators import RegexValidator
from django.db import IntegrityError, models, transaction

M = TypeVar("M", bound=models.Model)

KEY_PATTERN = r"^[0-9a-f]{32}$"


def new_submission_key() -> str:
    return secrets.token_hex(16)


def submission_key_field() -> forms.CharField:
    """Return the hidden form field that carries a fresh key each time the form is drawn."""
    return forms.CharField(
        required=False,
        widget=forms.HiddenInput,
        initial=new_submission_key,
        validators=[
            RegexValidator(KEY_PATTERN, "This form is out of date. Reload the page and try again.")
        ],
    )


def submission_key_column() -> models.CharField:
    """Return the column that remembers which form submission created a row."""
    return models.CharField(max_length=32, null=True, blank=True, editable=False)


def create_once(
    model: type[M], *, submission_key: str | None, owner: dict[str, Any], **fields: Any
) -> tuple[M, bool]:
    """Create a row, or return the one this owner already created with this key.

    `owner` names the fields the key is unique with. Returns (row, whether it is new).
    """
    if not submission_key:
        return model._default_manager.create(**owner, **fields), True
    earlier = model._default_manager.filter(submission_key=submission_key, **owner).first()
    if earlier is not None:
        return earlier, False
    try:
        with transaction.atomic():
            row = model._default_manager.create(submission_key=submission_key, **owner, **fields)
            return row, True
    except IntegrityError:
        # The same form, sent twice at once: the other request created the row first.
        earlier = model._default_manager.filter(submission_key=submission_key, **owner).first()
        if earlier is None:
            raise
        return earlier, False

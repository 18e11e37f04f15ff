"""Forms of the people import: the upload with its choices, and the confirmation."""

from django import forms

# Large enough for 200,000 rows of the template's columns.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="People file",
        help_text="A CSV (.csv, UTF-8) or Excel (.xlsx) file, one row per person.",
    )
    allow_new_departments = forms.BooleanField(
        label="Create departments that are not there yet",
        required=False,
        help_text="Otherwise a department the organization does not have is an error.",
    )
    mark_leavers = forms.BooleanField(
        label="This file is everyone: mark people not in it as alumni",
        required=False,
        help_text="Their relationships in programs that do not admit alumni end, with notice.",
    )

    def clean_file(self) -> forms.Field:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("This file is larger than 50 MB; split it in two.")
        return upload


class ImportConfirmForm(forms.Form):
    send_invitations = forms.BooleanField(
        label="E-mail an invitation to each new person",
        required=False,
        help_text="Sent in the background after the import. Leave it off to invite them later "
        "or to let them sign in with single sign-on.",
    )

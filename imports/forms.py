"""The upload form: what the file holds, the file, and for survey responses which survey."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fokus.models import ImportKind
from imports.reading import MAX_FILE_BYTES


class UploadForm(forms.Form):
    """One kind's upload: the page has one per kind, each with its own columns explained."""

    kind = forms.ChoiceField(choices=ImportKind.choices, widget=forms.HiddenInput)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row names the columns; see the import guide for each kind."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    survey = forms.ChoiceField(
        label=_("Survey"),
        required=False,
        help_text=_("For survey responses: the survey they answer, or a 'survey' column."),
    )

    def __init__(self, *args, kind: str, surveys=(), **kwargs):
        kwargs.setdefault("initial", {})["kind"] = kind
        # Each kind's form has its own ids: the page has three.
        super().__init__(*args, auto_id=f"id_{kind}_%s", **kwargs)
        if kind == ImportKind.RESPONSES:
            self.fields["survey"].choices = [("", _("From the file's 'survey' column"))] + [
                (str(survey.pk), str(survey)) for survey in surveys
            ]
        else:
            del self.fields["survey"]

    def clean_survey(self):
        return self.cleaned_data.get("survey", "")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a CSV or XLSX file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB. Split it into several files.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class CommitForm(forms.Form):
    only_valid_rows = forms.BooleanField(label=_("Import only the valid rows"), required=False)

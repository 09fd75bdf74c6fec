from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.forms.referral import PersonnummerField

FORMATS = [("pdf", "PDF"), ("json", "JSON")]


class ExtractForm(forms.Form):
    """Whose extract, and as which file (the button pressed). Posted, never in the URL."""

    personnummer = PersonnummerField(
        label=_("Personnummer"),
        help_text=_("YYYYMMDD-NNNN or YYMMDD-NNNN, with or without the hyphen."),
        error_messages={"required": _("Write the personnummer of the person the extract is for.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    format = forms.ChoiceField(
        choices=FORMATS,
        error_messages={
            "required": _("Choose a PDF or a JSON file."),
            "invalid_choice": _("Choose a PDF or a JSON file."),
        },
    )

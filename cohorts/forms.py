"""Forms of the planning data shared by several apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Enter a year."),
            "invalid": _("Enter a year with four digits, e.g. 2026."),
            "min_value": _("Enter a year from 2000 to 2100."),
            "max_value": _("Enter a year from 2000 to 2100."),
        },
    )

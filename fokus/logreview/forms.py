"""The form that marks a period as reviewed (the filters are in `filters`)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class LogReviewMarkForm(forms.Form):
    period_start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    comment = forms.CharField(
        label=_("Comment"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you checked, what the flags were about and what you did about them."),
    )

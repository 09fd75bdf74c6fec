"""Widgets and messages shared by the participants app's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-09-01.")}

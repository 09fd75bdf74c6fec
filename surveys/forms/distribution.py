"""Forms of the distribution pages: a contact of the partner register, choosing contacts to
invite, and the expiry date of links."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fokus.models import Agency, Project
from surveys.models import Contact

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-09-01.")}


def _plain_helper(form: forms.Form) -> FormHelper:
    helper = FormHelper(form)
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "agency", "role", "email", "is_active"]
        help_texts = {
            "agency": _("Optional: the agency of the federation the person works at."),
            "role": _("Optional, e.g. case officer or unit manager."),
            "is_active": _(
                "Contacts are not deleted: untick to stop sending surveys to this person."
            ),
        }
        error_messages = {
            "name": {"required": _("Enter the person's name.")},
            "email": {
                "required": _("Enter the person's e-mail address."),
                "invalid": _("Enter a valid e-mail address, e.g. name@agency.se."),
            },
            "agency": {"invalid_choice": _("Choose one of the federation's agencies.")},
        }

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.project = project
        self.instance.project = project
        agencies = Agency.objects.filter(federation_id=project.federation_id)
        if self.instance.agency_id:
            # A contact keeps an agency that has since been deactivated.
            agencies = agencies.filter(pk=self.instance.agency_id) | agencies.filter(is_active=True)
        else:
            agencies = agencies.filter(is_active=True)
        self.fields["agency"].queryset = agencies.order_by("name")
        self.fields["agency"].empty_label = _("(no agency)")
        self.helper = _plain_helper(self)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        duplicates = Contact.objects.filter(project=self.project, email__iexact=email)
        if self.instance.pk:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise forms.ValidationError(
                _("The project's register already has a contact with this e-mail address.")
            )
        return email


def _future(value):
    if value is not None and value <= timezone.localdate():
        raise forms.ValidationError(_("Choose a date after today."))
    return value


class ExpiryForm(forms.Form):
    """How long links are valid: a date after today."""

    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=DATE_WIDGET,
        error_messages={"required": _("Enter the last day the links are valid."), **DATE_ERRORS},
        help_text=_("The links stop working after this day."),
    )

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = required
        if not required:
            self.fields["expires_on"].help_text = _(
                "Optional. Leave empty for a link that is valid as long as the survey is open."
            )
        self.helper = _plain_helper(self)

    def clean_expires_on(self):
        return _future(self.cleaned_data["expires_on"])


class SendForm(ExpiryForm):
    """Which of the contacts not yet invited get a personal link."""

    contacts = forms.ModelMultipleChoiceField(
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Contacts"),
        error_messages={
            "required": _("Choose at least one contact to send the survey to."),
            "invalid_choice": _(
                "A chosen contact can no longer be invited. Reload the page and choose again."
            ),
            "invalid_pk_value": _(
                "A chosen contact can no longer be invited. Reload the page and choose again."
            ),
        },
    )

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts

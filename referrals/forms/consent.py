"""The consent (samtycke) and its withdrawal (DOMAIN §5)."""

import uuid
from pathlib import PurePath

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from referrals.models import CONSENT_PARTIES, Consent, ConsentMethod, WithdrawalChannel
from referrals.uploads import MAX_DOCUMENT_BYTES, is_whole_document

# The first bytes each accepted kind of file starts with: a cheap first check before the whole
# file is parsed (`referrals.uploads.is_whole_document`).
DOCUMENT_SIGNATURES = {
    "pdf": b"%PDF",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG",
}
DOCUMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}


_TOO_LARGE = _("The file is larger than 10 MB. Scan it at a lower resolution and try again.")


def document_extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConsentForm(forms.ModelForm):
    document = forms.FileField(
        required=False,
        label=capfirst(Consent._meta.get_field("document").verbose_name),
        help_text=_("A scan or photo of the signed form: PDF, JPG or PNG, at most 10 MB."),
        widget=forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    class Meta:
        model = Consent
        fields = [*CONSENT_PARTIES, "method", "given_on", "place", "document"]
        widgets = {"method": forms.RadioSelect, "given_on": _date_input()}

    def __init__(self, *args, too_large: set[str] | frozenset[str] = frozenset(), **kwargs):
        """`too_large`: the file fields whose upload was skipped for its size while it came in
        (`referrals.uploads.LimitedUploadHandler`)."""
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        for name in CONSENT_PARTIES:
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = _(
                "The person must consent to the exchange with every party to take part: "
                "tick this box too, or the referral cannot be submitted."
            )
        self.fields["method"].choices = ConsentMethod.choices
        self.fields["method"].error_messages["required"] = _("Choose how consent was given.")
        self.fields["given_on"].initial = timezone.localdate()
        self.fields["given_on"].error_messages["required"] = _(
            "Write the date the consent was given."
        )
        self.fields["place"].help_text = _("Needed when consent was given in person.")
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                _("The person consents to information exchange with"),
                *CONSENT_PARTIES,
                css_id="consent-parties",
            ),
            Fieldset(
                _("How the consent was given"),
                "method",
                "given_on",
                "place",
                "document",
                css_id="consent-method",
            ),
        )

    def clean_given_on(self):
        given_on = self.cleaned_data["given_on"]
        if given_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return given_on

    def clean_document(self):
        upload = self.cleaned_data.get("document")
        if "document" in self.too_large:
            raise forms.ValidationError(_TOO_LARGE)
        if not upload:
            return None
        extension = document_extension(upload.name)
        signature = DOCUMENT_SIGNATURES.get(extension)
        if signature is None:
            raise forms.ValidationError(
                _("The file must be a PDF, JPG or PNG. Scan or photograph the signed form again.")
            )
        if upload.size > MAX_DOCUMENT_BYTES:
            raise forms.ValidationError(_TOO_LARGE)
        upload.seek(0)
        head = upload.read(len(signature))
        upload.seek(0)
        if head != signature:
            raise forms.ValidationError(
                _(
                    "The file's content is not a real %(kind)s file. Save the scan as PDF, JPG "
                    "or PNG and try again."
                )
                % {"kind": extension.upper()}
            )
        if not is_whole_document(upload, extension):
            raise forms.ValidationError(
                _(
                    "The %(kind)s file is damaged or incomplete and cannot be opened. Save or "
                    "scan the signed form again and upload the new file."
                )
                % {"kind": extension.upper()}
            )
        # The person's name is often in the file name: store it under a random one.
        upload.name = f"{uuid.uuid4().hex}.{extension}"
        return upload

    def clean(self):
        cleaned = super().clean()
        method = cleaned.get("method")
        missing_document = not cleaned.get("document") and "document" not in self.errors
        if method == ConsentMethod.PAPER and missing_document:
            self.add_error("document", _("Upload the signed consent form (PDF, JPG or PNG)."))
        if method == ConsentMethod.IN_PERSON and not (cleaned.get("place") or "").strip():
            self.add_error("place", _("Write where the consent was given."))
        return cleaned


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(
        label=capfirst(Consent._meta.get_field("withdrawn_on").verbose_name),
        widget=_date_input(),
        help_text=_("The day the person withdrew their consent."),
        error_messages={"required": _("Write the date the consent was withdrawn.")},
    )
    channel = forms.ChoiceField(
        label=capfirst(Consent._meta.get_field("withdrawal_channel").verbose_name),
        choices=WithdrawalChannel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the person told you.")},
    )
    note = forms.CharField(
        label=capfirst(Consent._meta.get_field("withdrawal_note").verbose_name),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional. The person need not give a reason; write no health details."),
    )

    def __init__(self, *args, consent: Consent, **kwargs):
        super().__init__(*args, **kwargs)
        self.consent = consent
        self.fields["withdrawn_on"].initial = timezone.localdate()
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_withdrawn_on(self):
        withdrawn_on = self.cleaned_data["withdrawn_on"]
        if withdrawn_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        if withdrawn_on < self.consent.given_on:
            raise forms.ValidationError(
                _("The date cannot be before the consent was given (%(date)s).")
                % {"date": self.consent.given_on.isoformat()}
            )
        return withdrawn_on

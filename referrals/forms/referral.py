"""The referral form (anvisning) in paper-form order, and the small forms around it.

A draft may be incomplete at any point, so every field of the long form is optional; only
input that cannot be stored at all (a bad personnummer, a malformed e-mail address) stops a
save. What is missing for submission is reported by `referrals.eligibility`, not here.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from localflavor.se.forms import SEPersonalIdentityNumberField, SEPostalCodeField

from cohorts.models import Cohort
from fokus import conflicts, policy, text_limits
from fokus.models import Agency, IntakeMode, Project
from referrals.models import CONTACT_SLOTS, INCOME_SOURCES, Referral, ReferralStatus, YesNo

TARGET_GROUP_QUESTIONS = [
    "far_from_labour_market",
    "long_term_unemployed",
    "needs_rehabilitation",
    "sufficient_swedish",
]
YES_NO_FIELDS = TARGET_GROUP_QUESTIONS + INCOME_SOURCES

# The agency of each "current agency contacts" slot, as the paper form names them.
SLOT_LABELS = {
    "social_services": _("Social services"),
    "af": _("Arbetsförmedlingen"),
    "fk": _("Försäkringskassan"),
    "region": _("The region (health care)"),
    "other": _("Other agency"),
}

# What identifies a person; a person with protected identity has none of it stored.
PROTECTED_IDENTITY_EMPTY = [
    "name",
    "personnummer",
    "street_address",
    "postal_code",
    "city",
    "email",
]

PERSON_FIELDS = [
    "protected_identity",
    "name",
    "personnummer",
    "alias",
    "birth_year",
    "gender",
    "home_municipality",
    "street_address",
    "postal_code",
    "city",
    "email",
    "phone",
    "preferred_contact",
    "agrees_to_contact",
]
TARGET_GROUP_FIELDS = [
    "far_from_labour_market",
    "far_from_labour_market_comment",
    "long_term_unemployed",
    "long_term_unemployed_comment",
    "last_employment",
    "needs_rehabilitation",
    "needs_rehabilitation_comment",
    "sufficient_swedish",
    "sufficient_swedish_comment",
]
FREE_TEXT_FIELDS = ["background", "purpose", "important_to_know", "previous_interventions"]
CONTACT_FIELDS = [
    name
    for slot in CONTACT_SLOTS
    for name in (f"{slot}_involved", f"{slot}_contact", f"{slot}_phone")
] + ["ongoing_interventions_elsewhere"]
INCOME_FIELDS = [name for source in INCOME_SOURCES for name in (source, f"{source}_comment")]
OFFICER_FIELDS = [
    "officer_name",
    "officer_email",
    "officer_phone",
    "officer_preferred_contact",
    "officer_workplace",
]
FORM_FIELDS = [
    "cohort",
    *PERSON_FIELDS,
    *TARGET_GROUP_FIELDS,
    *FREE_TEXT_FIELDS,
    *CONTACT_FIELDS,
    *INCOME_FIELDS,
    *OFFICER_FIELDS,
    "eligibility_comment",
]


def _label(name: str):
    return capfirst(Referral._meta.get_field(name).verbose_name)


class PersonnummerField(SEPersonalIdentityNumberField):
    """localflavor's field (date and check digit validated, 12 digits returned), forgiving
    the spaces people type when copying a number, and with an error an officer can act on."""

    default_error_messages = {
        "invalid": _(
            "This is not a valid personnummer. Write it as YYYYMMDD-NNNN or YYMMDD-NNNN "
            "(YYMMDD+NNNN for a person over 100) and check the date of birth and the last digit."
        ),
    }

    def to_python(self, value):
        return super().to_python(value).replace(" ", "")


class ReferralForm(forms.ModelForm):
    personnummer = PersonnummerField(
        required=False,
        label=_label("personnummer"),
        help_text=_("YYYYMMDD-NNNN or YYMMDD-NNNN. A samordningsnummer is accepted too."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    version = conflicts.version_field()
    postal_code = SEPostalCodeField(
        required=False,
        label=_label("postal_code"),
        error_messages={"invalid": _("Write the postal code as five digits, e.g. 341 30.")},
    )

    class Meta:
        model = Referral
        fields = FORM_FIELDS
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 4}) for name in FREE_TEXT_FIELDS},
            **{
                f"{name}_comment": forms.Textarea(attrs={"rows": 2})
                for name in TARGET_GROUP_QUESTIONS + INCOME_SOURCES
            },
            "ongoing_interventions_elsewhere": forms.Textarea(attrs={"rows": 2}),
            "eligibility_comment": forms.Textarea(attrs={"rows": 3}),
            "officer_preferred_contact": forms.RadioSelect,
        }

    def __init__(self, *args, referral: Referral, **kwargs):
        super().__init__(*args, instance=referral, **kwargs)
        project = referral.project
        if project.intake_mode == IntakeMode.COHORT:
            cohort = self.fields["cohort"]
            cohort.queryset = Cohort.objects.filter(project=project).select_related("municipality")
            cohort.empty_label = _("Not chosen yet")
        else:
            del self.fields["cohort"]
        self.fields["home_municipality"].queryset = project.municipalities.all()

        for name in YES_NO_FIELDS:
            # Yes and no only: a blank third radio ("---------") would read as an answer.
            self.fields[name].widget = forms.RadioSelect()
            self.fields[name].choices = YesNo.choices
            comment = self.fields[f"{name}_comment"]
            comment.label = format_lazy(
                _("Comment on “{question}”"), question=self.fields[name].label
            )
        self.fields["officer_preferred_contact"].choices = [
            c for c in self.fields["officer_preferred_contact"].choices if c[0]
        ]
        birth_year = self.fields["birth_year"]
        birth_year.help_text = _("Four digits, e.g. 1985. Needed for protected identity.")
        self.fields["eligibility_comment"].help_text = _(
            "Needed when a warning is shown: explain why the person should take part anyway."
        )
        free_texts = text_limits.text_fields(Referral)
        for name, field in self.fields.items():
            field.required = False
            if name in free_texts:
                text_limits.limit_field(field, text_limits.NOTE)
        self.initial.setdefault("version", referral.edit_version)

        if not self.is_bound and referral.personnummer:
            self.initial["personnummer"] = referral.formatted_personnummer
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.render_hidden_fields = True
        self.helper.layout = self._layout()

    def _layout(self) -> Layout:
        parts = []
        if "cohort" in self.fields:
            parts.append(Fieldset(_("Start"), "cohort", css_id="section-start"))
        parts += [
            Fieldset(_("The person"), *PERSON_FIELDS, css_id="section-person"),
            Fieldset(_("Target group"), *TARGET_GROUP_FIELDS, css_id="section-target-group"),
            Fieldset(_("Background"), "background", css_id="section-background"),
            Fieldset(_("Purpose and goals"), "purpose", css_id="section-purpose"),
            Fieldset(_("Important to know"), "important_to_know", css_id="section-important"),
            Fieldset(
                _("Previous interventions"), "previous_interventions", css_id="section-previous"
            ),
            Fieldset(
                _("Current agency contacts"),
                *[
                    Fieldset(
                        SLOT_LABELS[slot],
                        Field(f"{slot}_involved"),
                        Div(
                            Div(f"{slot}_contact", css_class="col-md-7"),
                            Div(f"{slot}_phone", css_class="col-md-5"),
                            css_class="row",
                        ),
                        css_class="border rounded p-3 mb-3",
                    )
                    for slot in CONTACT_SLOTS
                ],
                "ongoing_interventions_elsewhere",
                css_id="section-contacts",
            ),
            Fieldset(_("Income"), *INCOME_FIELDS, css_id="section-income"),
            Fieldset(_("Referring party"), *OFFICER_FIELDS, css_id="section-referring-party"),
            Fieldset(
                _("Eligibility warnings"), "eligibility_comment", css_id="section-eligibility"
            ),
        ]
        return Layout(*parts)

    def clean_birth_year(self):
        year = self.cleaned_data.get("birth_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise forms.ValidationError(_("Write the birth year with four digits, e.g. 1985."))
        return year

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("protected_identity"):
            # An error rather than silently emptying the fields: nothing typed is lost if the
            # box was ticked by mistake, and nothing identifying is stored if it was not.
            for name in PROTECTED_IDENTITY_EMPTY:
                if cleaned.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        _(
                            "Leave this empty: the person has protected identity and is "
                            "registered by alias, birth year, gender and home municipality only."
                        ),
                    )
        return cleaned


class ReferralCreateForm(forms.Form):
    """The first step: which project, and for an officer of several agencies, which agency."""

    project = forms.ModelChoiceField(
        queryset=Project.objects.none(),
        label=_("Project"),
        empty_label=None,
        help_text=_("The project the person is referred to."),
    )
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Referring agency"),
        empty_label=None,
        help_text=_("You work for several agencies: choose the one that refers the person."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.for_user(user).order_by("name")
        self.agencies = list(
            Agency.objects.filter(
                federation_id=user.federation_id, pk__in=policy.case_officer_agency_ids(user)
            )
        )
        self.fields["agency"].queryset = Agency.objects.filter(pk__in=[a.pk for a in self.agencies])
        if len(self.agencies) == 1:
            del self.fields["agency"]

    def clean(self):
        cleaned = super().clean()
        if "agency" not in self.fields:
            cleaned["agency"] = self.agencies[0]
        return cleaned


class ReferralWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing the referral"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for withdrawing the referral.")},
        help_text=_("Shown in the referral's history. Write no health details."),
    )


class ReferralFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ReferralStatus.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    project = forms.ModelChoiceField(
        label=_("Project"),
        required=False,
        queryset=Project.objects.none(),
        empty_label=_("All projects"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.for_user(user).order_by("name")

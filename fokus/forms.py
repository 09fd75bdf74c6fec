"""Forms for accounts and the federation's own set-up pages."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from fokus.models import (
    AccessAction,
    Agency,
    AgencyKind,
    Federation,
    Membership,
    Municipality,
    Project,
    User,
)
from fokus.roles import ROLE_NEEDS_AGENCY, ROLE_NEEDS_PROJECT, Role


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "The e-mail address or password is wrong. Both are checked; after repeated "
            "failures the account is locked for a while."
        ),
        "inactive": _("This account is deactivated. Contact your administrator."),
    }


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
        error_messages={"required": _("Enter the code.")},
    )


class InvitingPasswordResetForm(PasswordResetForm):
    """Also reaches invited users who have not chosen a password yet."""

    def get_users(self, email):
        return User.objects.filter(email__iexact=email, is_active=True)


class _FederationForm(forms.ModelForm):
    """A ModelForm for a row of one federation: uniqueness is checked within it."""

    def __init__(self, *args, federation: Federation, **kwargs):
        super().__init__(*args, **kwargs)
        self.federation = federation
        self.instance.federation = federation

    def _unique_name(self, model, value: str, message: str) -> str:
        clash = model.objects.filter(federation=self.federation, name__iexact=value)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(message)
        return value


class MunicipalityForm(_FederationForm):
    class Meta:
        model = Municipality
        fields = ["name", "code"]

    def clean_name(self):
        return self._unique_name(
            Municipality,
            self.cleaned_data["name"].strip(),
            _("The federation already has a municipality with this name."),
        )


class AgencyForm(_FederationForm):
    class Meta:
        model = Agency
        fields = ["kind", "name", "municipality", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = Municipality.objects.filter(
            federation=self.federation
        )

    def clean_name(self):
        return self._unique_name(
            Agency,
            self.cleaned_data["name"].strip(),
            _("The federation already has an agency with this name."),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == AgencyKind.SOCIAL_SERVICES and not cleaned.get("municipality"):
            self.add_error(
                "municipality", _("Choose the municipality whose social services this is.")
            )
        return cleaned


class ProjectForm(_FederationForm):
    class Meta:
        model = Project
        fields = [
            "name",
            "owner",
            "description",
            "start_date",
            "end_date",
            "municipalities",
            "intake_mode",
            "min_age",
            "max_age",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "municipalities": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.filter(
            federation=self.federation
        )
        self.fields["municipalities"].error_messages["required"] = _(
            "Choose at least one participating municipality."
        )

    def clean_name(self):
        return self._unique_name(
            Project,
            self.cleaned_data["name"].strip(),
            _("The federation already has a project with this name."),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date must be on or after the start date."))
        low, high = cleaned.get("min_age"), cleaned.get("max_age")
        if low is not None and high is not None and high < low:
            self.add_error("max_age", _("The highest age must not be below the lowest."))
        return cleaned


class UserForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "is_active"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            del self.fields["is_active"]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        clash = User.objects.filter(email__iexact=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            # One message whether the account is in this federation or in another: an admin
            # must not learn that an address has an account elsewhere.
            raise forms.ValidationError(
                _(
                    "This e-mail address cannot be used for a new account. If the person "
                    "already has an account here, you find them in the user list; otherwise "
                    "use another work address."
                )
            )
        return email


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        help_text=_("For coordinators and ärendegrupp members."),
    )
    agency = forms.ModelChoiceField(
        label=_("Agency"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("For case officers and ärendegrupp members: the agency they represent."),
    )
    is_substitute = forms.BooleanField(label=_("Substitute in the ärendegrupp"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["project"].queryset = Project.objects.filter(federation_id=user.federation_id)
        self.fields["agency"].queryset = Agency.objects.filter(
            federation_id=user.federation_id, is_active=True
        )

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if not role:
            return cleaned
        if role in ROLE_NEEDS_PROJECT:
            if not cleaned.get("project") and "project" not in self.errors:
                self.add_error("project", _("This role is held in a project: choose one."))
        else:
            cleaned["project"] = None
        if role in ROLE_NEEDS_AGENCY:
            if not cleaned.get("agency") and "agency" not in self.errors:
                self.add_error("agency", _("This role is held for an agency: choose one."))
        else:
            cleaned["agency"] = None
        if role != Role.CASE_GROUP_MEMBER:
            cleaned["is_substitute"] = False
        if (
            not self.errors
            and Membership.objects.filter(
                user=self.user, role=role, project=cleaned["project"], agency=cleaned["agency"]
            ).exists()
        ):
            raise forms.ValidationError(_("The user already has this role in this context."))
        return cleaned


class RoleRequestDecisionForm(forms.Form):
    """The approve and refuse buttons of a role an admin asked for themselves."""

    _CHOOSE = _("Choose whether to approve or refuse the request.")
    outcome = forms.ChoiceField(
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        error_messages={"required": _CHOOSE, "invalid_choice": _CHOOSE},
    )

    @property
    def approves(self) -> bool:
        return self.cleaned_data["outcome"] == "approve"


class AccessLogFilterForm(forms.Form):
    q = forms.CharField(label=_("User or object"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("All actions")), *AccessAction.choices]


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )

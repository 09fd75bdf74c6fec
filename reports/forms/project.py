"""Forms of a project's final and interim reports: the period of the final report (read from
the query string) and the narrative sections written in the app."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reports.figures import Period
from reports.models import ProjectReport, ProjectReportKind

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("Enter the date as YYYY-MM-DD, e.g. 2026-09-01.")}


class PeriodForm(forms.Form):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD; either left out means the project's own date. The
    fields are called "from" and "to" in the query string, which Python cannot name a class
    attribute, so they are added in __init__."""

    def __init__(self, data, *, default: Period):
        super().__init__(data)
        self.default = default
        self.fields["from"] = forms.DateField(
            label=_("From"),
            required=False,
            widget=DATE_WIDGET,
            error_messages=DATE_ERRORS,
            help_text=_("Empty: the project's start date."),
        )
        self.fields["to"] = forms.DateField(
            label=_("To"),
            required=False,
            widget=DATE_WIDGET,
            error_messages=DATE_ERRORS,
            help_text=_("Empty: the project's end date."),
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if self.errors:
            return cleaned
        start = start or self.default.start
        end = end or self.default.end
        if end < start:
            raise forms.ValidationError(
                _("The period must end on or after its first day (%(start)s).")
                % {"start": start.isoformat()}
            )
        cleaned["period"] = Period(start, end)
        return cleaned

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]


_HELP = {
    "description": _("What the project does and for whom; the project's own description."),
    "goals": _("The project's goals, as the application to the förbund states them."),
    "reflection": _("What went well and less well, and why."),
    "lessons": _("What others should learn from the project."),
    "background": _("Why the project exists."),
    "purpose": _("What the project is for."),
    "method": _("How the project works: method and strategy."),
    "results": _("Results so far, in words; the figures are added from the data."),
    "success_factors": _("Analysis: what has helped, and what has been difficult?"),
    "intake_and_handover": _(
        "Analysis: how do intake (referral, ärendemöte) and hand-over at exit work?"
    ),
    "goals_met": _("Analysis: will the project's goals be met? If not, why not?"),
}


def project_report_form_class(kind: str) -> type[forms.ModelForm]:
    """A form with the narrative sections of the final or the interim report."""
    from reports.project_reports import sections_of

    fields = sections_of(kind)
    return forms.modelform_factory(
        ProjectReport,
        fields=fields,
        widgets={name: forms.Textarea(attrs={"rows": 6}) for name in fields},
        help_texts={name: _HELP[name] for name in fields},
    )


def project_report_form(kind: str, *args, **kwargs) -> forms.ModelForm:
    if kind not in ProjectReportKind.values:
        raise ValueError(kind)
    return project_report_form_class(kind)(*args, **kwargs)

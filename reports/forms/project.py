"""The narrative sections of a project's final and interim reports, written in the app. (The
final report's period: `reports.forms.period`.)"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fokus import conflicts, text_limits
from reports.models import ProjectReport, ProjectReportKind
from reports.project_reports import sections_of

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


class _NarrativeForm(forms.ModelForm):
    version = conflicts.version_field()


def project_report_form_class(kind: str) -> type[forms.ModelForm]:
    """A form with the narrative sections of the final or the interim report."""
    fields = sections_of(kind)
    return forms.modelform_factory(
        ProjectReport,
        form=_NarrativeForm,
        fields=fields,
        widgets={name: forms.Textarea(attrs={"rows": 6}) for name in fields},
        help_texts={name: _HELP[name] for name in fields},
    )


def project_report_form(kind: str, *args, **kwargs) -> forms.ModelForm:
    if kind not in ProjectReportKind.values:
        raise ValueError(kind)
    form = project_report_form_class(kind)(*args, **kwargs)
    for name in sections_of(kind):
        text_limits.limit_field(form.fields[name], text_limits.NARRATIVE)
    return form

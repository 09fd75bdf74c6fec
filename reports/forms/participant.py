"""The follow-up or exit report form: which report (when creating) and the coordinator's three
texts. The rest of the report comes from the data when it is previewed or finalised."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from fokus import conflicts, text_limits
from reports.models import ParticipantReportKind


def _text_field(label, help_text) -> forms.CharField:
    return text_limits.text_field(
        text_limits.NARRATIVE,
        label=label,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=help_text,
    )


class ParticipantReportForm(forms.Form):
    """`kinds`: the kinds that can be created now (see `participant_reports.kinds_available`);
    None when editing a draft, whose kind is fixed."""

    kind = forms.ChoiceField(
        label=_("Report"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose which report to write."),
            "invalid_choice": _("Choose one of the reports that can be written now."),
        },
    )
    mapping = _text_field(
        _("Mapping (kartläggning)"),
        _(
            "The participant's situation as mapped with them: health, social and economic "
            "situation, work and studies, strengths. Written for the agencies."
        ),
    )
    summary = _text_field(
        _("Summary"),
        _("How the participation has gone so far, in a few sentences."),
    )
    recommendations = _text_field(
        _("Recommendations and next steps"),
        _("What the project recommends, and who does what next."),
    )
    version = conflicts.version_field()

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is None:
            del self.fields["kind"]
        else:
            labels = dict(ParticipantReportKind.choices)
            self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.render_hidden_fields = True
        texts = Fieldset(
            _("The coordinator's text"), "mapping", "summary", "recommendations", css_id="texts"
        )
        if kinds is None:
            self.helper.layout = Layout(texts)
        else:
            self.helper.layout = Layout(Fieldset(_("Report"), "kind", css_id="kind"), texts)

    def texts(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("mapping", "summary", "recommendations")}

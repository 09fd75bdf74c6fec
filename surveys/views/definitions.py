"""A project's surveys: the list (with the built-in surveys to copy), a survey's questions,
the editor, and new versions.

Coordinators of the project manage its surveys ("surveys.manage"); the federation's staff read
the list and the definitions ("surveys.view"); built-in surveys are readable by anyone with a
role and changed by no one. The 404/403 rule is `fokus.policy`'s: another federation's
survey, or a project the user has no role in, is not found.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fokus import policy
from fokus.models import Project
from fokus.policy import ProjectAccess
from fokus.policy import surveys as survey_policy
from fokus.policy.views import project_view
from fokus.versions import NewerVersionExists, chain_of
from surveys import definitions as services
from surveys.forms.definitions import (
    EXTRA_ROWS,
    PREFIX,
    QuestionFormSet,
    SurveyForm,
    question_initial,
    survey_initial,
    with_more_rows,
)
from surveys.models import Audience, Survey
from surveys.questions import questions_of
from surveys.translations import language_name, languages_of, translations_of


def _survey(request: HttpRequest, public_id) -> tuple[Survey, ProjectAccess | None]:
    """The survey and the user's access to its project (None for a built-in survey, which
    anyone with a role reads)."""
    policy.require_any_role(request.user)
    survey = get_object_or_404(
        Survey.objects.in_federation(request.user).select_related("project", "previous_version"),
        public_id=public_id,
    )
    if survey.is_template:
        return survey, None
    return survey, policy.project_access_for(request.user, survey.project, "surveys.view")


def _require_manager(survey: Survey, access: ProjectAccess | None) -> None:
    if access is None:  # built-in
        raise PermissionDenied(survey_policy.edit_refusal(survey))
    access.require("surveys.manage")


def _questions(survey: Survey) -> list:
    """The questions with their options, each with `.translated` (see translations_of)."""
    questions = list(survey.questions.prefetch_related("options"))
    for question in questions:
        question.translated = translations_of(question)
    return questions


@login_required
@require_http_methods(["GET", "HEAD"])
@project_view("surveys.view")
def survey_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    manage = access.can("surveys.manage")
    surveys = (
        project.surveys.annotate(response_count=Count("responses"))
        .select_related("previous_version")
        .order_by("name", "version")
    )
    built_in = (
        Survey.objects.in_federation(request.user)
        .templates()
        .annotate(question_count=Count("questions"))
        .order_by("pk")
    )
    own = []
    if manage:
        own = (
            Survey.objects.in_federation(request.user)
            .copy_sources(request.user)
            .filter(project__isnull=False)
            .exclude(project=project)
            .select_related("project")
            .annotate(question_count=Count("questions"))
            .order_by("project__name", "name", "version")
        )
    return render(
        request,
        "surveys/survey_list.html",
        {
            "project": project,
            "surveys": surveys,
            "built_in": built_in,
            "own": own,
            "can_manage": manage,
        },
    )


@login_required
@require_POST
@project_view("surveys.manage")
def survey_copy(request: HttpRequest, access: ProjectAccess, public_id) -> HttpResponse:
    project = access.project
    source = get_object_or_404(
        Survey.objects.in_federation(request.user).copy_sources(request.user),
        public_id=public_id,
    )
    survey = services.survey_copy(actor=request.user, source=source, project=project)
    messages.success(
        request,
        _(
            "%(survey)s was copied to %(project)s. Adapt it here; the survey you copied stays "
            "as it was."
        )
        % {"survey": survey, "project": project.name},
    )
    return redirect("surveys:survey-edit", survey.public_id)


def _render_detail(
    request: HttpRequest,
    survey: Survey,
    access: ProjectAccess | None,
    *,
    refusal: str | None = None,
    status: int = 200,
) -> HttpResponse:
    manage = access is not None and access.can("surveys.manage")
    questions = _questions(survey)
    response_count = survey.responses.count()
    chain = chain_of(survey) if not survey.is_template else [survey]
    context = {
        "survey": survey,
        "project": survey.project,
        "questions": questions,
        "languages": languages_of(survey, questions),
        "survey_translations": [
            (code, language_name(code), texts)
            for code, texts in sorted((survey.translations or {}).items())
            if isinstance(texts, dict)
        ],
        "response_count": response_count,
        "chain": chain,
        "latest": chain[-1],
        "can_manage": manage,
        "can_edit": manage and response_count == 0,
        "can_see_results": not survey.is_template,
        "partners": survey.audience == Audience.PARTNERS,
        "cohorts": [],
        "copy_to": [],
        "refusal": refusal,
    }
    if manage and survey.audience == Audience.PARTICIPANTS:
        context["cohorts"] = survey.project.cohorts.select_related("municipality").order_by(
            "start_date", "municipality__name"
        )
    if survey.is_template:
        context["copy_to"] = (
            Project.objects.for_user(request.user)
            .filter(pk__in=policy.coordinated_project_ids(request.user))
            .order_by("name")
        )
    return render(request, "surveys/survey_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD"])
def survey_detail(request: HttpRequest, public_id) -> HttpResponse:
    survey, access = _survey(request, public_id)
    return _render_detail(request, survey, access)


def _render_form(request, survey, form, formset, *, checked=True, status=200) -> HttpResponse:
    return render(
        request,
        "surveys/survey_form.html",
        {
            "survey": survey,
            "project": survey.project,
            "form": form,
            "formset": formset,
            # Answered: the questions are shown read-only, with the "new version" button.
            "questions": _questions(survey) if formset is None else [],
            "has_errors": checked
            and bool(form.errors or (formset is not None and formset.total_error_count())),
            "can_add_rows": formset is not None and formset.total_form_count() < formset.max_num,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def survey_edit(request: HttpRequest, public_id) -> HttpResponse:
    survey, access = _survey(request, public_id)
    _require_manager(survey, access)
    locked = not survey_policy.can_change_questions(survey)
    if request.method != "POST":
        form = SurveyForm(initial=survey_initial(survey), survey=survey)
        formset = None
        if not locked:
            questions = questions_of(survey)
            formset = QuestionFormSet(
                initial=question_initial(questions), rows=len(questions) + EXTRA_ROWS
            )
        return _render_form(request, survey, form, formset)

    posts_questions = any(key.startswith(f"{PREFIX}-") for key in request.POST)
    if locked and posts_questions:
        # Only a tampered or stale form sends questions for an answered survey.
        refusal = survey_policy.edit_refusal(survey)
        return _render_detail(request, survey, access, refusal=refusal, status=403)
    if "more_rows" in request.POST and not locked:
        # Not a save: the same page with more empty rows, nothing checked yet.
        data = with_more_rows(request.POST)
        form = SurveyForm(data, survey=survey)
        return _render_form(request, survey, form, QuestionFormSet(data), checked=False)
    form = SurveyForm(request.POST, survey=survey)
    formset = None if locked else QuestionFormSet(request.POST)
    if form.is_valid() & (formset is None or formset.is_valid()):  # both: every error at once
        try:
            saved = services.survey_update(
                actor=request.user,
                survey=survey,
                questions=None if formset is None else formset.questions(),
                **form.values(),
            )
        except services.QuestionsLocked as refused:
            # An answer arrived while the coordinator was editing.
            return _render_detail(request, survey, access, refusal=str(refused), status=403)
        messages.success(request, _("The survey %(survey)s was saved.") % {"survey": saved})
        return redirect("surveys:survey-detail", saved.public_id)
    return _render_form(request, survey, form, formset, status=400)


@login_required
@require_POST
def survey_new_version(request: HttpRequest, public_id) -> HttpResponse:
    survey, access = _survey(request, public_id)
    _require_manager(survey, access)
    try:
        copy = services.survey_new_version(actor=request.user, survey=survey)
    except NewerVersionExists as exists:
        messages.info(
            request,
            _("%(survey)s already has a newer version: %(latest)s. Change that one instead.")
            % {"survey": survey, "latest": exists.latest},
        )
        return redirect("surveys:survey-detail", exists.latest.public_id)
    messages.success(
        request,
        _(
            "Version %(version)d of %(name)s was made and version %(old)d was closed; its "
            "answers stay with it. Change the questions here, then make new links for the "
            "new version."
        )
        % {"version": copy.version, "name": copy.name, "old": survey.version},
    )
    return redirect("surveys:survey-edit", copy.public_id)

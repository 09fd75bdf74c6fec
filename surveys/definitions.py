"""Writing survey definitions: copying a built-in (or own) survey into a project, the question
editor's save, and new versions.

A survey with answers never changes its questions: the answers point at them, and results
must stay comparable. Its name, introduction, thank-you text and open flag may still change.
To change the questions the coordinator makes a new version (`survey_new_version`): a copy
with the next version number in the line of versions (`fokus.versions`), while the old one is
closed and keeps its answers.

`survey_update` takes the survey row's lock (SELECT … FOR UPDATE) before it checks for answers.
Saving a response takes a key-share lock on the same row (its foreign key), so the two wait
for each other: questions are never changed under an answer being saved, whichever comes
first.

Who may do this is `fokus.policy.surveys`; the questions' data and limits are in
`surveys.questions`, the translations kept across an edit in `surveys.translations`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from fokus import versions
from fokus.audit import log_access
from fokus.models import AccessAction, Project, User
from fokus.policy import surveys as survey_policy
from surveys.models import Option, Question, QuestionKind, Survey
from surveys.questions import CHOICE_KINDS, QuestionData, check_questions
from surveys.translations import QUESTION_TEXTS, SURVEY_TEXTS, kept_translations

_POSITION_SHIFT = 10_000  # moves rows out of the way while positions are renumbered


class SurveyReadOnly(PermissionDenied):
    """Built-in surveys are shared by every federation and never changed."""


class QuestionsLocked(PermissionDenied):
    """The survey has answers, so its questions cannot change."""


def _copy_questions(source: Survey, target: Survey) -> int:
    """Copy every question and option, with their translations. Three queries."""
    questions = list(source.questions.prefetch_related("options"))
    created = Question.objects.bulk_create(
        Question(
            survey=target,
            position=q.position,
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            required=q.required,
            scale_max=q.scale_max,
            scale_min_label=q.scale_min_label,
            scale_max_label=q.scale_max_label,
            allow_dont_know=q.allow_dont_know,
            translations=q.translations,
        )
        for q in questions
    )
    Option.objects.bulk_create(
        Option(question=copy, position=o.position, text=o.text, translations=o.translations)
        for q, copy in zip(questions, created, strict=True)
        for o in q.options.all()
    )
    return len(created)


def _copied_texts(source: Survey, *, project: Project, actor: User) -> dict:
    """The fields of a new survey of `project` with `source`'s texts and settings, open."""
    return {
        "federation_id": project.federation_id,
        "project": project,
        "name": source.name,
        "audience": source.audience,
        "introduction": source.introduction,
        "thanks": source.thanks,
        "follows_individuals": source.follows_individuals,
        "translations": source.translations,
        "is_open": True,
        "created_by": actor,
    }


@transaction.atomic
def survey_copy(*, actor: User, source: Survey, project: Project) -> Survey:
    """A new survey of `project`, version 1, with a copy of `source`'s texts, questions,
    options and translations; `copied_from` points at `source`. The copy is independent:
    changing it never touches `source`. `source` is a built-in survey or one of the
    federation's (the caller checks that the actor may copy it: `Survey.objects.copy_sources`)."""
    if source.federation_id not in (None, project.federation_id):
        raise PermissionDenied
    survey = Survey.objects.create(
        **_copied_texts(source, project=project, actor=actor), version=1, copied_from=source
    )
    _copy_questions(source, survey)
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=survey,
        detail=f"copied from survey {source.public_id} ({source})",
    )
    return survey


def _save_options(question: Question, texts: list[str]) -> None:
    """Keep the options whose text stays (and their translations), drop the others, add the
    new ones, and number them in the given order."""
    existing = {option.text: option for option in question.options.all()}
    question.options.exclude(text__in=texts).delete()
    question.options.update(position=F("position") + _POSITION_SHIFT)
    for position, text in enumerate(texts, start=1):
        option = existing.get(text)
        if option is None:
            Option.objects.create(question=question, position=position, text=text)
        else:
            Option.objects.filter(pk=option.pk).update(position=position)


def _save_questions(survey: Survey, questions: list[QuestionData]) -> None:
    existing = {q.pk: q for q in survey.questions.prefetch_related("options")}
    # A tampered or duplicated source id is treated as a new question.
    sources: dict[int, Question] = {}
    for data in questions:
        if data.source_id in existing and data.source_id not in sources:
            sources[data.source_id] = existing[data.source_id]
    survey.questions.exclude(pk__in=list(sources)).delete()  # options go with them
    survey.questions.update(position=F("position") + _POSITION_SHIFT)
    used: set[int] = set()
    for position, data in enumerate(questions, start=1):
        values = {
            "position": position,
            "kind": data.kind,
            "text": data.text,
            "help_text": data.help_text,
            "required": data.required,
            "scale_max": data.scale_max if data.kind == QuestionKind.SCALE else None,
            "scale_min_label": data.scale_min_label if data.kind == QuestionKind.SCALE else "",
            "scale_max_label": data.scale_max_label if data.kind == QuestionKind.SCALE else "",
            "allow_dont_know": data.allow_dont_know and data.kind == QuestionKind.SCALE,
        }
        question = sources.get(data.source_id) if data.source_id not in used else None
        if question is None:
            question = Question.objects.create(survey=survey, **values)
        else:
            used.add(question.pk)
            old = {key: getattr(question, key) for key in QUESTION_TEXTS}
            new = {key: values[key] for key in QUESTION_TEXTS}
            values["translations"] = kept_translations(question.translations, old, new)
            for key, value in values.items():
                setattr(question, key, value)
            question.save()
        _save_options(question, data.options if data.kind in CHOICE_KINDS else [])


@transaction.atomic
def survey_update(
    *,
    actor: User,
    survey: Survey,
    name: str,
    introduction: str,
    thanks: str,
    is_open: bool,
    follows_individuals: bool,
    questions: list[QuestionData] | None = None,
) -> Survey:
    """Save a project survey's texts and settings and, unless `questions` is None, replace
    its questions and options by `questions` in that order.

    Raises SurveyReadOnly for a built-in survey, QuestionsLocked when `questions` is given
    and the survey has answers (checked under the survey row's lock), ValueError for a
    question that `question_problems` refuses."""
    if survey.is_template:
        raise SurveyReadOnly(survey_policy.edit_refusal(survey))
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if questions is not None:
        if survey.has_answers():
            raise QuestionsLocked(survey_policy.edit_refusal(survey))
        check_questions(questions)
    values = {
        "name": name,
        "introduction": introduction,
        "thanks": thanks,
        "is_open": is_open,
        "follows_individuals": follows_individuals,
    }
    changed = [key for key, value in values.items() if getattr(survey, key) != value]
    old = {key: getattr(survey, key) for key in SURVEY_TEXTS}
    survey.translations = kept_translations(survey.translations, old, values)
    for key, value in values.items():
        setattr(survey, key, value)
    survey.save()
    if questions is not None:
        _save_questions(survey, questions)
        changed.append(f"{len(questions)} questions")
    log_access(
        actor=actor,
        action=AccessAction.CHANGE,
        obj=survey,
        detail=", ".join(changed),
    )
    return survey


@transaction.atomic
def survey_new_version(*, actor: User, survey: Survey) -> Survey:
    """The next version of a project's survey: a copy of its texts, questions and options
    with version + 1 and `previous_version` set, in the same project. The old version is
    closed and keeps its answers, links and invitations. `copied_from` keeps pointing at the
    survey the first version was copied from.

    Raises SurveyReadOnly for a built-in survey and `fokus.versions.NewerVersionExists` when
    the survey already has a next version (versions form a line)."""
    if survey.is_template:
        raise SurveyReadOnly(survey_policy.edit_refusal(survey))
    survey = Survey.objects.select_related("project").get(pk=survey.pk)
    copy = versions.version_create(
        model=Survey,
        previous=survey,
        copied_from_id=survey.copied_from_id,
        **_copied_texts(survey, project=survey.project, actor=actor),
    )
    _copy_questions(survey, copy)
    old = copy.previous_version  # as read under the lock `version_create` took
    if old.is_open:
        old.is_open = False
        old.save(update_fields=["is_open"])
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=copy,
        detail=f"new version of survey {survey.public_id} ({survey}); that version closed",
    )
    return copy

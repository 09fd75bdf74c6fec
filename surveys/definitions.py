"""Survey definitions: who may see and manage a survey, copying a built-in (or own) survey
into a project, the question editor's save, and new versions.

A survey with answers never changes its questions: the answers point at them, and results
must stay comparable. Its name, introduction, thank-you text and open flag may still change.
To change the questions the coordinator makes a new version (`new_version`): a copy with the
next version number that points back through `previous_version`, while the old one is closed
and keeps its answers.

`survey_update` takes the survey row's lock (SELECT … FOR UPDATE) before it checks for answers.
Saving a response takes a key-share lock on the same row (its foreign key), so the two wait
for each other: questions are never changed under an answer being saved, whichever comes
first.

Translations: texts are Swedish; `translations` fields hold other languages
({"en": {...}}). When a Swedish text is edited its translations are dropped (they no longer
say the same thing); texts left as they were keep theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from fokus import access
from fokus.audit import log_access
from fokus.models import AccessAction, Project, User
from surveys.models import Option, Question, QuestionKind, Survey

MAX_QUESTIONS = 60
MAX_OPTIONS = 20
SCALE_MAX_RANGE = (2, 10)  # the highest value of a scale; it always starts at 1
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)

# Which texts of a question can be translated (the keys of Question.translations[lang]).
QUESTION_TEXTS = ("text", "help_text", "scale_min_label", "scale_max_label")
SURVEY_TEXTS = ("name", "introduction", "thanks")
_POSITION_SHIFT = 10_000  # moves rows out of the way while positions are renumbered


class SurveyReadOnly(PermissionDenied):
    """Built-in surveys are shared by every federation and never changed."""


class QuestionsLocked(PermissionDenied):
    """The survey has answers, so its questions cannot change."""


class NewerVersionExists(ValueError):
    """A new version is made from the latest version only; `latest` is that one."""

    def __init__(self, latest: Survey):
        super().__init__(str(latest))
        self.latest = latest


@dataclass(frozen=True)
class QuestionData:
    """One question as the editor hands it over. `source_id` is the question it was edited
    from (a pk of the same survey), used to keep its translations and its rows' identity."""

    kind: str
    text: str
    help_text: str = ""
    required: bool = False
    scale_max: int | None = None
    scale_min_label: str = ""
    scale_max_label: str = ""
    allow_dont_know: bool = False
    options: list[str] = field(default_factory=list)
    source_id: int | None = None


# --- Who may see and do what -----------------------------------------------------------------


def visible_surveys(user: User) -> QuerySet[Survey]:
    """The built-in surveys and every survey of the user's federation: what a lookup by
    public_id may find. Anything else is a 404. Roles are checked after (`can_read`)."""
    if not user.is_authenticated or user.federation_id is None:
        return Survey.objects.none()
    return Survey.objects.filter(Q(project__isnull=True) | Q(federation_id=user.federation_id))


def can_manage(user: User, survey: Survey) -> bool:
    """Change, copy into new versions, distribute: the project's coordinators. Nobody
    changes a built-in survey."""
    return survey.project_id is not None and survey.project_id in access.coordinated_project_ids(
        user
    )


def can_read(user: User, survey: Survey) -> bool:
    """Built-in surveys: anyone with a role. A project's survey: its coordinators and the
    federation's staff (who see the definition and aggregated results only)."""
    if survey.project_id is None:
        return bool(access.memberships(user))
    if survey.federation_id != user.federation_id:
        return False
    return can_manage(user, survey) or access.is_federation_staff(user)


def copy_sources(user: User) -> QuerySet[Survey]:
    """Surveys a coordinator may copy into a project: the built-in ones and the surveys of
    every project the user coordinates."""
    return Survey.objects.filter(
        Q(project__isnull=True)
        | Q(
            federation_id=user.federation_id,
            project_id__in=access.coordinated_project_ids(user),
        )
    )


def can_change_questions(survey: Survey) -> bool:
    return not survey.has_answers()


def edit_refusal(survey: Survey) -> str | None:
    """Why the survey's questions cannot be changed, or None if they can."""
    if survey.is_template:
        return _(
            "Built-in surveys are shared by every project and cannot be changed. Copy one to "
            "your project and change the copy."
        )
    if not can_change_questions(survey):
        return _(
            "This survey has answers, so its questions cannot be changed: the answers would "
            "no longer say what they said. Make a new version to change the questions; the "
            "answers stay with this version."
        )
    return None


# --- Reading ------------------------------------------------------------------------------------


def questions_of(survey: Survey) -> list[QuestionData]:
    """The survey's questions in order, e.g. to prefill the editor. Two queries."""
    return [
        QuestionData(
            kind=q.kind,
            text=q.text,
            help_text=q.help_text,
            required=q.required,
            scale_max=q.scale_max,
            scale_min_label=q.scale_min_label,
            scale_max_label=q.scale_max_label,
            allow_dont_know=q.allow_dont_know,
            options=[option.text for option in q.options.all()],
            source_id=q.pk,
        )
        for q in survey.questions.prefetch_related("options")
    ]


def chain_of(survey: Survey) -> list[Survey]:
    """Every version of the survey, oldest first (the survey itself included)."""
    chain = [survey]
    current = survey
    while current.previous_version_id is not None:
        current = Survey.objects.get(pk=current.previous_version_id)
        chain.insert(0, current)
    current = survey
    while (following := Survey.objects.filter(previous_version=current).first()) is not None:
        chain.append(following)
        current = following
    return chain


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


@dataclass(frozen=True)
class Translation:
    """A question's texts in one language, for showing next to the Swedish ones."""

    code: str
    language: str
    text: str
    help_text: str
    scale_min_label: str
    scale_max_label: str
    options: list[str]


def translations_of(question: Question) -> list[Translation]:
    """The question's translations, one per language, options included (from prefetched
    options when there are any)."""
    options = list(question.options.all())
    codes = set(question.translations) | {code for o in options for code in o.translations}
    rows = []
    for code in sorted(codes):
        texts = question.translations.get(code)
        texts = texts if isinstance(texts, dict) else {}
        translated = {key: str(texts.get(key) or "") for key in QUESTION_TEXTS}
        option_texts = [str(o.translations.get(code) or "") for o in options]
        if any(translated.values()) or any(option_texts):
            rows.append(
                Translation(
                    code=code,
                    language=language_name(code),
                    options=option_texts if any(option_texts) else [],
                    **translated,
                )
            )
    return rows


def languages_of(survey: Survey, questions: list[Question]) -> list[tuple[str, str]]:
    """(code, name) of every language the survey has any translation in."""
    codes = set(survey.translations)
    for question in questions:
        codes |= set(question.translations)
        for option in question.options.all():
            codes |= set(option.translations)
    return [(code, language_name(code)) for code in sorted(codes)]


# --- Validation ---------------------------------------------------------------------------------


def question_problems(data: QuestionData) -> dict[str, str]:
    """What is wrong with a question, as {field: message}; empty when it can be saved. The
    form shows these next to the fields; the services refuse a question that has any."""
    problems: dict[str, str] = {}
    if not data.text.strip():
        problems["text"] = _("Write the question.")
    if data.kind not in QuestionKind.values:
        problems["kind"] = _("Choose a type of question.")
        return problems
    if data.kind in CHOICE_KINDS:
        if len(data.options) < 2:
            problems["options"] = _("A choice question needs at least two options, one per line.")
        elif len(data.options) > MAX_OPTIONS:
            problems["options"] = _("A question can have at most %(limit)d options.") % {
                "limit": MAX_OPTIONS
            }
        elif len(set(data.options)) != len(data.options):
            problems["options"] = _("Each option must be different.")
    elif data.options:
        problems["options"] = (
            _("A free-text question has no options: empty the box or choose another type.")
            if data.kind == QuestionKind.TEXT
            else _("A scale has no options: empty the box or choose another type.")
        )
    if data.kind == QuestionKind.SCALE:
        low, high = SCALE_MAX_RANGE
        if data.scale_max is None or not low <= data.scale_max <= high:
            problems["scale_max"] = _(
                "Enter the highest value of the scale, a whole number from %(low)d to %(high)d."
            ) % {"low": low, "high": high}
        if not data.scale_min_label.strip():
            problems["scale_min_label"] = _("Write what the lowest value (1) means.")
        if not data.scale_max_label.strip():
            problems["scale_max_label"] = _("Write what the highest value means.")
    return problems


def _check(questions: list[QuestionData]) -> None:
    if not questions:
        raise ValueError("a survey needs at least one question")
    if len(questions) > MAX_QUESTIONS:
        raise ValueError(f"a survey has at most {MAX_QUESTIONS} questions")
    for data in questions:
        if problems := question_problems(data):
            raise ValueError(f"invalid question {data.text[:40]!r}: {problems}")


# --- Writes -------------------------------------------------------------------------------------


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


def _copy_survey(source: Survey, *, project: Project, actor: User, **fields) -> Survey:
    survey = Survey.objects.create(
        federation_id=project.federation_id,
        project=project,
        name=source.name,
        audience=source.audience,
        introduction=source.introduction,
        thanks=source.thanks,
        follows_individuals=source.follows_individuals,
        translations=source.translations,
        is_open=True,
        created_by=actor,
        **fields,
    )
    _copy_questions(source, survey)
    return survey


@transaction.atomic
def survey_copy(
    source: Survey, project: Project, actor: User, *, request: HttpRequest | None = None
) -> Survey:
    """A new survey of `project`, version 1, with a copy of `source`'s texts, questions,
    options and translations; `copied_from` points at `source`. The copy is independent:
    changing it never touches `source`. `source` is a built-in survey or one of the
    federation's (the caller checks that the actor may copy it: `copy_sources`)."""
    if source.federation_id not in (None, project.federation_id):
        raise PermissionDenied
    survey = _copy_survey(source, project=project, actor=actor, version=1, copied_from=source)
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=survey,
        request=request,
        detail=f"copied from survey {source.public_id} ({source})",
    )
    return survey


def _kept_translations(translations: dict, old: dict[str, str], new: dict[str, str]) -> dict:
    """Translations of the texts whose Swedish original did not change."""
    kept = {}
    for code, texts in (translations or {}).items():
        if not isinstance(texts, dict):
            continue
        same = {key: value for key, value in texts.items() if old.get(key) == new.get(key)}
        if same:
            kept[code] = same
    return kept


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
            values["translations"] = _kept_translations(question.translations, old, new)
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
    request: HttpRequest | None = None,
) -> Survey:
    """Save a project survey's texts and settings and, unless `questions` is None, replace
    its questions and options by `questions` in that order.

    Raises SurveyReadOnly for a built-in survey, QuestionsLocked when `questions` is given
    and the survey has answers (checked under the survey row's lock), ValueError for a
    question that `question_problems` refuses."""
    if survey.is_template:
        raise SurveyReadOnly(edit_refusal(survey))
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if questions is not None:
        if survey.has_answers():
            raise QuestionsLocked(edit_refusal(survey))
        _check(questions)
    values = {
        "name": name,
        "introduction": introduction,
        "thanks": thanks,
        "is_open": is_open,
        "follows_individuals": follows_individuals,
    }
    changed = [key for key, value in values.items() if getattr(survey, key) != value]
    old = {key: getattr(survey, key) for key in SURVEY_TEXTS}
    survey.translations = _kept_translations(survey.translations, old, values)
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
        request=request,
        detail=", ".join(changed),
    )
    return survey


@transaction.atomic
def new_version(survey: Survey, actor: User, *, request: HttpRequest | None = None) -> Survey:
    """The next version of a project's survey: a copy of its texts, questions and options
    with version + 1 and `previous_version` set, in the same project. The old version is
    closed and keeps its answers, links and invitations. `copied_from` keeps pointing at the
    survey the first version was copied from.

    Raises SurveyReadOnly for a built-in survey and NewerVersionExists when the survey
    already has a next version (versions form a line)."""
    if survey.is_template:
        raise SurveyReadOnly(edit_refusal(survey))
    survey = (
        Survey.objects.select_for_update(of=("self",)).select_related("project").get(pk=survey.pk)
    )
    if Survey.objects.filter(previous_version=survey).exists():
        raise NewerVersionExists(chain_of(survey)[-1])
    copy = _copy_survey(
        survey,
        project=survey.project,
        actor=actor,
        version=survey.version + 1,
        previous_version=survey,
        copied_from=survey.copied_from,
    )
    if survey.is_open:
        survey.is_open = False
        survey.save(update_fields=["is_open"])
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=copy,
        request=request,
        detail=f"new version of survey {survey.public_id} ({survey}); that version closed",
    )
    return copy

"""A survey's translations on the staff pages, and which of them survive an edit.

Texts are Swedish; `translations` fields hold other languages ({"en": {...}}). When a Swedish
text is edited its translations are dropped (they no longer say the same thing); texts left as
they were keep theirs (`kept_translations`). The respondents' side (the language of the form,
a language in its own name) is in `surveys.answering`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language_info

from surveys.models import Question, Survey

# Which texts can be translated (the keys of Question.translations[lang] and
# Survey.translations[lang]).
QUESTION_TEXTS = ("text", "help_text", "scale_min_label", "scale_max_label")
SURVEY_TEXTS = ("name", "introduction", "thanks")


def language_name(code: str) -> str:
    """The language's name in the reader's language, or the code."""
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


def kept_translations(translations: dict, old: dict[str, str], new: dict[str, str]) -> dict:
    """Translations of the texts whose Swedish original did not change."""
    kept = {}
    for code, texts in (translations or {}).items():
        if not isinstance(texts, dict):
            continue
        same = {key: value for key, value in texts.items() if old.get(key) == new.get(key)}
        if same:
            kept[code] = same
    return kept

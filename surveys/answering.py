"""Answering a survey: link tokens, the language of the form, finding what a link opens, and
saving a response with its answers in one transaction.

Respondents have no account. A personal link's token is never stored, only its sha256 hash, and
each invitation takes one response (the database's one-to-one on `Response.invitation` is the
last word when two submissions race). An anonymous response stores the cohort and nothing that
points to the person: no user, no IP address, no session. Its link's flood limits
(`surveys.flood`) keep, for an hour, a keyed hash of the client apart from the response.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language_info

from cohorts.models import Cohort
from fokus import text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, User
from surveys import flood
from surveys.models import (
    AnonymousLink,
    Answer,
    Channel,
    Invitation,
    Option,
    Question,
    Response,
    Survey,
)

SOURCE_LANGUAGE = "sv"
# Free-text answers longer than this are refused with a message, not cut.
TEXT_MAX_LENGTH = text_limits.NOTE
# A language code as it may appear in `translations` and in the page's lang attribute.
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


# --- Tokens ---------------------------------------------------------------------------------


def new_token() -> str:
    """A link token that cannot be guessed: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """What an invitation stores instead of its token (sha256, hex)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# --- Language -------------------------------------------------------------------------------


def available_languages(survey: Survey) -> list[str]:
    """Swedish first, then every language the survey has translations for."""
    extra = sorted(
        code
        for code in (survey.translations or {})
        if isinstance(code, str) and _LANGUAGE_CODE.match(code) and code != SOURCE_LANGUAGE
    )
    return [SOURCE_LANGUAGE, *extra]


def language_name(code: str) -> str:
    """The language's own name for itself ("English", "العربيّة"), or the code."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


def is_bidi(code: str) -> bool:
    try:
        return bool(get_language_info(code)["bidi"])
    except KeyError:
        return False


def choose_language(survey: Survey, requested: str | None) -> str:
    """The requested language if the survey offers it, otherwise Swedish."""
    requested = (requested or "").strip().lower()
    return requested if requested in available_languages(survey) else SOURCE_LANGUAGE


def translated(translations, language: str, key: str | None, source: str) -> tuple[str, str]:
    """(text, language of the text): the translation when there is a non-empty one, otherwise
    the Swedish source. `key` None reads `{"en": "text"}`, otherwise `{"en": {key: "text"}}`."""
    if language != SOURCE_LANGUAGE and isinstance(translations, dict):
        entry = translations.get(language)
        if key is not None:
            entry = entry.get(key) if isinstance(entry, dict) else None
        if isinstance(entry, str) and entry.strip():
            return entry, language
    return source, SOURCE_LANGUAGE


def survey_texts(survey: Survey, language: str) -> dict[str, tuple[str, str]]:
    """The survey's name, introduction and thank-you text in the language, each with the
    language it is actually in."""
    return {
        key: translated(survey.translations, language, key, getattr(survey, key))
        for key in ("name", "introduction", "thanks")
    }


# --- What a link opens ----------------------------------------------------------------------


class AnswerError(ValidationError):
    """An answer the form would have refused, from another caller."""


class Unavailable(Exception):
    """The link cannot be answered; `reason` picks the kind message shown to the person."""

    INVALID = "invalid"
    EXPIRED = "expired"
    ANSWERED = "answered"
    CLOSED = "closed"
    # The link has taken as many answers as its start can give (`flood.answer_cap`).
    FULL = "full"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _check_survey(survey: Survey) -> None:
    if survey.is_template:
        # Built-in surveys are only copied, never answered.
        raise Unavailable(Unavailable.INVALID)
    if not survey.is_open:
        raise Unavailable(Unavailable.CLOSED)


def _check_invitation(invitation: Invitation, today: date) -> None:
    # Already answered comes first: the person who answered deserves a thank-you, not "expired".
    if invitation.answered_at is not None or _has_response(invitation):
        raise Unavailable(Unavailable.ANSWERED)
    _check_survey(invitation.survey)
    if invitation.expires_on < today:
        raise Unavailable(Unavailable.EXPIRED)


def _has_response(invitation: Invitation) -> bool:
    return Response.objects.filter(invitation_id=invitation.pk).exists()


def _check_link(link: AnonymousLink, today: date) -> None:
    _check_survey(link.survey)
    if not link.is_active or (link.expires_on is not None and link.expires_on < today):
        raise Unavailable(Unavailable.EXPIRED)


def _plausible(token: str) -> bool:
    """Cheap refusal of what no link holds (PostgreSQL also refuses NUL in a query)."""
    return 0 < len(token) <= 64 and "\x00" not in token


def invitation_for_token(token: str, *, today: date | None = None) -> Invitation:
    """The open invitation behind a personal link, or Unavailable with the reason."""
    today = today or timezone.localdate()
    if not _plausible(token):
        raise Unavailable(Unavailable.INVALID)
    invitation = (
        Invitation.objects.select_related("survey__project", "enrolment")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None:
        raise Unavailable(Unavailable.INVALID)
    _check_invitation(invitation, today)
    return invitation


def anonymous_link_for_token(token: str, *, today: date | None = None) -> AnonymousLink:
    """The active link behind an anonymous (cohort) link, or Unavailable with the reason."""
    today = today or timezone.localdate()
    if not _plausible(token):
        raise Unavailable(Unavailable.INVALID)
    link = (
        AnonymousLink.objects.select_related("survey__project", "cohort")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if link is None:
        raise Unavailable(Unavailable.INVALID)
    _check_link(link, today)
    if flood.is_full(link):
        raise Unavailable(Unavailable.FULL)
    return link


def survey_thanked(public_id) -> Survey | None:
    """The survey of a thank-you page: a project's survey (built-in ones are never answered).
    The page is public, as the links are, and shows only the survey's own texts."""
    return Survey.objects.filter(public_id=public_id, project__isnull=False).first()


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.order_by("position", "pk").prefetch_related("options"))


# --- Saving ---------------------------------------------------------------------------------


@dataclass
class GivenAnswer:
    """One question's clean answer, as the form hands it over."""

    question: Question
    options: list[Option] = field(default_factory=list)
    scale_value: int | None = None
    dont_know: bool = False
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.options or self.scale_value is not None or self.dont_know or self.text)


def _store(
    *,
    survey: Survey,
    answers: list[GivenAnswer],
    channel: str,
    language: str,
    invitation: Invitation | None = None,
    cohort=None,
    entered_by=None,
    answered_on: date | None = None,
) -> Response:
    """Only answered questions get an Answer row: "number answered" per question is the count
    of its rows. A free text over the limit is refused (AnswerError), whoever calls."""
    for answer in answers:
        if text_limits.length(answer.text) > TEXT_MAX_LENGTH:
            raise AnswerError(text_limits.too_long(answer.text, TEXT_MAX_LENGTH))
    response = Response.objects.create(
        survey=survey,
        channel=channel,
        language=language,
        invitation=invitation,
        cohort=cohort,
        entered_by=entered_by,
        answered_on=answered_on,
    )
    given = [a for a in answers if not a.is_empty and a.question.survey_id == survey.pk]
    rows = Answer.objects.bulk_create(
        Answer(
            response=response,
            question=a.question,
            scale_value=a.scale_value,
            dont_know=a.dont_know,
            text=a.text,
        )
        for a in given
    )
    Answer.options.through.objects.bulk_create(
        Answer.options.through(answer_id=row.pk, option_id=option.pk)
        for row, a in zip(rows, given, strict=True)
        for option in a.options
    )
    return response


@transaction.atomic
def response_save_personal(
    *, invitation: Invitation, answers: list[GivenAnswer], language: str
) -> Response:
    """One response per invitation, also when the same link is submitted twice at once: the
    invitation row is locked and re-checked, and the one-to-one constraint catches the rest
    (inside a savepoint, so the transaction stays usable for the refusal). Raises Unavailable
    (nothing stored) when the link was used, expired or the survey closed."""
    today = timezone.localdate()
    try:
        with transaction.atomic():
            locked = (
                Invitation.objects.select_for_update(of=("self",))
                .select_related("survey", "enrolment")
                .get(pk=invitation.pk)
            )
            _check_invitation(locked, today)
            response = _store(
                survey=locked.survey,
                answers=answers,
                channel=Channel.PERSONAL,
                language=language,
                invitation=locked,
                cohort=locked.enrolment.cohort if locked.enrolment_id else None,
            )
            locked.answered_at = timezone.now()
            locked.save(update_fields=["answered_at"])
    except IntegrityError as exc:
        raise Unavailable(Unavailable.ANSWERED) from exc
    return response


@transaction.atomic
def response_save_anonymous(
    *, link: AnonymousLink, answers: list[GivenAnswer], language: str
) -> Response:
    """A cohort's shared link: many responses, none of them tied to a person, within the limits
    of `surveys.flood`. The link's row is locked while they are counted, so concurrent posts
    are counted one after the other. Raises Unavailable (FULL) or flood.TooManyAnswers, with
    nothing stored."""
    link = (
        AnonymousLink.objects.select_for_update(of=("self",))
        .select_related("survey", "cohort")
        .get(pk=link.pk)
    )
    _check_link(link, timezone.localdate())
    if flood.is_full(link):
        raise Unavailable(Unavailable.FULL)
    flood.submission_record(link=link)
    return _store(
        survey=link.survey,
        answers=answers,
        channel=Channel.ANONYMOUS,
        language=language,
        cohort=link.cohort,
    )


@transaction.atomic
def response_save_paper(
    *,
    actor: User,
    survey: Survey,
    answers: list[GivenAnswer],
    language: str = SOURCE_LANGUAGE,
    cohort: Cohort | None = None,
    answered_on: date | None = None,
) -> Response:
    """A paper form typed in by a coordinator: marked as paper, with who entered it. The access
    log gets the response's number, never its content."""
    _check_survey(survey)
    response = _store(
        survey=survey,
        answers=answers,
        channel=Channel.PAPER,
        language=language,
        cohort=cohort,
        entered_by=actor,
        answered_on=answered_on,
    )
    log_access(
        actor=actor,
        action=AccessAction.CREATE,
        obj=response,
        federation_id=survey.federation_id,
        detail="paper answer",
    )
    return response

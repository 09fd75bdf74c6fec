"""Answering: the public form behind a personal or an anonymous link (no login), the thank-you
page, and paper answers typed in by the project's coordinators.

The public pages never look at `request.user`: a coordinator who opens a link while logged in
answers as anyone else does, and nothing of theirs is stored with the response.
"""

from __future__ import annotations

import math
from urllib.parse import urlencode

import pghistory
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from fokus import policy
from surveys import answering, flood
from surveys.answering import SOURCE_LANGUAGE, Unavailable
from surveys.forms.answering import AnswerForm, PaperDetailsForm
from surveys.models import Channel, Survey

# A link that does not exist says so without details; one that did exist is gone.
UNAVAILABLE_STATUS = {
    Unavailable.INVALID: 404,
    Unavailable.EXPIRED: 410,
    Unavailable.ANSWERED: 410,
    Unavailable.CLOSED: 410,
    Unavailable.FULL: 409,
}


def _page(language: str) -> dict:
    return {"page_lang": language, "page_dir": "rtl" if answering.is_bidi(language) else "ltr"}


def _unavailable(request: HttpRequest, reason: str, language: str = SOURCE_LANGUAGE):
    with translation.override(language):
        return render(
            request,
            "surveys/answer_unavailable.html",
            {"reason": reason, **_page(language)},
            status=UNAVAILABLE_STATUS[reason],
        )


def _languages(survey: Survey, current: str) -> list[dict]:
    """The language switch: each language in its own name, linking to ?lang=."""
    languages = answering.available_languages(survey)
    if len(languages) < 2:
        return []
    return [
        {
            "code": code,
            "name": answering.language_name(code),
            "query": "?" + urlencode({"lang": code}),
            "current": code == current,
        }
        for code in languages
    ]


def _thanks_url(survey: Survey, language: str) -> str:
    url = reverse("surveys:answer-thanks", args=[survey.public_id])
    return url if language == SOURCE_LANGUAGE else f"{url}?{urlencode({'lang': language})}"


def _forget_the_visitor(request: HttpRequest, token: str):
    """Row history records the logged-in user and the path of the request that changed a row.
    A respondent is not whoever is logged in on the device, and the token must not be kept."""
    return pghistory.context(user=None, url=request.path.replace(token, "-"))


def _answer(
    request: HttpRequest, *, survey: Survey, token: str, save, is_personal: bool
) -> HttpResponse:
    """The form for a link, shown or submitted; `save(answers, language)` stores it."""
    language = answering.choose_language(survey, request.GET.get("lang"))
    with translation.override(language):
        form = AnswerForm(
            request.POST if request.method == "POST" else None,
            questions=answering.questions_of(survey),
            language=language,
        )
        refusal = None
        if form.is_bound and form.is_valid():
            try:
                with _forget_the_visitor(request, token):
                    save(form.answers(), language)
            except Unavailable as exc:
                return _unavailable(request, exc.reason, language)
            except flood.TooManyAnswers as exc:
                refusal = exc
            else:
                return redirect(_thanks_url(survey, language))
        texts = answering.survey_texts(survey, language)
        page = render(
            request,
            "surveys/answer_form.html",
            {
                "survey": survey,
                "texts": texts,
                "form": form,
                "is_personal": is_personal,
                "languages": _languages(survey, language),
                "wait_minutes": math.ceil(refusal.retry_after / 60) if refusal else None,
                **_page(language),
            },
            status=429 if refusal else 400 if form.is_bound else 200,
        )
        if refusal:
            page["Retry-After"] = str(refusal.retry_after)
        return page


@require_http_methods(["GET", "HEAD", "POST"])
def answer_personal(request: HttpRequest, token: str) -> HttpResponse:
    """A personal one-time link (partner survey by e-mail, or a followed participant)."""
    try:
        invitation = answering.invitation_for_token(token)
    except Unavailable as exc:
        return _unavailable(request, exc.reason)

    def save(answers, language):
        answering.response_save_personal(invitation=invitation, answers=answers, language=language)

    return _answer(request, survey=invitation.survey, token=token, save=save, is_personal=True)


@require_http_methods(["GET", "HEAD", "POST"])
def answer_anonymous(request: HttpRequest, token: str) -> HttpResponse:
    """A cohort's shared link (and QR code): many answers, none tied to a person."""
    try:
        link = answering.anonymous_link_for_token(token)
    except Unavailable as exc:
        return _unavailable(request, exc.reason)

    def save(answers, language):
        answering.response_save_anonymous(link=link, answers=answers, language=language)

    return _answer(request, survey=link.survey, token=token, save=save, is_personal=False)


@require_safe
def answer_thanks(request: HttpRequest, public_id) -> HttpResponse:
    survey = answering.survey_thanked(public_id)
    if survey is None:
        raise Http404
    language = answering.choose_language(survey, request.GET.get("lang"))
    with translation.override(language):
        return render(
            request,
            "surveys/answer_thanks.html",
            {
                "survey": survey,
                "texts": answering.survey_texts(survey, language),
                **_page(language),
            },
        )


def _paper_survey(request: HttpRequest, public_id) -> Survey:
    """A survey of the user's federation whose project they manage. Built-in surveys (no
    project) are only copied, never answered: 404."""
    policy.require_any_role(request.user)
    survey = get_object_or_404(
        Survey.objects.in_federation(request.user)
        .filter(project__isnull=False)
        .select_related("project"),
        public_id=public_id,
    )
    policy.project_access_for(request.user, survey.project, "surveys.manage")
    return survey


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def paper_answer(request: HttpRequest, public_id) -> HttpResponse:
    """A paper form typed in by a coordinator; after saving, an empty form for the next one."""
    survey = _paper_survey(request, public_id)
    data = request.POST if request.method == "POST" else None
    form = AnswerForm(data, questions=answering.questions_of(survey), enforce_required=False)
    details = PaperDetailsForm(data, survey=survey)
    # Both forms are validated, so every mistake is listed at once.
    valid = [form.is_valid(), details.is_valid()] if data is not None else [False]
    if survey.is_open and all(valid):
        try:
            answering.response_save_paper(
                actor=request.user,
                survey=survey,
                answers=form.answers(),
                language=details.cleaned_data.get("language") or SOURCE_LANGUAGE,
                cohort=details.cleaned_data.get("cohort"),
                answered_on=details.cleaned_data["answered_on"],
            )
        except Unavailable:
            pass  # closed meanwhile: shown below
        else:
            messages.success(
                request, _("The paper answer was saved. You can enter the next one below.")
            )
            return redirect("surveys:paper-answer", public_id=survey.public_id)
        survey.refresh_from_db(fields=["is_open"])
    return render(
        request,
        "surveys/paper_answer.html",
        {
            "survey": survey,
            "form": form,
            "details": details,
            "paper_count": survey.responses.filter(channel=Channel.PAPER).count(),
        },
        status=400 if data is not None else 200,
    )

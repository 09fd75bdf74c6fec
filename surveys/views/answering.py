"""(being written)"""

from django.http import Http404


def answer_personal(request, **kwargs):
    raise Http404


def answer_anonymous(request, **kwargs):
    raise Http404


def answer_thanks(request, **kwargs):
    raise Http404


def paper_answer(request, **kwargs):
    raise Http404

"""(being written)"""

from django.http import Http404


def letter_create(request, **kwargs):
    raise Http404


def letter_pdf(request, **kwargs):
    raise Http404

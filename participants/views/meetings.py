"""(being written)"""

from django.http import Http404


def meeting_create(request, **kwargs):
    raise Http404


def meeting_edit(request, **kwargs):
    raise Http404


def session_list(request, **kwargs):
    raise Http404


def session_create(request, **kwargs):
    raise Http404


def session_edit(request, **kwargs):
    raise Http404

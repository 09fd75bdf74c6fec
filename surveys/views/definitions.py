"""(being written)"""

from django.http import Http404


def survey_list(request, **kwargs):
    raise Http404


def survey_copy(request, **kwargs):
    raise Http404


def survey_detail(request, **kwargs):
    raise Http404


def survey_edit(request, **kwargs):
    raise Http404


def survey_new_version(request, **kwargs):
    raise Http404

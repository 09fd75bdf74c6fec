"""(being written)"""

from django.http import Http404


def survey_results(request, **kwargs):
    raise Http404


def survey_results_export(request, **kwargs):
    raise Http404

"""(being written)"""

from django.http import Http404


def report_settings(request, **kwargs):
    raise Http404


def federation_summary(request, **kwargs):
    raise Http404


def federation_summary_pdf(request, **kwargs):
    raise Http404


def federation_summary_export(request, **kwargs):
    raise Http404

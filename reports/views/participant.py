"""(being written)"""

from django.http import Http404


def report_list(request, **kwargs):
    raise Http404


def report_create(request, **kwargs):
    raise Http404


def report_edit(request, **kwargs):
    raise Http404


def report_preview(request, **kwargs):
    raise Http404


def report_finalise(request, **kwargs):
    raise Http404


def report_reissue(request, **kwargs):
    raise Http404


def report_pdf(request, **kwargs):
    raise Http404

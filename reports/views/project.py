"""(being written)"""

from django.http import Http404


def report_index(request, **kwargs):
    raise Http404


def final_report(request, **kwargs):
    raise Http404


def final_report_edit(request, **kwargs):
    raise Http404


def final_report_pdf(request, **kwargs):
    raise Http404


def interim_report(request, **kwargs):
    raise Http404


def interim_report_edit(request, **kwargs):
    raise Http404


def interim_report_pdf(request, **kwargs):
    raise Http404


def report_table_export(request, **kwargs):
    raise Http404

"""(being written)"""

from django.http import Http404


def plan_detail(request, **kwargs):
    raise Http404


def goal_create(request, **kwargs):
    raise Http404


def goal_edit(request, **kwargs):
    raise Http404


def plan_version(request, **kwargs):
    raise Http404

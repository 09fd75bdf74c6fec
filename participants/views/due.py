"""(being written)"""

from django.http import Http404


def due_list(request, **kwargs):
    raise Http404

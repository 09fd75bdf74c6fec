"""(being written)"""

from django.http import Http404


def officer_participant_list(request, **kwargs):
    raise Http404

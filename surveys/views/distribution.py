"""(being written)"""

from django.http import Http404


def contact_list(request, **kwargs):
    raise Http404


def contact_create(request, **kwargs):
    raise Http404


def contact_edit(request, **kwargs):
    raise Http404


def survey_send(request, **kwargs):
    raise Http404


def survey_remind(request, **kwargs):
    raise Http404


def anonymous_link(request, **kwargs):
    raise Http404


def participant_links(request, **kwargs):
    raise Http404

"""Federation admins' pages for agencies, municipalities and projects."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from fokus import policy
from fokus.forms import AgencyForm, MunicipalityForm, ProjectForm
from fokus.models import Agency, Municipality, Project
from fokus.services import federation_object_save


def _edit(request: HttpRequest, *, form_class, instance, title: str, back_url: str):
    """Create or change one row of the admin's federation; the same page for both."""
    federation = request.user.federation
    if request.method == "POST":
        form = form_class(request.POST, instance=instance, federation=federation)
        if form.is_valid():
            obj = federation_object_save(
                actor=request.user,
                model=form_class._meta.model,
                owner={"federation": federation},
                values=form.cleaned_data,
                pk=instance.pk if instance else None,
            )
            messages.success(request, _("%(name)s was saved.") % {"name": obj})
            return redirect(back_url)
    else:
        form = form_class(instance=instance, federation=federation)
    return render(
        request,
        "fokus/manage/form.html",
        {"form": form, "title": title, "back_url": back_url},
        status=400 if form.errors else 200,
    )


@login_required
def municipality_list(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    municipalities = Municipality.objects.for_user(request.user).annotate(
        project_count=Count("projects", distinct=True)
    )
    return render(
        request, "fokus/manage/municipality_list.html", {"municipalities": municipalities}
    )


@login_required
def municipality_create(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    return _edit(
        request,
        form_class=MunicipalityForm,
        instance=None,
        title=_("New municipality"),
        back_url="manage:municipality-list",
    )


@login_required
def municipality_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_federation_admin(request.user)
    municipality = get_object_or_404(Municipality.objects.for_user(request.user), pk=pk)
    return _edit(
        request,
        form_class=MunicipalityForm,
        instance=municipality,
        title=_("Change municipality"),
        back_url="manage:municipality-list",
    )


@login_required
def agency_list(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    agencies = Agency.objects.for_user(request.user).select_related("municipality")
    return render(request, "fokus/manage/agency_list.html", {"agencies": agencies})


@login_required
def agency_create(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    return _edit(
        request,
        form_class=AgencyForm,
        instance=None,
        title=_("New agency"),
        back_url="manage:agency-list",
    )


@login_required
def agency_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_federation_admin(request.user)
    agency = get_object_or_404(Agency.objects.for_user(request.user), pk=pk)
    return _edit(
        request,
        form_class=AgencyForm,
        instance=agency,
        title=_("Change agency"),
        back_url="manage:agency-list",
    )


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    return _edit(
        request,
        form_class=ProjectForm,
        instance=None,
        title=_("New project"),
        back_url="project-list",
    )


@login_required
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_federation_admin(request.user)
    project = get_object_or_404(Project.objects.for_user(request.user), pk=pk)
    return _edit(
        request,
        form_class=ProjectForm,
        instance=project,
        title=_("Change project"),
        back_url="project-list",
    )

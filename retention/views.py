"""The federation admin's page for the retention periods."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fokus import policy
from fokus.services import federation_object_save
from retention.forms import RetentionPolicyForm
from retention.models import RetentionPolicy
from retention.services import policy_or_defaults


@login_required
def policy_edit(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    federation = request.user.federation
    # Unsaved defaults until the first save: opening the page writes nothing.
    instance = policy_or_defaults(federation)
    if request.method == "POST":
        form = RetentionPolicyForm(request.POST, instance=instance)
        if form.is_valid():
            federation_object_save(
                actor=request.user,
                model=RetentionPolicy,
                owner={"federation": federation},
                values=form.cleaned_data,
                pk=instance.pk,
            )
            messages.success(request, _("The retention periods were saved."))
            return redirect("retention:policy-edit")
    else:
        form = RetentionPolicyForm(instance=instance)
    return render(
        request,
        "fokus/manage/form.html",
        {"form": form, "title": _("Retention periods"), "back_url": "home"},
        status=400 if form.errors else 200,
    )

"""The second factor's pages: the code after the password, setting up the app, backup codes,
and a federation admin's reset of someone else's second factor."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fokus import policy
from fokus.forms import CodeForm
from fokus.models import User
from fokus.signin import two_factor

_CODES_SESSION_KEY = "fokus_new_backup_codes"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_app(request.user):
        return redirect("two-factor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = two_factor.second_factor_check(user=request.user, code=form.cleaned_data["code"])
        if check.device is not None:
            django_otp.login(request, check.device)
            if two_factor.backup_codes_left(request.user) <= 2:
                messages.warning(
                    request,
                    _("You have few backup codes left. Make new ones under Two-factor sign-in."),
                )
            return redirect(_next_url(request))
        if check.throttled:
            form.add_error("code", _("Too many wrong codes. Wait a minute and try again."))
        else:
            form.add_error("code", _("The code is wrong or has expired. Try the code shown now."))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    # Replacing an app needs the old factor: a password alone must not swap it out.
    if two_factor.has_app(user) and not user.is_verified():
        return redirect("two-factor-verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = two_factor.app_enrolment_confirm(
                user=user, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            django_otp.login(request, device)
            request.session[_CODES_SESSION_KEY] = codes
            messages.success(request, _("Two-factor sign-in is set up."))
            return redirect(f"{reverse('two-factor')}?{urlencode({'next': _next_url(request)})}")
    device = two_factor.app_enrolment_start(user=user)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_code": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
            "next": _next_url(request),
            "replacing": two_factor.has_app(user),
        },
        status=400 if form.errors else 200,
    )


@login_required
def two_factor_status(request: HttpRequest) -> HttpResponse:
    """The person's own second factor: the app, backup codes left, and new backup codes."""
    user = request.user
    if request.method == "POST":
        try:
            request.session[_CODES_SESSION_KEY] = two_factor.backup_codes_replace(user=user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        return redirect("two-factor")
    return render(
        request,
        "registration/two_factor.html",
        {
            "has_app": two_factor.has_app(user),
            "codes_left": two_factor.backup_codes_left(user),
            # Shown once, right after they were made; only the tokens stay stored.
            "new_codes": request.session.pop(_CODES_SESSION_KEY, None),
            "next": _next_url(request),
        },
    )


@login_required
@require_POST
def two_factor_reset(request: HttpRequest, public_id: UUID) -> HttpResponse:
    policy.require_federation_admin(request.user)
    user = get_object_or_404(User.objects.for_user(request.user), public_id=public_id)
    try:
        two_factor.two_factor_reset(actor=request.user, user=user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request,
            _("%(name)s sets up two-factor sign-in again at the next login; an e-mail was sent.")
            % {"name": user.full_name},
        )
    return redirect("manage:user-detail", public_id=user.public_id)

"""Login, logout and password pages: Django's views with our forms and Swedish templates, the
address-wide lockout and the password-reset limits of fokus/signin/."""

import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse_lazy

from fokus.forms import InvitingPasswordResetForm, LoginForm
from fokus.signin import lockout, reset
from fokus.signin.tokens import invitation_token_generator


def locked_out(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' lockout page: a Swedish explanation and a way forward, not a bare 403."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        # Per-account locks are django-axes'; an address trying many accounts is stopped here.
        if lockout.address_is_spraying(request):
            return locked_out(request)
        return super().post(request, *args, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = InvitingPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def post(self, request, *args, **kwargs):
        started = time.monotonic()
        if reset.client_is_flooding():
            response = render(request, "registration/password_reset_limited.html", status=429)
        else:
            response = super().post(request, *args, **kwargs)
        # The same time for a known and an unknown address: sending the mail must not show.
        time.sleep(
            max(0.0, settings.FOKUS_PASSWORD_RESET_MIN_SECONDS - (time.monotonic() - started))
        )
        return response

    def form_valid(self, form):
        if not reset.password_reset_requested(address=form.cleaned_data["email"]):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


login = LoginView.as_view()
logout = auth_views.LogoutView.as_view()
password_change = auth_views.PasswordChangeView.as_view()
password_change_done = auth_views.PasswordChangeDoneView.as_view()
password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    success_url=reverse_lazy("password_reset_complete")
)
# The link in an invitation e-mail: the same page, with the invitation's longer-lived token.
invitation_accept = auth_views.PasswordResetConfirmView.as_view(
    token_generator=invitation_token_generator,
    success_url=reverse_lazy("password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()

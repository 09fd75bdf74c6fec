"""Recording a consent, handing out its signed document, and recording its withdrawal.

The signed document lives under MEDIA_ROOT, which no URL serves: the only way to it is
`consent_document`, which checks who asks and logs that they did.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction
from referrals import drafts, services, uploads
from referrals.forms.consent import (
    DOCUMENT_CONTENT_TYPES,
    ConsentForm,
    ConsentWithdrawForm,
    document_extension,
)
from referrals.models import Referral
from referrals.services import ReferralError


def _get_referral(request: HttpRequest, public_id) -> Referral:
    return get_object_or_404(
        Referral.objects.for_user(request.user).select_related("project", "referring_agency"),
        public_id=public_id,
    )


@login_required
@csrf_exempt
def consent_record(request: HttpRequest, public_id) -> HttpResponse:
    """The upload's size limit must be in place before anything reads the request body, and
    the CSRF check reads it: so the check is made here, after the limit (Django's "modifying
    upload handlers on the fly")."""
    limit = uploads.install_limit(request)
    return _consent_record(request, public_id, limit)


@csrf_protect
def _consent_record(
    request: HttpRequest, public_id, limit: uploads.LimitedUploadHandler
) -> HttpResponse:
    user = request.user
    referral = _get_referral(request, public_id)
    if not policy.referrals.can_edit(user, referral):
        raise PermissionDenied(
            _("The consent is recorded by the referring case officer, before submitting.")
        )
    previous = drafts.consent_of(referral)
    if request.method == "POST" and uploads.declared_too_large(request):
        # Not read at all: nothing a consent form holds is this large.
        return render(
            request,
            "referrals/consent_record.html",
            {"referral": referral, "form": ConsentForm(), "previous": previous, "too_large": True},
            status=413,
        )
    if request.method == "POST":
        form = ConsentForm(request.POST, request.FILES, too_large=limit.too_large)
        if form.is_valid():
            try:
                drafts.consent_replace(
                    actor=user, referral=referral, consent=form.save(commit=False)
                )
            except ReferralError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The consent was recorded."))
                return redirect("referrals:referral-edit", referral.public_id)
    else:
        form = ConsentForm()
    return render(
        request,
        "referrals/consent_record.html",
        {"referral": referral, "form": form, "previous": previous},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def consent_document(request: HttpRequest, public_id) -> FileResponse:
    user = request.user
    referral = _get_referral(request, public_id)
    if not policy.referrals.can_see_details(user, referral):
        raise PermissionDenied(_("The consent has been withdrawn; its document is not shared."))
    if not policy.referrals.case_group_sees_full(user, referral, timezone.localdate()):
        raise PermissionDenied(
            _(
                "The ärendegrupp sees the signed consent only while the referral is queued and "
                "for a period after the decision; that period is over."
            )
        )
    consent = drafts.consent_of(referral)
    if consent is None or not consent.document:
        raise Http404(_("No signed consent has been uploaded."))
    extension = document_extension(consent.document.name)
    try:
        handle = consent.document.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("No signed consent has been uploaded.")) from missing
    log_access(
        actor=user,
        action=AccessAction.VIEW,
        obj=referral,
        detail="consent document",
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{_('consent')}-{consent.given_on.isoformat()}.{extension}",
        content_type=DOCUMENT_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def consent_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    referral = _get_referral(request, public_id)
    if not policy.referrals.can_withdraw_consent(user, referral):
        raise PermissionDenied(
            _(
                "The withdrawal of a consent in force is recorded by the referring case "
                "officer or the project's coordinator."
            )
        )
    consent = referral.consent
    if request.method == "POST":
        form = ConsentWithdrawForm(request.POST, consent=consent)
        if form.is_valid():
            try:
                services.consent_withdraw(
                    actor=user,
                    referral=referral,
                    withdrawn_on=form.cleaned_data["withdrawn_on"],
                    channel=form.cleaned_data["channel"],
                    note=form.cleaned_data["note"],
                )
            except ReferralError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _(
                        "The consent was withdrawn. From now on nothing about the person is "
                        "shared with the agencies."
                    ),
                )
                return redirect("referrals:referral-detail", referral.public_id)
    else:
        form = ConsentWithdrawForm(consent=consent)
    return render(
        request,
        "referrals/consent_withdraw.html",
        {"referral": referral, "consent": consent, "form": form},
        status=400 if form.errors else 200,
    )

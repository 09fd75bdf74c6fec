"""The case officer's side of a referral: "Mina anvisningar", the form, submission, withdrawal.

Every view fetches through `Referral.objects.for_user`, so another agency's or federation's
referral is a 404; what the user may do with one they can see is `referrals.permissions`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from fokus import conflicts, policy
from fokus.audit import log_access
from fokus.models import AccessAction, IntakeMode, User
from fokus.roles import Role
from referrals import drafts, eligibility, services
from referrals.forms.referral import (
    CONTACT_SLOTS,
    INCOME_SOURCES,
    OFFICER_FIELDS,
    PERSON_FIELDS,
    SLOT_LABELS,
    TARGET_GROUP_QUESTIONS,
    ReferralCreateForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralWithdrawForm,
)
from referrals.models import Referral
from referrals.services import ReferralError

# The roles that work with referrals at all; everyone else gets a 403 on the list.
REFERRAL_ROLES = {Role.CASE_OFFICER, Role.COORDINATOR, Role.CASE_GROUP_MEMBER}
PAGE_SIZE = 50


def _get_referral(request: HttpRequest, public_id) -> Referral:
    return get_object_or_404(
        Referral.objects.for_user(request.user).select_related(
            "project",
            "cohort__municipality",
            "referring_agency",
            "home_municipality",
            "meeting",
            "created_by",
        ),
        public_id=public_id,
    )


def _require_case_officer(user: User) -> None:
    if not policy.case_officer_agency_ids(user):
        raise PermissionDenied(_("Only an agency's case officers can refer people."))


def _require_can_edit(user: User, referral: Referral) -> None:
    if not policy.referrals.can_edit(user, referral):
        raise PermissionDenied(
            _("Only a draft can be changed, and only by the referring agency's case officers.")
        )


@login_required
@require_safe
def referral_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not policy.roles(user) & REFERRAL_ROLES:
        raise PermissionDenied(
            _("Only case officers, coordinators and ärendegrupp members see referrals.")
        )
    filters = ReferralFilterForm(request.GET, user=user)
    referrals = Referral.objects.for_user(user).select_related(
        "project", "cohort__municipality", "meeting", "referring_agency"
    )
    status = 200
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            referrals = referrals.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["project"]:
            referrals = referrals.filter(project=filters.cleaned_data["project"])
    else:
        status = 400
    page = Paginator(referrals.with_wait_list_position(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [
        (
            referral,
            policy.referrals.can_see_details(user, referral),
            policy.referrals.case_group_sees_full(user, referral, today),
        )
        for referral in page
    ]
    # A list of names is a look at each of them: logged like a detail page, by what it held.
    log_access(
        actor=user,
        action=AccessAction.VIEW,
        obj=filters.cleaned_data.get("project") if status == 200 else None,
        detail=f"referral list: page {page.number}, {len(rows)} of {page.paginator.count} listed",
    )
    return render(
        request,
        "referrals/referral_list.html",
        {
            "rows": rows,
            "page": page,
            "filters": filters,
            "can_create": bool(policy.case_officer_agency_ids(user)),
        },
        status=status,
    )


@login_required
def referral_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_case_officer(user)
    if request.method == "POST":
        form = ReferralCreateForm(request.POST, user=user)
        if form.is_valid():
            referral = drafts.referral_create_draft(
                actor=user, project=form.cleaned_data["project"], agency=form.cleaned_data["agency"]
            )
            messages.success(
                request,
                _("A draft referral was created. Fill it in; you can save and come back later."),
            )
            return redirect("referrals:referral-edit", referral.public_id)
    else:
        form = ReferralCreateForm(user=user)
    return render(
        request,
        "referrals/referral_create.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _render_edit(
    request: HttpRequest,
    referral: Referral,
    form: ReferralForm,
    *,
    submit_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    # The checklist describes the stored draft: an invalid form has already copied its
    # values onto `referral`, so read it afresh.
    stored = (
        Referral.objects.for_user(request.user)
        .select_related("project", "cohort__municipality", "referring_agency", "home_municipality")
        .get(pk=referral.pk)
    )
    check = eligibility.check(stored, today=timezone.localdate())
    consent = drafts.consent_of(stored)
    if stored.personnummer:
        # The form shows the stored number in full, so this page is a reveal too.
        log_access(
            actor=request.user,
            action=AccessAction.VIEW,
            obj=stored,
            detail="personnummer shown (edit form)",
        )
    return render(
        request,
        "referrals/referral_edit.html",
        {
            "referral": stored,
            "form": form,
            "check": check,
            "consent": consent,
            "submit_errors": submit_errors or [],
        },
        status=status,
    )


@login_required
def referral_edit(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    referral = _get_referral(request, public_id)
    _require_can_edit(user, referral)
    if request.method != "POST":
        return _render_edit(request, referral, ReferralForm(referral=referral))

    submitting = request.POST.get("action") == "submit"
    form = ReferralForm(request.POST, referral=referral)
    if not form.is_valid():
        # Nothing is saved: the page comes back with everything that was typed.
        return _render_edit(request, referral, form, status=400)

    submit_errors: list[str] = []
    try:
        referral = drafts.referral_draft_save(
            actor=user, draft=form.save(commit=False), version=form.cleaned_data["version"]
        )
    except conflicts.ConflictError as conflict:
        conflicts.keep_for_second_save(form, conflict)
        return _render_edit(request, referral, form, status=conflicts.CONFLICT_STATUS)
    except drafts.NoLongerDraft as gone:
        messages.error(request, gone.messages[0])
        return redirect("referrals:referral-detail", referral.public_id)
    except ReferralError as error:
        form.add_error(None, error)
        return _render_edit(request, referral, form, status=400)
    if submitting:
        # The saved draft stays saved when the submission is refused.
        try:
            result = services.referral_submit(actor=user, referral=referral)
        except ReferralError as error:
            submit_errors = error.messages

    if not submitting:
        messages.success(request, _("The draft was saved."))
        return redirect("referrals:referral-edit", referral.public_id)
    if submit_errors:
        return _render_edit(request, referral, form, submit_errors=submit_errors, status=400)
    submitted = result.referral
    if submitted.meeting is not None:
        messages.success(
            request,
            _("The referral was submitted. It is queued for the ärendemöte on %(date)s.")
            % {"date": submitted.meeting.date.isoformat()},
        )
    else:
        messages.success(
            request,
            _("The referral was submitted. It will be taken up at the next ärendemöte."),
        )
    return redirect("referrals:referral-detail", submitted.public_id)


def _display(referral: Referral, name: str):
    field = Referral._meta.get_field(name)
    if name == "personnummer":
        return referral.formatted_personnummer
    if field.choices:
        return getattr(referral, f"get_{name}_display")()
    value = getattr(referral, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def _label(name: str) -> str:
    return capfirst(Referral._meta.get_field(name).verbose_name)


def _details(referral: Referral) -> dict:
    """The read-only sections of the detail page, in paper-form order."""
    person = [(_label(name), _display(referral, name)) for name in PERSON_FIELDS]
    target_group = [
        (
            _label(name),
            _display(referral, name),
            getattr(referral, f"{name}_comment"),
        )
        for name in TARGET_GROUP_QUESTIONS
    ]
    income = [
        (_label(name), _display(referral, name), getattr(referral, f"{name}_comment"))
        for name in INCOME_SOURCES
    ]
    contacts = [
        (
            SLOT_LABELS[slot],
            getattr(referral, f"{slot}_involved"),
            getattr(referral, f"{slot}_contact"),
            getattr(referral, f"{slot}_phone"),
        )
        for slot in CONTACT_SLOTS
    ]
    texts = [
        (_("Background"), referral.background),
        (_("Purpose and goals"), referral.purpose),
        (_("Important to know"), referral.important_to_know),
        (_("Previous interventions"), referral.previous_interventions),
    ]
    officer = [(_label(name), _display(referral, name)) for name in OFFICER_FIELDS]
    return {
        "person": person,
        "target_group": target_group,
        "income": income,
        "contacts": contacts,
        "texts": texts,
        "officer": officer,
    }


def _render_detail(
    request: HttpRequest,
    referral: Referral,
    *,
    withdraw_form: ReferralWithdrawForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    can_see_details = policy.referrals.can_see_details(user, referral)
    sees_full = can_see_details and policy.referrals.case_group_sees_full(
        user, referral, timezone.localdate()
    )
    # Every rendering of this page shows the full personnummer, so every one is logged.
    log_access(
        actor=user,
        action=AccessAction.VIEW,
        obj=referral,
        detail="personnummer shown"
        if sees_full
        else ("summary only" if can_see_details else "status only"),
    )
    context = {
        "referral": referral,
        "can_see_details": can_see_details,
        "sees_full": sees_full,
        "history": referral.history.select_related("by"),
    }
    if can_see_details and not sees_full:
        context["access_days"] = user.federation.case_group_access_days
    if sees_full:
        consent = drafts.consent_of(referral)
        can_edit = policy.referrals.can_edit(user, referral)
        context |= {
            "details": _details(referral),
            "rolling_intake": referral.project.intake_mode == IntakeMode.ROLLING,
            "consent": consent,
            "can_edit": can_edit,
            "can_record_consent": can_edit,
            "can_withdraw": policy.referrals.can_withdraw(user, referral),
            "can_withdraw_consent": consent is not None
            and policy.referrals.can_withdraw_consent(user, referral),
            "withdraw_form": withdraw_form or ReferralWithdrawForm(),
        }
    return render(request, "referrals/referral_detail.html", context, status=status)


@login_required
@require_safe
def referral_detail(request: HttpRequest, public_id) -> HttpResponse:
    return _render_detail(request, _get_referral(request, public_id))


@login_required
@require_POST
def referral_withdraw(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    referral = _get_referral(request, public_id)
    if not policy.referrals.can_withdraw(user, referral):
        raise PermissionDenied(
            _("Only the referring agency can withdraw a referral that is not yet decided.")
        )
    form = ReferralWithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.referral_withdraw(
                actor=user, referral=referral, reason=form.cleaned_data["reason"]
            )
        except ReferralError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The referral was withdrawn."))
            return redirect("referrals:referral-detail", referral.public_id)
    return _render_detail(request, referral, withdraw_form=form, status=400)


@login_required
@require_POST
def referral_delete(request: HttpRequest, public_id) -> HttpResponse:
    user = request.user
    referral = _get_referral(request, public_id)
    _require_can_edit(user, referral)
    try:
        drafts.referral_draft_delete(actor=user, referral=referral)
    except drafts.NoLongerDraft as gone:
        messages.error(request, gone.messages[0])
        return redirect("referrals:referral-detail", referral.public_id)
    messages.success(request, _("The draft was deleted."))
    return redirect("referrals:referral-list")

"""Federation admins' pages for people and their roles."""

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fokus import policy
from fokus.forms import MembershipForm, RoleRequestDecisionForm, UserFilterForm, UserForm
from fokus.memberships import (
    membership_add,
    membership_remove,
    role_grant_decide,
    role_grant_request,
)
from fokus.models import Membership, RoleGrantRequest, User
from fokus.services import user_invite, user_send_invitation, user_update
from fokus.signin import two_factor


def _managed_user(request: HttpRequest, public_id: UUID) -> User:
    policy.require_federation_admin(request.user)
    return get_object_or_404(User.objects.for_user(request.user), public_id=public_id)


def _pending_requests(request: HttpRequest, **lookup) -> list[tuple[RoleGrantRequest, bool]]:
    """The federation's role requests waiting for a second admin, each with whether the
    user may decide it (not their own)."""
    pending = (
        RoleGrantRequest.objects.for_user(request.user)
        .pending()
        .filter(**lookup)
        .select_related("user", "requested_by", "project", "agency")
    )
    return [(grant, policy.grants.can_decide(request.user, grant)) for grant in pending]


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    filters = UserFilterForm(request.GET or None)
    users = User.objects.for_user(request.user).prefetch_related(
        "memberships__project", "memberships__agency"
    )
    if filters.is_valid():
        if q := filters.cleaned_data["q"].strip():
            users = users.filter(Q(full_name__icontains=q) | Q(email__icontains=q))
        if role := filters.cleaned_data["role"]:
            users = users.filter(memberships__role=role).distinct()
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "fokus/manage/user_list.html",
        {"page": page, "filters": filters, "role_requests": _pending_requests(request)},
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    policy.require_federation_admin(request.user)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_invite(
            actor=request.user, federation=request.user.federation, **form.cleaned_data
        )
        messages.success(
            request,
            _("The account was created and an invitation was sent to %(email)s.")
            % {"email": user.email},
        )
        return redirect("manage:user-detail", public_id=user.public_id)
    return render(
        request,
        "fokus/manage/form.html",
        {"form": form, "title": _("New user"), "back_url": "manage:user-list"},
        status=400 if form.errors else 200,
    )


@login_required
def user_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _managed_user(request, public_id)
    form = MembershipForm(user=user)
    return _render_detail(request, user, form)


def _render_detail(
    request: HttpRequest, user: User, form: MembershipForm, status: int = 200, error: str = ""
):
    memberships = Membership.objects.filter(user=user).select_related("project", "agency")
    return render(
        request,
        "fokus/manage/user_detail.html",
        {
            "managed": user,
            "memberships": memberships,
            "membership_form": form,
            "role_requests": _pending_requests(request, user=user),
            "has_two_factor": two_factor.has_app(user),
            "error": error,
        },
        status=status,
    )


@login_required
def user_edit(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _managed_user(request, public_id)
    form = UserForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        try:
            user_update(actor=request.user, user=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The user was saved."))
            return redirect("manage:user-detail", public_id=user.public_id)
    return render(
        request,
        "fokus/manage/form.html",
        {
            "form": form,
            "title": _("Change user"),
            "back_url": "manage:user-detail",
            "back_arg": user.public_id,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def user_invite_again(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _managed_user(request, public_id)
    if not user.is_active:
        messages.error(request, _("The account is deactivated; activate it first."))
    else:
        user_send_invitation(user=user)
        messages.success(
            request, _("A new invitation was sent to %(email)s.") % {"email": user.email}
        )
    return redirect("manage:user-detail", public_id=user.public_id)


@login_required
@require_POST
def membership_create(request: HttpRequest, public_id: UUID) -> HttpResponse:
    user = _managed_user(request, public_id)
    form = MembershipForm(request.POST, user=user)
    if not form.is_valid():
        return _render_detail(request, user, form, status=400)
    try:
        if policy.grants.needs_second_admin(request.user, user, form.cleaned_data["role"]):
            role_grant_request(actor=request.user, user=user, **form.cleaned_data)
            done = _(
                "Your request was sent to the federation's other administrators. You get "
                "the role when one of them approves it."
            )
        else:
            membership_add(actor=request.user, user=user, **form.cleaned_data)
            done = _("The role was added.")
    except ValidationError as error:
        form.add_error(None, error)
        return _render_detail(request, user, form, status=400)
    messages.success(request, done)
    return redirect("manage:user-detail", public_id=user.public_id)


@login_required
@require_POST
def membership_delete(request: HttpRequest, public_id: UUID, pk: int) -> HttpResponse:
    user = _managed_user(request, public_id)
    membership = get_object_or_404(Membership.objects.filter(user=user), pk=pk)
    try:
        membership_remove(actor=request.user, membership=membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role was removed."))
    return redirect("manage:user-detail", public_id=user.public_id)


@login_required
@require_POST
def role_request_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Another admin approves or refuses a role an admin asked for themselves."""
    policy.require_federation_admin(request.user)
    grant = get_object_or_404(
        RoleGrantRequest.objects.for_user(request.user).select_related("user"), pk=pk
    )
    if not policy.grants.can_decide(request.user, grant):
        raise PermissionDenied(_("Another administrator must decide on your own request."))
    form = RoleRequestDecisionForm(request.POST)
    if not form.is_valid():
        error = " ".join(form.errors["outcome"])
        return _render_detail(request, grant.user, MembershipForm(user=grant.user), 400, error)
    try:
        role_grant_decide(actor=request.user, grant_request=grant, approve=form.approves)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The request was approved and the role given.")
            if form.approves
            else _("The request was refused."),
        )
    return redirect("manage:user-detail", public_id=grant.user.public_id)

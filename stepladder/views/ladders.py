"""Ladder definitions, for the federation's admins: the built-in ladders (read-only) and the
federation's own, their versions, and which ladder each project rates on.

Another federation's own ladder is simply not found (404); a built-in ladder is visible to the
admins of every federation. A project's ladder is the project permission "project.settings".
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fokus import policy
from fokus.models import Project, User
from fokus.numbers import int_or_404
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from fokus.versions import chain_of
from stepladder import ladders as services
from stepladder import project_ladder as settings_of
from stepladder.forms.ladders import (
    EXTRA_ROWS,
    NEW_LADDER_ROWS,
    LadderForm,
    ProjectLadderForm,
    StepFormSet,
    step_initial,
    with_more_rows,
)
from stepladder.models import Ladder, ProjectLadder, Rating


def _ladders(request: HttpRequest):
    """The ladders the admin may see: built-in and the federation's own."""
    policy.require_federation_admin(request.user)
    return Ladder.objects.in_federation(request.user)


def _in_use(user: User) -> Exists:
    # Counted in the admin's federation only: whether another federation rates on a shared
    # built-in ladder is not this federation's business. An own ladder is rated on only
    # in its own federation.
    return Exists(Rating.objects.in_federation(user).filter(step__ladder=OuterRef("pk")))


def _projects_by_ladder(user: User) -> dict[int, list[tuple[Project, bool]]]:
    """Ladder pk → [(project, chosen)]: the federation's projects that rate on the ladder.
    Projects without a setting rate on the default ladder (chosen False). Two queries."""
    by_ladder: dict[int, list[tuple[Project, bool]]] = defaultdict(list)
    settings = ProjectLadder.objects.in_federation(user).select_related("project")
    for setting in settings.order_by("project__name"):
        by_ladder[setting.ladder_id].append((setting.project, True))
    default = (
        Ladder.objects.in_federation(user)
        .filter(is_default=True)
        .values_list("pk", flat=True)
        .first()
    )
    if default is not None:
        unset = Project.objects.for_user(user).filter(ladder_setting__isnull=True)
        by_ladder[default] += [(project, False) for project in unset.order_by("name")]
    return by_ladder


@login_required
@require_http_methods(["GET", "HEAD"])
def ladder_list(request: HttpRequest) -> HttpResponse:
    ladders = (
        _ladders(request)
        .annotate(step_count=Count("steps"), in_use=_in_use(request.user))
        .order_by("name", "version")
    )
    projects = _projects_by_ladder(request.user)
    rows = [(ladder, projects.get(ladder.pk, [])) for ladder in ladders]
    return render(
        request,
        "stepladder/ladder_list.html",
        {
            "own": [row for row in rows if row[0].federation_id is not None],
            "built_in": [row for row in rows if row[0].federation_id is None],
        },
    )


def _chain(ladder: Ladder) -> list[Ladder]:
    return chain_of(ladder) if ladder.federation_id is not None else [ladder]


def _render_detail(
    request: HttpRequest, ladder: Ladder, *, refusal: str | None = None, status: int = 200
) -> HttpResponse:
    steps = ladder.steps.prefetch_related("markers")
    chain = _chain(ladder)
    position = next(i for i, version in enumerate(chain) if version.pk == ladder.pk)
    in_use = _ladders(request).filter(pk=ladder.pk).filter(_in_use(request.user)).exists()
    return render(
        request,
        "stepladder/ladder_detail.html",
        {
            "ladder": ladder,
            "steps": steps,
            "chain": chain,
            "previous": chain[position - 1] if position > 0 else None,
            "next": chain[position + 1] if position + 1 < len(chain) else None,
            "latest": chain[-1],
            "in_use": in_use,
            "projects": _projects_by_ladder(request.user).get(ladder.pk, []),
            "built_in": ladder.federation_id is None,
            "can_edit": services.edit_refusal(ladder) is None,
            "refusal": refusal,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def ladder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ladder = get_object_or_404(_ladders(request), pk=pk)
    return _render_detail(request, ladder)


def _ladder_form(
    request: HttpRequest,
    *,
    ladder: Ladder | None,
    initial: dict,
    steps: list,
    title: str,
    source: Ladder | None = None,
) -> HttpResponse:
    """The create and edit page: one form for the name and the step rows."""
    federation_id = request.user.federation_id
    status = 200
    if request.method == "POST":
        if "more_rows" in request.POST:
            # Not a save: the same page with more empty rows, nothing checked yet.
            data = with_more_rows(request.POST)
            form = LadderForm(data, federation_id=federation_id, ladder=ladder)
            formset = StepFormSet(data)
            return _render_form(request, form, formset, ladder, title, source, checked=False)
        form = LadderForm(request.POST, federation_id=federation_id, ladder=ladder)
        formset = StepFormSet(request.POST)
        if form.is_valid() & formset.is_valid():  # both, so every error shows at once
            values = {
                "actor": request.user,
                "name": form.cleaned_data["name"],
                "description": form.cleaned_data["description"],
                "steps": formset.steps(),
            }
            try:
                if ladder is None:
                    saved = services.ladder_create(federation=request.user.federation, **values)
                else:
                    saved = services.ladder_update(ladder=ladder, **values)
            except services.LadderNameTaken:
                form.add_error(
                    "name",
                    _("The federation already has a ladder called %(name)s. Choose another name.")
                    % {"name": values["name"]},
                )
            except services.LadderLocked as refused:
                return _render_detail(request, ladder, refusal=str(refused), status=403)
            else:
                messages.success(request, _("The ladder %(ladder)s was saved.") % {"ladder": saved})
                return redirect("stepladder:ladder-detail", saved.pk)
        status = 400
    else:
        form = LadderForm(initial=initial, federation_id=federation_id, ladder=ladder)
        rows = len(steps) + EXTRA_ROWS if steps else NEW_LADDER_ROWS
        formset = StepFormSet(initial=step_initial(steps), rows=rows)
    return _render_form(request, form, formset, ladder, title, source, status=status)


def _render_form(request, form, formset, ladder, title, source, *, checked=True, status=200):
    return render(
        request,
        "stepladder/ladder_form.html",
        {
            "form": form,
            "formset": formset,
            "ladder": ladder,
            "title": title,
            "source": source,
            "has_errors": checked and bool(form.errors or formset.total_error_count()),
            "can_add_rows": formset.total_form_count() < formset.max_num,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ladder_create(request: HttpRequest) -> HttpResponse:
    visible = _ladders(request)
    source = None
    if "from" in request.GET:
        # Prefill from a built-in or own ladder; anything else is not found.
        source = get_object_or_404(visible, pk=int_or_404(request.GET["from"]))
    initial = {"description": source.description} if source else {}
    steps = services.steps_of(source) if source else []
    return _ladder_form(
        request,
        ladder=None,
        initial=initial,
        steps=steps,
        title=_("New ladder"),
        source=source,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ladder_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ladder = get_object_or_404(_ladders(request), pk=pk)
    refusal = services.edit_refusal(ladder)
    if refusal:
        return _render_detail(request, ladder, refusal=refusal, status=403)
    return _ladder_form(
        request,
        ladder=ladder,
        initial={"name": ladder.name, "description": ladder.description},
        steps=services.steps_of(ladder),
        title=_("Change ladder"),
    )


@login_required
@require_POST
def ladder_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    ladder = get_object_or_404(_ladders(request), pk=pk)
    copy = services.ladder_new_version(actor=request.user, ladder=ladder)
    messages.success(
        request,
        _(
            "%(ladder)s was made as a copy of %(source)s. Change it here; ratings already made "
            "stay on the old ladder."
        )
        % {"ladder": copy, "source": ladder},
    )
    return redirect("stepladder:ladder-edit", copy.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@project_view("project.settings")
def project_ladder(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    current = settings_of.ladder_for(project)
    if request.method == "POST":
        form = ProjectLadderForm(request.POST, project=project)
        if form.is_valid():
            ladder = form.cleaned_data["ladder"]
            services.project_ladder_save(
                actor=request.user,
                project=project,
                ladder=ladder,
                interval_months=form.cleaned_data["interval_months"],
            )
            messages.success(
                request,
                _("%(project)s now rates on %(ladder)s.")
                % {"project": project.name, "ladder": ladder},
            )
            if ladder.pk != current.pk and services.ratings_on_other_ladders(project, ladder):
                messages.warning(
                    request,
                    _(
                        "Ratings made before the change stay on the ladder they were made on; "
                        "new ratings use %(ladder)s."
                    )
                    % {"ladder": ladder},
                )
            return redirect("project-detail", project.pk)
    else:
        form = ProjectLadderForm(
            project=project,
            initial={
                "ladder": current.pk,
                "interval_months": settings_of.interval_months(project),
            },
        )
    return render(
        request,
        "stepladder/project_ladder_form.html",
        {
            "form": form,
            "project": project,
            "current": current,
            "has_ratings": Rating.objects.in_federation(request.user)
            .filter(enrolment__project=project)
            .exists(),
        },
        status=400 if form.errors else 200,
    )

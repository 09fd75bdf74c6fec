"""The import pages of a project: upload, the dry run's preview, and the confirmation. The
work itself runs as background jobs (`imports.jobs`); these pages start them and show what
they found."""

from __future__ import annotations

import csv
import io

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from fokus.jobs import start_job
from fokus.models import ImportBatch, ImportKind
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from imports import services
from imports.forms import CommitForm, UploadForm
from imports.outcomes import Outcome
from surveys.models import Survey

PREVIEW_ROWS_PER_PAGE = 200


def _surveys(user, project):
    return Survey.objects.in_federation(user).filter(project=project).order_by("name", "version")


# What each kind's section says about its file (the columns: docs/import.md).
KIND_HELP = {
    ImportKind.PARTICIPANTS: gettext_lazy(
        "One row per participation: referral, start and exit with their dates. Import these "
        "first: ratings and responses refer to them by external_id."
    ),
    ImportKind.RATINGS: gettext_lazy(
        "One row per step rating of a participant imported before, by their external_id."
    ),
    ImportKind.RESPONSES: gettext_lazy(
        "One row per filled-in survey form, one column per question by its number."
    ),
}


@project_view("imports.run")
def import_index(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    surveys = list(_surveys(request.user, project))
    posted = None
    if request.method == "POST":
        # A post without a kind of ours is the first form's: it is refused with its errors.
        posted = request.POST.get("kind")
        if posted not in ImportKind.values:
            posted = ImportKind.PARTICIPANTS
    forms = {
        kind: UploadForm(
            request.POST if kind == posted else None,
            request.FILES if kind == posted else None,
            kind=kind,
            surveys=surveys,
        )
        for kind in ImportKind.values
    }
    form = forms.get(posted)
    if form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        survey = form.cleaned_data.get("survey")
        try:
            batch = services.import_upload(
                actor=request.user,
                project=project,
                kind=posted,
                file_name=upload.name,
                content=upload.read(),
                survey_id=int(survey) if survey else None,
            )
        except services.ImportRefused as refused:
            form.add_error(None, refused.messages[0])
        else:
            job = start_job(
                kind="imports.preview",
                user=request.user,
                project=project,
                title=_("Checking %(file)s") % {"file": batch.file_name},
                params={"batch_id": batch.pk},
            )
            return redirect("job", public_id=job.public_id)
    elif form is not None and "kind" in form.errors:
        form.add_error(None, _("Choose what the file holds."))
    batches = ImportBatch.objects.filter(project=project).select_related("created_by")[:20]
    sections = [(kind, label, KIND_HELP[kind], forms[kind]) for kind, label in ImportKind.choices]
    has_errors = any(f.errors for f in forms.values())
    return render(
        request,
        "imports/index.html",
        {"project": project, "sections": sections, "batches": batches},
        status=400 if has_errors else 200,
    )


@project_view("imports.run")
def column_template(request: HttpRequest, access: ProjectAccess, kind: str) -> HttpResponse:
    """An empty file with the kind's header row, to fill in."""
    if kind not in services.IMPORTERS:
        raise Http404
    columns = [field.column_name for field in services.IMPORTERS[kind].columns()]
    if kind == ImportKind.RESPONSES:
        columns += ["1", "2", "3"]
    buffer = io.StringIO()
    csv.writer(buffer).writerow(columns)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fokus-{kind}.csv"'
    return response


def _batch(access: ProjectAccess, public_id) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.select_related("created_by", "committed_by"),
        project=access.project,
        public_id=public_id,
    )


@project_view("imports.run")
def batch_detail(request: HttpRequest, access: ProjectAccess, public_id) -> HttpResponse:
    batch = _batch(access, public_id)
    preview = batch.preview or {}
    rows = preview.get("rows", [])
    shown = request.GET.get("outcome", "")
    if shown in Outcome.values:
        rows = [row for row in rows if row["outcome"] == shown]
    page = Paginator(rows, PREVIEW_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    counts = preview.get("counts", {})
    survey = _surveys(request.user, access.project).filter(pk=batch.survey_id).first()
    return render(
        request,
        "imports/batch.html",
        {
            "project": access.project,
            "batch": batch,
            "survey": survey,
            "page": page,
            "counts": counts,
            "notes": preview.get("notes", []),
            "file_error": preview.get("error", ""),
            "outcomes": Outcome.choices,
            "shown": shown,
            "has_errors": bool(counts.get(Outcome.ERROR)),
            "writable": counts.get(Outcome.NEW, 0) + counts.get(Outcome.UPDATED, 0),
            "can_commit": batch.status == ImportBatch.Status.PREVIEWED,
        },
    )


@require_POST
@project_view("imports.run")
def batch_commit(request: HttpRequest, access: ProjectAccess, public_id) -> HttpResponse:
    batch = _batch(access, public_id)
    form = CommitForm(request.POST)
    only_valid_rows = form.is_valid() and form.cleaned_data["only_valid_rows"]
    if batch.status != ImportBatch.Status.PREVIEWED:
        return redirect("imports:batch", access.project.pk, batch.public_id)
    job = start_job(
        kind="imports.commit",
        user=request.user,
        project=access.project,
        title=_("Importing %(file)s") % {"file": batch.file_name},
        params={"batch_id": batch.pk, "only_valid_rows": only_valid_rows},
    )
    return redirect("job", public_id=job.public_id)

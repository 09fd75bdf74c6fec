"""Distribution pages: the partner contact register, sending personal links by e-mail and
reminding, a cohort's anonymous link with its printable QR code, and personal links per
participant when the project follows individuals.

All of it is the project's coordinators' work ("surveys.manage"). Federation staff see
aggregated results elsewhere but never the contacts' names or anyone's link (403); another
federation's survey, contact or cohort, or a project the user has no role in, is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cohorts.models import Cohort
from fokus import policy
from fokus.jobs import start_job
from fokus.models import Project
from fokus.policy import ProjectAccess
from fokus.policy.views import project_view
from surveys import distribution, partners
from surveys import jobs as survey_jobs
from surveys.forms.distribution import ContactForm, ExpiryForm, SendForm
from surveys.links import anonymous_url, default_expiry
from surveys.models import Audience, Contact, Survey
from surveys.qr import qr_svg


def _survey(request: HttpRequest, public_id, *, audience: str) -> Survey:
    """A project survey of the user's federation, for the given audience, that the user
    manages. Built-in templates are never sent: they have no project, so they 404 here."""
    policy.require_any_role(request.user)
    survey = get_object_or_404(
        Survey.objects.in_federation(request.user)
        .filter(project__isnull=False)
        .select_related("project"),
        public_id=public_id,
    )
    policy.project_access_for(request.user, survey.project, "surveys.manage")
    if survey.audience != audience:
        raise Http404
    return survey


def _cohort(request: HttpRequest, survey: Survey, cohort_pk: int) -> Cohort:
    return get_object_or_404(
        Cohort.objects.for_user(request.user).select_related("municipality"),
        pk=cohort_pk,
        project_id=survey.project_id,
    )


# --- Contact register -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
@project_view("surveys.manage")
def contact_list(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    project = access.project
    contacts = Contact.objects.for_user(request.user).filter(project=project)
    contacts = contacts.select_related("agency")
    return render(
        request,
        "surveys/contact_list.html",
        {"project": project, "contacts": contacts},
    )


def _contact_form(request: HttpRequest, *, project: Project, contact: Contact | None):
    if request.method == "POST":
        form = ContactForm(request.POST, instance=contact, project=project)
        if form.is_valid():
            saved = partners.contact_save(
                actor=request.user, project=project, contact=contact, **form.cleaned_data
            )
            messages.success(request, _("The contact %(name)s was saved.") % {"name": saved.name})
            return redirect("surveys:contact-list", project.pk)
    else:
        form = ContactForm(instance=contact, project=project)
    return render(
        request,
        "surveys/contact_form.html",
        {
            "form": form,
            "project": project,
            "contact": contact,
            "title": _("Change contact") if contact else _("New contact"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
@project_view("surveys.manage")
def contact_create(request: HttpRequest, access: ProjectAccess) -> HttpResponse:
    return _contact_form(request, project=access.project, contact=None)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    contact = get_object_or_404(
        Contact.objects.in_federation(request.user).select_related("project"), pk=pk
    )
    policy.project_access_for(request.user, contact.project, "surveys.manage")
    return _contact_form(request, project=contact.project, contact=contact)


# --- Partner survey: sending and reminding ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def survey_send(request: HttpRequest, public_id) -> HttpResponse:
    survey = _survey(request, public_id, audience=Audience.PARTNERS)
    to_invite = partners.contacts_to_invite(survey)
    status = 200
    if request.method == "POST":
        form = SendForm(request.POST, contacts=to_invite)
        if not survey.is_open:
            # The form is not shown for a closed survey; a stale or tampered page lands here.
            messages.error(request, _("The survey is closed: no links were sent."))
            status = 400
        elif form.is_valid():
            contacts = list(form.cleaned_data["contacts"])
            job = start_job(
                kind=survey_jobs.INVITE,
                user=request.user,
                project=survey.project,
                title=ngettext(
                    "Sending %(survey)s to %(count)d contact",
                    "Sending %(survey)s to %(count)d contacts",
                    len(contacts),
                )
                % {"survey": survey.name, "count": len(contacts)},
                params={
                    "survey_id": survey.pk,
                    "contact_ids": [contact.pk for contact in contacts],
                    "expires_on": form.cleaned_data["expires_on"].isoformat(),
                },
            )
            return redirect("job", public_id=job.public_id)
        else:
            status = 400
    else:
        form = SendForm(contacts=to_invite, initial={"expires_on": default_expiry()})
    rows = partners.contact_rows(survey)
    invited = [row for row in rows if row.invitation]
    chosen = {str(pk) for pk in form["contacts"].value() or []} if form.is_bound else set()
    return render(
        request,
        "surveys/survey_send.html",
        {
            "survey": survey,
            "project": survey.project,
            "form": form,
            "rows": rows,
            "chosen": chosen,
            "can_send": survey.is_open and to_invite.exists(),
            "invited_count": len(invited),
            "answered_count": sum(1 for row in invited if row.answered),
            "remindable_count": sum(
                1
                for row in invited
                if not row.answered and not row.expired and row.contact.is_active
            ),
        },
        status=status,
    )


@login_required
@require_POST
def survey_remind(request: HttpRequest, public_id) -> HttpResponse:
    survey = _survey(request, public_id, audience=Audience.PARTNERS)
    if not survey.is_open:
        messages.error(request, _("The survey is closed: no reminders were sent."))
        return redirect("surveys:survey-send", survey.public_id)
    pending = partners.invitations_to_remind(survey).count()
    if not pending:
        messages.success(
            request,
            ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", 0) % {"count": 0},
        )
        return redirect("surveys:survey-send", survey.public_id)
    job = start_job(
        kind=survey_jobs.REMIND,
        user=request.user,
        project=survey.project,
        title=ngettext(
            "Reminding %(count)d contact of %(survey)s",
            "Reminding %(count)d contacts of %(survey)s",
            pending,
        )
        % {"survey": survey.name, "count": pending},
        params={"survey_id": survey.pk},
    )
    return redirect("job", public_id=job.public_id)


# --- Participant surveys: the cohort's anonymous link -----------------------------------------


def _link_session_key(link) -> str:
    return f"surveys-anonymous-link-{link.pk}"


@login_required
@require_http_methods(["GET", "POST"])
def anonymous_link(request: HttpRequest, public_id, cohort_pk: int) -> HttpResponse:
    survey = _survey(request, public_id, audience=Audience.PARTICIPANTS)
    cohort = _cohort(request, survey, cohort_pk)
    status = 200
    if request.method == "POST":
        form = ExpiryForm(request.POST, required=False)
        renew = request.POST.get("action") == "renew"
        if not survey.is_open:
            messages.error(request, _("The survey is closed: no link was made."))
            status = 400
        elif form.is_valid():
            link = distribution.anonymous_link_create(
                actor=request.user,
                survey=survey,
                cohort=cohort,
                expires_on=form.cleaned_data["expires_on"],
                renew=renew,
            )
            if getattr(link, "token", None):
                # Only its hash is stored: this session keeps the plain token to show and print.
                request.session[_link_session_key(link)] = link.token
            messages.success(
                request,
                _("A new link was made; the old link and its QR code no longer work.")
                if renew
                else _("The link was made."),
            )
            return redirect("surveys:anonymous-link", survey.public_id, cohort.pk)
        else:
            status = 400
    else:
        form = ExpiryForm(required=False)
    link = distribution.active_anonymous_link(survey, cohort)
    token = request.session.get(_link_session_key(link)) if link else None
    url = anonymous_url(token) if token else ""
    return render(
        request,
        "surveys/anonymous_link.html",
        {
            "survey": survey,
            "project": survey.project,
            "cohort": cohort,
            "form": form,
            "link": link,
            "url": url,
            "qr": qr_svg(url, size="80mm") if url else "",
            "expired": bool(link and link.expires_on and link.expires_on < timezone.localdate()),
        },
        status=status,
    )


# --- Participant surveys: personal links ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def participant_links(request: HttpRequest, public_id, cohort_pk: int) -> HttpResponse:
    survey = _survey(request, public_id, audience=Audience.PARTICIPANTS)
    if not survey.follows_individuals:
        raise PermissionDenied(
            _(
                "This survey does not follow individual participants: use the start's "
                "anonymous link instead."
            )
        )
    cohort = _cohort(request, survey, cohort_pk)
    status = 200
    if request.method == "POST":
        form = ExpiryForm(request.POST)
        reissue = request.POST.get("action") == "reissue"
        if not survey.is_open:
            messages.error(request, _("The survey is closed: no links were made."))
            status = 400
        elif form.is_valid():
            issued = distribution.participant_links_issue(
                actor=request.user,
                survey=survey,
                cohort=cohort,
                expires_on=form.cleaned_data["expires_on"],
                reissue=reissue,
            )
            # Rendered, not redirected: the tokens exist only in this response and are shown
            # once. The page must not be cached by the browser or a proxy.
            response = render(
                request,
                "surveys/participant_links.html",
                {
                    "survey": survey,
                    "project": survey.project,
                    "cohort": cohort,
                    "issued": [(link, qr_svg(link.url, size="35mm")) for link in issued],
                    "issued_now": True,
                    "expires_on": form.cleaned_data["expires_on"],
                },
            )
            add_never_cache_headers(response)
            return response
        else:
            status = 400
    else:
        form = ExpiryForm(initial={"expires_on": default_expiry()})
    rows = distribution.participant_rows(survey, cohort)
    return render(
        request,
        "surveys/participant_links.html",
        {
            "survey": survey,
            "project": survey.project,
            "cohort": cohort,
            "form": form,
            "rows": rows,
            "without_link": sum(1 for row in rows if row.invitation is None),
            "not_answered": sum(1 for row in rows if row.invitation and not row.answered),
            "issued_now": False,
        },
        status=status,
    )

"""Invitation letters (kallelser): writing one for a participation and printing it as a PDF."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fokus import policy
from fokus.audit import log_access
from fokus.models import AccessAction
from participants import letters as letter_services
from participants.forms.letters import InvitationLetterForm
from participants.models import Enrolment, InvitationLetter
from participants.services import project_coordinators
from participants.views.lookup import enrolment_for as _enrolment


def _initial(request: HttpRequest, enrolment: Enrolment) -> dict:
    """Start from the previous letter when there is one (a new time for the same person), else
    from the cohort's start and the responsible coordinator."""
    previous = enrolment.letters.select_related("contact").first()
    if previous is not None:
        group_at = previous.group_starts_at and timezone.localtime(previous.group_starts_at)
        return {
            "intake_place": previous.intake_place,
            "group_date": group_at.date() if group_at else None,
            "group_time": group_at.time() if group_at else None,
            "group_place": previous.group_place,
            "contact": previous.contact_id,
            "contact_phone": previous.contact_phone,
        }
    coordinators = project_coordinators(enrolment.project_id)
    contact = enrolment.coordinator
    if contact is None or not coordinators.filter(pk=contact.pk).exists():
        contact = request.user
    initial = {"contact": contact.pk, "contact_phone": contact.phone}
    if enrolment.cohort and enrolment.cohort.start_date >= timezone.localdate():
        initial["group_date"] = enrolment.cohort.start_date
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest, public_id) -> HttpResponse:
    enrolment = _enrolment(request, public_id)
    if not letter_services.can_write_letter(enrolment):
        raise PermissionDenied(
            _("Invitation letters are only written for accepted or active participations.")
        )
    if request.method == "POST":
        form = InvitationLetterForm(request.POST, enrolment=enrolment)
        if form.is_valid():
            try:
                letter = letter_services.letter_create(
                    actor=request.user,
                    enrolment=enrolment,
                    **form.letter_values(),
                )
            except letter_services.LetterError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    format_html(
                        '{} <a class="alert-link" href="{}">{}</a>',
                        _("The invitation letter was created."),
                        reverse("participants:letter-pdf", args=[letter.pk]),
                        _("Open the letter (PDF) to print it."),
                    ),
                )
                return redirect("participants:letter-create", enrolment.public_id)
    else:
        form = InvitationLetterForm(enrolment=enrolment, initial=_initial(request, enrolment))
    referral = enrolment.referral
    return render(
        request,
        "participants/letter_form.html",
        {
            "enrolment": enrolment,
            "referral": referral,
            "form": form,
            "letters": enrolment.letters.select_related("created_by", "contact"),
            # Without a postal address the letter cannot go in the post: say so before printing.
            "missing_address": not referral.protected_identity
            and not (referral.street_address and referral.postal_code and referral.city),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def letter_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require_any_role(request.user)
    letter = get_object_or_404(
        InvitationLetter.objects.in_federation(request.user).select_related("enrolment"),
        pk=pk,
    )
    enrolment = letter.enrolment
    policy.require_project(request.user, enrolment.project)
    if not policy.enrolments.can_coordinate(request.user, enrolment):
        raise PermissionDenied(_("Only the project's coordinators work with its participants."))
    pdf = letter_services.render_letter_pdf(letter)
    # Every print is traced: the letter carries a name and an address.
    log_access(
        actor=request.user,
        action=AccessAction.PRINT,
        obj=enrolment,
        detail="kallelse",
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    # Only the date in the file name: names and personnummer must not end up in download folders.
    day = timezone.localtime(letter.intake_at).date()
    response["Content-Disposition"] = f'inline; filename="kallelse-{day:%Y-%m-%d}.pdf"'
    response["Cache-Control"] = "no-store"
    return response

"""A referral while it is a draft: created, saved, given its consent, deleted — by the
referring agency's case officers. Submitting it is `referrals.services.referral_submit`."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from fokus import conflicts, text_limits
from fokus.audit import log_access
from fokus.models import AccessAction, Agency, Project, User
from referrals.models import Consent, Referral, ReferralStatus
from referrals.services import ReferralError, consent_record


class NoLongerDraft(ReferralError):
    """Another officer of the agency submitted or deleted it meanwhile."""


def _locked_draft(referral: Referral) -> Referral:
    draft = (
        Referral.objects.select_for_update()
        .filter(pk=referral.pk, status=ReferralStatus.DRAFT)
        .first()
    )
    if draft is None:
        raise NoLongerDraft(_("The referral is no longer a draft and was not changed."))
    return draft


def _delete_document_after_commit(consent: Consent | None) -> None:
    if consent is not None and consent.document:
        storage, name = consent.document.storage, consent.document.name
        transaction.on_commit(lambda: storage.delete(name))


def consent_of(referral: Referral) -> Consent | None:
    try:
        return referral.consent
    except Consent.DoesNotExist:
        return None


@transaction.atomic
def referral_create_draft(*, actor: User, project: Project, agency: Agency) -> Referral:
    """An empty draft of `agency` to `project`, with the officer's contact details."""
    referral = Referral.objects.create(
        federation_id=actor.federation_id,
        project=project,
        referring_agency=agency,
        created_by=actor,
        officer_name=actor.full_name,
        officer_email=actor.email,
        officer_phone=actor.phone,
        officer_workplace=agency.name,
    )
    log_access(actor=actor, action=AccessAction.CREATE, obj=referral, detail="draft created")
    return referral


# What an officer edits in a draft; the rest (status, who created it, …) is not the form's.
def _edited_fields() -> list[str]:
    skip = {"id", "public_id", "federation", "project", "referring_agency", "created_by"}
    return [
        f.name
        for f in Referral._meta.concrete_fields
        if f.editable and f.name not in skip and not f.name.startswith("status")
    ]


@transaction.atomic
def referral_draft_save(*, actor: User, draft: Referral, version: int | None = None) -> Referral:
    """Store `draft`'s changed values, if it is still a draft. `version`: the version the
    officer loaded; a draft saved since raises `ConflictError` and nothing is written."""
    stored = _locked_draft(draft)
    conflicts.check(
        stored,
        version=version,
        yours={name: getattr(draft, name) for name in _edited_fields()},
    )
    draft.edit_version = conflicts.next_version(stored)
    text_limits.check_lengths(
        ReferralError,
        Referral,
        text_limits.NOTE,
        **{name: getattr(draft, name) for name in text_limits.text_fields(Referral)},
    )
    draft.save()
    log_access(actor=actor, action=AccessAction.CHANGE, obj=draft, detail="draft saved")
    return draft


@transaction.atomic
def referral_draft_delete(*, actor: User, referral: Referral) -> None:
    """Delete a draft and, once that is certain, its signed consent document."""
    try:
        draft = _locked_draft(referral)
    except NoLongerDraft:
        raise NoLongerDraft(_("Only a draft can be deleted.")) from None
    consent = consent_of(draft)
    log_access(actor=actor, action=AccessAction.DELETE, obj=draft)
    draft.delete()
    _delete_document_after_commit(consent)


@transaction.atomic
def consent_replace(*, actor: User, referral: Referral, consent: Consent) -> Consent:
    """Record the consent of a draft (`consent`: unsaved, from the form). A new consent
    replaces an earlier one, its signed paper included."""
    previous = consent_of(referral)
    saved = consent_record(actor=actor, referral=referral, consent=consent)
    _delete_document_after_commit(previous)
    return saved

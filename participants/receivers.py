"""How participations follow their referral (`referrals.signals`), connected in
`ParticipantsConfig.ready`."""

from django.db import transaction
from django.dispatch import receiver

from participants.models import Enrolment
from referrals.signals import consent_withdrawn, referral_accepted


@receiver(referral_accepted, dispatch_uid="participants_open_enrolment")
# Inside the deciding service's transaction; savepoint=False costs no query there.
@transaction.atomic(savepoint=False)
def open_enrolment(sender, *, referral, **kwargs) -> None:
    """Acceptance opens the participation record; the coordinator starts it later."""
    Enrolment.objects.create(
        federation_id=referral.federation_id,
        project_id=referral.project_id,
        cohort=referral.cohort,
        referral=referral,
    )


@receiver(consent_withdrawn, dispatch_uid="participants_end_on_withdrawal")
@transaction.atomic(savepoint=False)
def end_on_withdrawal(sender, *, referral, **kwargs) -> None:
    Enrolment.objects.filter(referral=referral).update(status=Enrolment.Status.CONSENT_WITHDRAWN)

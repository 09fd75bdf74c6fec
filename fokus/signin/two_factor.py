"""The second factor: who must use one, enrolling an authenticator app (TOTP), one-time backup
codes, checking a code, and a federation admin's reset for someone who lost their phone.

Everyone with an account uses a second factor: every role can read personal data (staff see
names in user lists). `FOKUS_TWO_FACTOR = "optional"` relaxes it for users without a device,
and settings allow that only with DEBUG (the demo of `make run`).
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from fokus import request_context
from fokus.audit import log_access
from fokus.models import AccessAction, User

BACKUP_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
BACKUP_DEVICE_NAME = "backup"
_APP_CODE = re.compile(r"\d{6}")


def second_factor_required(user: User) -> bool:
    """Whether this signed-in user must pass a second factor before any page with data."""
    return settings.FOKUS_TWO_FACTOR == "required" or user_has_device(user, confirmed=True)


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalised_code(raw: str) -> str:
    """What the person typed, without the spaces and dashes apps and printouts add."""
    return re.sub(r"[\s-]", "", raw or "").lower()


@transaction.atomic
def app_enrolment_start(*, user: User) -> TOTPDevice:
    """The unconfirmed app device the set-up page shows as a QR code: the same one on every
    reload until it is confirmed, so a code from an app set up a minute ago still works."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// link as an inline SVG (no script, no external image: CSP)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def secret_for_typing(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for apps where one types it instead of scanning."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def app_enrolment_confirm(*, user: User, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the app with a code it shows; replaces any earlier app and backup codes.
    Returns the device and the new backup codes (shown once, stored only as the tokens)."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    code = normalised_code(code)
    if device is None:
        raise ValidationError(_("The set-up has expired. Reload the page and scan the new code."))
    if not _APP_CODE.fullmatch(code) or not device.verify_token(code):
        raise ValidationError(
            _("The code is wrong or has expired. Enter the six digits the app shows now.")
        )
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(user)
    log_access(actor=user, action=AccessAction.CHANGE, obj=user, detail="two-factor app set up")
    return device, codes


@transaction.atomic
def backup_codes_replace(*, user: User) -> list[str]:
    """Ten new backup codes; the old ones stop working."""
    if not has_app(user):
        raise ValidationError(_("Set up the authenticator app first."))
    codes = _new_backup_codes(user)
    log_access(actor=user, action=AccessAction.CHANGE, obj=user, detail="backup codes replaced")
    return codes


@dataclass(frozen=True)
class CodeCheck:
    device: TOTPDevice | StaticDevice | None
    throttled: bool = False


@transaction.atomic
def second_factor_check(*, user: User, code: str) -> CodeCheck:
    """Check a code from the app or a backup code (used up on success). Wrong codes slow the
    device down (django-otp's throttling), so six digits cannot be guessed."""
    code = normalised_code(code)
    if _APP_CODE.fullmatch(code):
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    throttled = False
    for device in devices.select_for_update():
        allowed, _details = device.verify_is_allowed()
        if not allowed:
            throttled = True
            continue
        if device.verify_token(code):
            log_access(
                actor=user,
                action=AccessAction.LOGIN,
                obj=user,
                detail="second factor: backup code"
                if isinstance(device, StaticDevice)
                else "second factor: app",
            )
            return CodeCheck(device=device)
    log_access(
        actor=None,
        actor_label=user.email,
        action=AccessAction.FAILED_LOGIN,
        federation_id=user.federation_id,
        detail="second factor",
    )
    return CodeCheck(device=None, throttled=throttled)


def _send_reset_notice(user: User, actor: User) -> None:
    context = {
        "user": user,
        "actor": actor,
        "link": request_context.current().absolute_url(reverse("login")),
    }
    send_mail(
        subject=_("Your two-factor sign-in in Fokus was reset"),
        message=render_to_string("registration/two_factor_reset_email.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> None:
    """Remove someone's app and backup codes (a lost phone); they set up a new app at their
    next sign-in. Logged, and the person is told by e-mail. Not for one's own account: a
    second administrator does that, so a stolen admin password cannot drop the factor."""
    if user.pk == actor.pk:
        raise ValidationError(
            _("You cannot reset your own two-factor sign-in. Ask another administrator.")
        )
    if user.federation_id != actor.federation_id:
        raise ValidationError(_("The row belongs to another federation."))
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    log_access(actor=actor, action=AccessAction.CHANGE, obj=user, detail="two-factor reset")
    request_context.on_commit(lambda: _send_reset_notice(user, actor))

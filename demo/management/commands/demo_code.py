from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from fokus.models import User


class Command(BaseCommand):
    help = (
        "Print the code a demo user's authenticator app would show now, so the two-factor "
        "sign-in can be tried without a phone (DEBUG only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email: str, **options):
        if not settings.DEBUG:
            raise CommandError("demo_code is for the demo only; it needs DEBUG on.")
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No user with the e-mail address {email}.")
        # The newest app: the one being set up, or the confirmed one.
        device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
        if device is None:
            raise CommandError(f"{email} has no authenticator app; open the set-up page first.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:06d}")
